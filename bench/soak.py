"""Soak: does the embedded stack's memory level off? RSS over 100,000 requests.

    uv run python -m bench.soak [--requests 100000] [--concurrency 8] [--every 10000]

The embedded stack (every subgraph and the router, as ``make run`` starts it, with the demo seed)
runs in a child process on free loopback ports with a temporary ``VAR_DIR``; this process is the
client. The traffic mixes what grows a server's state if anything does:

* the README query, signed out, and a signed-in ``me`` plus the user's characters;
* a fresh sign-in every 250 requests (new tokens: the verification caches; new sessions);
* operations whose text is new every time (the plan cache) and invalid ones (validation);
* automatic persisted queries with a hash never seen before (the persisted-query store);
* a WebSocket connection opened, initialised with the token and closed every 200 requests
  (per-connection state); a character created every 100 requests (database, outbox, bus).

The child's resident set size (``/proc/PID/status`` VmRSS) is printed before the first request and
after every ``--every`` requests, with the request rate; nothing is asserted. Results and the
command go in ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import multiprocessing
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson

from tests.router.subs.client import GraphQLWsClient

README = ("{ publicCharacters(first: 5) { edges { node { name level class { name hitDie } "
          "owner { displayName } portrait { url contentType width } } } } }")
MINE = "query Mine { me { displayName } characters(first: 5) { edges { node { id name } } } }"
REGISTER = """mutation($i: RegisterInput!) {
  register(input: $i) { accessToken userErrors { code } } }"""
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken userErrors { code } } }"
CREATE = """mutation($i: CreateCharacterInput!) {
  createCharacter(input: $i) { character { id } userErrors { code } } }"""
PASSWORD = "brine-kettle-orchard-47"
EXAMPLE = orjson.loads((Path(__file__).resolve().parents[1] / "rules" / "examples"
                        / "fighter-3-human.json").read_bytes())


def _serve(var_dir: str, ready: Any) -> None:
    """The child: the embedded stack with the demo, until killed."""
    import logging

    from infra.gc_tuning import settle_after_startup
    from infra.logs import configure
    from tests.e2e.isolated import isolated_stack

    async def run() -> None:
        async with isolated_stack(Path(var_dir), demo=True) as stack:
            settle_after_startup()
            ready.send(stack.router_url)
            await asyncio.Event().wait()

    configure(logging.WARNING, service="stack")  # request lines would measure the log instead
    asyncio.run(run())


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


class Client:
    def __init__(self, http: httpx.AsyncClient, url: str, email: str) -> None:
        self.http, self.url, self.email = http, url, email
        self.token = ""
        self.errors = 0

    async def call(self, query: str, variables: dict[str, Any] | None = None,
                   extensions: dict[str, Any] | None = None, token: bool = False) -> Any:
        body: dict[str, Any] = {"query": query, "variables": variables or {}}
        if extensions is not None:
            body = {"extensions": extensions, "variables": variables or {}}
        headers = {"Authorization": f"Bearer {self.token}"} if token else {}
        response = await self.http.post(self.url, content=orjson.dumps(body),
                                        headers={"content-type": "application/json", **headers})
        if response.status_code >= 500:
            self.errors += 1
        return response.json()

    async def sign_in(self) -> None:
        variables = {"i": {"email": self.email, "password": PASSWORD}}
        self.token = (await self.call(LOGIN, variables))["data"]["login"]["accessToken"]

    async def one(self, n: int) -> None:
        if n % 250 == 0:
            await self.sign_in()
        if n % 200 == 0:
            socket = await GraphQLWsClient.connected(self.url.replace("http", "ws"),
                                                     f"Bearer {self.token}")
            await socket.close()
        kind = n % 10
        if kind in (0, 1, 2):
            await self.call(README)
        elif kind in (3, 4):
            await self.call(MINE, token=True)
        elif kind == 5:  # a text the plan cache has never seen
            await self.call(f"query Unique{n} {{ publicCharacters(first: {1 + n % 7}) "
                            f"{{ edges {{ node {{ name alias{n}: level }} }} }} }}")
        elif kind == 6:
            await self.call(f"{{ noSuchField{n} }}")
        elif kind == 7:  # an automatic persisted query nobody registered
            digest = hashlib.sha256(f"unknown {n}".encode()).hexdigest()
            await self.call("", extensions={"persistedQuery": {"version": 1,
                                                               "sha256Hash": digest}})
        elif kind == 8 and n % 100 == 8:
            document = {**EXAMPLE, "identity": {**EXAMPLE["identity"], "name": f"Soak {n}"}}
            await self.call(CREATE, {"i": {"document": document}}, token=True)
        else:
            await self.call(MINE, token=True)


async def drive(url: str, pid: int, requests: int, concurrency: int, every: int) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        clients = []
        for _ in range(concurrency):
            client = Client(http, url, f"soak-{uuid.uuid4().hex[:10]}@example.org")
            registered = await client.call(REGISTER, {"i": {
                "email": client.email, "password": PASSWORD, "displayName": "Soak"}})
            if registered["data"]["register"]["userErrors"]:
                raise SystemExit(f"cannot register: {registered}")
            await client.sign_in()
            clients.append(client)
        counter = itertools.count()
        done = 0
        started = last = time.perf_counter()
        print(f"{'requests':>9} {'RSS MiB':>8} {'req/s':>7}", flush=True)
        print(f"{0:>9} {rss_mib(pid):>8.1f} {'':>7}", flush=True)

        async def worker(client: Client) -> None:
            nonlocal done, last
            while (n := next(counter)) < requests:
                await client.one(n)
                done += 1
                if done % every == 0:
                    now = time.perf_counter()
                    print(f"{done:>9} {rss_mib(pid):>8.1f} {every / (now - last):>7.0f}",
                          flush=True)
                    last = now

        await asyncio.gather(*(worker(client) for client in clients))
        seconds = time.perf_counter() - started
        failures = sum(client.errors for client in clients)
        print(f"{done} requests in {seconds:.0f} s ({done / seconds:.0f} req/s), "
              f"{failures} answered 5xx", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--every", type=int, default=10_000)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="soak-") as var_dir:
        receiving, sending = context.Pipe(duplex=False)
        child = context.Process(target=_serve, args=(var_dir, sending), daemon=True)
        child.start()
        try:
            if not receiving.poll(180):
                raise SystemExit("the stack did not start within 180 s")
            url = receiving.recv()
            assert child.pid is not None
            asyncio.run(drive(url, child.pid, args.requests, args.concurrency, args.every))
        finally:
            child.terminate()
            child.join(10)


if __name__ == "__main__":
    main()
