"""How much the embedded stack logs under a probe of expected client errors.

    uv run python -m bench.log_probe [--rounds 200]

Starts the embedded stack in this process (free ports, a temporary ``VAR_DIR``, the demo seed),
sends it ``--rounds`` rounds of the requests a prober sends (signed-out ``me``, a forged token,
an invalid query, a malformed ID, an unknown ID, a failed sign-in, a bad registration, and the
README's query), with every log line written to a file. Prints the log's size, its lines (and
of those the one summary line per request at the router and per operation at each subgraph), how
many are ERROR and how many tracebacks it holds. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from infra.logs import configure
from tests.e2e.isolated import isolated_stack

ME = "{ me { id displayName } }"
INVALID = "{ thisFieldDoesNotExist }"
CHARACTER = "query($id: ID!) { character(id: $id) { name level } }"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken userErrors { code } } }"
REGISTER = (
    "mutation($i: RegisterInput!) { register(input: $i) { accessToken userErrors { code } } }"
)
README = (
    "{ publicCharacters(first: 5) { edges { node { name class { name } owner { displayName } } } }"
    " }"
)


def probe_round(token: str) -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    bearer = {"Authorization": f"Bearer {token}"}
    return [
        (ME, {}, {}),
        (ME, {}, {"Authorization": "Bearer not.a.token"}),
        (INVALID, {}, {}),
        (CHARACTER, {"id": "not-a-uuid"}, bearer),
        (CHARACTER, {"id": str(uuid.uuid4())}, bearer),
        (LOGIN, {"i": {"email": "nobody@example.org", "password": "wrong password"}}, {}),
        (REGISTER, {"i": {"email": "not an address", "password": "x", "displayName": ""}}, {}),
        (README, {}, {}),
    ]


async def _sign_up(http: httpx.AsyncClient, url: str) -> str:
    variables = {
        "i": {
            "email": f"probe-{uuid.uuid4().hex[:8]}@example.org",
            "password": "a long probing passphrase",
            "displayName": "Probe",
        }
    }
    body = (await http.post(url, json={"query": REGISTER, "variables": variables})).json()
    return str(body["data"]["register"]["accessToken"])


def _log_to(path: Path) -> None:
    configure()
    stream = path.open("a", encoding="utf-8")
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(stream)


async def run(rounds: int) -> tuple[str, int, float]:
    """The log text of ``rounds`` probe rounds, how many requests they were, and their time."""
    with tempfile.TemporaryDirectory(prefix="log-probe-") as tmp:
        log_file = Path(tmp) / "stack.log"
        _log_to(log_file)
        async with isolated_stack(Path(tmp) / "var", demo=True) as stack:
            start = log_file.stat().st_size
            async with httpx.AsyncClient(timeout=30) as http:
                token = await _sign_up(http, stack.router_url)
                started = time.perf_counter()
                sent = 0
                for _ in range(rounds):
                    for query, variables, headers in probe_round(token):
                        await http.post(
                            stack.router_url,
                            json={"query": query, "variables": variables},
                            headers=headers,
                        )
                        sent += 1
                seconds = time.perf_counter() - started
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = log_file.read_bytes()[start:].decode("utf-8", "replace")
    return text, sent, seconds


def report(text: str, sent: int, seconds: float) -> None:
    lines = text.splitlines()
    errors = sum(1 for line in lines if '"level": "ERROR"' in line or line.startswith("ERROR"))
    tracebacks = text.count("Traceback (most recent call last)")
    summary_loggers = ('"logger": "router.request"', '"logger": "dndcreator.operation"')
    summaries = [line for line in lines if any(name in line for name in summary_loggers)]
    print(f"requests sent:     {sent} in {seconds:.1f} s")
    print(f"log bytes:         {len(text.encode()):,}")
    print(f"log lines:         {len(lines):,}")
    print(f"  request summaries: {len(summaries):,} ({sum(len(s) + 1 for s in summaries):,} bytes)")
    print(f"ERROR lines:       {errors:,}")
    print(f"tracebacks:        {tracebacks:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--keep", metavar="FILE", help="also write the probe's log lines here")
    args = parser.parse_args()
    text, sent, seconds = asyncio.run(run(args.rounds))
    if args.keep:
        Path(args.keep).write_text(text)
    report(text, sent, seconds)


if __name__ == "__main__":
    main()
