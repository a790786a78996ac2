"""Regenerates ``supergraph.graphql`` from the test subgraphs.

Run from the project root after changing ``tests/router/subgraphs.py``::

    (cd tests/router/node && npm ci)
    uv run python -m tests.router.compose_supergraph

The URLs written into ``join__graph`` are placeholders; the tests point the router at the real
loopback ports through ``subgraph_url_overrides``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.router.subgraphs import SCHEMAS

HERE = Path(__file__).parent
SUPERGRAPH_PATH = HERE / "supergraph.graphql"
PLACEHOLDER_PORTS = {"characters": 4101, "campaigns": 4102, "items": 4103}


def subgraph_sdl(name: str) -> str:
    result = SCHEMAS[name].execute_sync("{ _service { sdl } }")
    assert result.data is not None, result.errors
    return str(result.data["_service"]["sdl"])


def compose() -> str:
    payload = [
        {"name": name, "url": f"http://127.0.0.1:{port}/graphql", "sdl": subgraph_sdl(name)}
        for name, port in PLACEHOLDER_PORTS.items()
    ]
    completed = subprocess.run(
        ["node", str(HERE / "node" / "compose.mjs")],
        input=json.dumps(payload), capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"composition failed:\n{completed.stderr}")
    return completed.stdout


if __name__ == "__main__":
    SUPERGRAPH_PATH.write_text(compose())
    print(f"wrote {SUPERGRAPH_PATH}")
