"""Loopback servers the corpus runs against: uvicorn apps in threads and the Apollo Gateway process.

``background_app`` serves an ASGI app (the fake subgraphs, or the routers of every case mounted
side by side) on a free 127.0.0.1 port in a daemon thread. ``apollo_gateway`` starts ONE node
process that hosts an Apollo Gateway per case (``node/gateway.mjs``), installing the npm packages
with ``npm ci`` first when ``node_modules`` is missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from tests.support import free_port

NODE_DIR = Path(__file__).parent / "node"
START_TIMEOUT = 60.0
# what gateway.mjs imports; a node_modules missing one of them is re-installed from the lock file
NODE_PACKAGES = ("@apollo/gateway", "@apollo/server", "@graphql-hive/gateway-runtime",
                 "@graphql-mesh/transport-http", "@theguild/federation-composition", "graphql")


class ReferencesUnavailable(RuntimeError):
    """Node, npm or the npm packages are missing, or the gateway process did not start."""


@contextlib.contextmanager
def background_app(app: Any) -> Iterator[str]:
    """Serve ``app`` on a loopback port for the duration of the block; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"uvicorn did not start on port {port}")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


def ensure_node_packages() -> None:
    """Make sure node and the pinned npm packages are there (``npm ci`` if needed)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise ReferencesUnavailable("node and npm are needed to run the reference gateways")
    if all((NODE_DIR / "node_modules" / package).exists() for package in NODE_PACKAGES):
        return
    completed = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if completed.returncode != 0:
        raise ReferencesUnavailable(f"npm ci failed in {NODE_DIR}:\n{completed.stderr[-2000:]}")


class ReferenceProcess:
    """One node process hosting the reference gateways of each manifest entry, started in the
    background.

    Each entry is ``{"name", "supergraphSdl", "urls": {subgraph: url}}``. Starting (``npm ci`` if
    needed, then loading every supergraph) takes seconds, so it runs in a thread while other
    tests proceed; ``base_url()`` waits for it and serves ``/apollo/<case>/graphql`` and
    ``/hive/<case>/graphql``. ``compose``, ``load`` and ``unload`` serve the generative tests.
    """

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self._folder = tempfile.TemporaryDirectory()
        self._process: subprocess.Popen[str] | None = None
        self._url: str | None = None
        self._problem: ReferencesUnavailable | None = None
        self._starter = threading.Thread(target=self._start, args=(entries,), daemon=True)
        self._starter.start()

    def _start(self, entries: list[dict[str, Any]]) -> None:
        try:
            ensure_node_packages()
            manifest = Path(self._folder.name) / "manifest.json"
            manifest.write_text(json.dumps(entries))
            log_path = Path(self._folder.name) / "stderr.log"
            with log_path.open("w") as log:
                self._process = subprocess.Popen(
                    ["node", str(NODE_DIR / "gateway.mjs"), str(manifest)],
                    cwd=NODE_DIR,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                    env={**os.environ, "NODE_ENV": "test"},
                )
            assert self._process.stdout is not None
            line = self._process.stdout.readline()
            if not line.startswith("READY "):
                raise ReferencesUnavailable(f"the reference gateways did not start: {line!r}\n"
                                            f"{log_path.read_text()[-4000:]}")
            self._url = f"http://127.0.0.1:{int(line.split()[1])}"
        except (ReferencesUnavailable, OSError, subprocess.SubprocessError) as problem:
            self._problem = (
                problem
                if isinstance(problem, ReferencesUnavailable)
                else ReferencesUnavailable(f"could not run node: {problem}")
            )

    def base_url(self) -> str:
        self._starter.join(START_TIMEOUT + 600)  # npm ci may run first
        if self._url is None:
            raise self._problem or ReferencesUnavailable(
                "the reference gateways did not start in time")
        return self._url

    def _call(self, path: str, body: Any) -> Any:
        response = httpx.post(f"{self.base_url()}{path}", json=body, timeout=120)
        response.raise_for_status()
        return response.json()

    def compose(self, subgraphs: list[dict[str, str]]) -> dict[str, Any]:
        """``[{name, url, sdl}]`` composed by @theguild/federation-composition:
        ``{"supergraphSdl": ...}`` or ``{"errors": [...]}``."""
        result: dict[str, Any] = self._call("/__compose", subgraphs)
        return result

    def load(self, name: str, supergraph_sdl: str, urls: dict[str, str]) -> dict[str, str]:
        """Start both reference gateways for one more supergraph; ``{gateway: "ok" | error}``."""
        result: dict[str, str] = self._call(
            "/__load", {"name": name, "supergraphSdl": supergraph_sdl, "urls": urls})
        return result

    def unload(self, name: str) -> None:
        self._call("/__unload", {"name": name})

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._starter.join(5)
        self._folder.cleanup()


@contextlib.contextmanager
def reference_gateways(entries: list[dict[str, Any]]) -> Iterator[str]:
    """Run the reference gateways for every manifest entry; yields the base URL
    (``/apollo/<case>/graphql``, ``/hive/<case>/graphql``)."""
    process = ReferenceProcess(entries)
    try:
        yield process.base_url()
    finally:
        process.stop()
