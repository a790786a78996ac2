"""Run the reference composer (tests/node/compose.mjs) from Python.

Locally, without Node.js/npm, tests that need it skip; with CI=true they fail instead, so the
differential check always runs in CI. ``npm ci`` installs the pinned packages on first use.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from schema.compose import Subgraph
from tests.conftest import IN_CI

NODE_PROJECT = Path(__file__).resolve().parents[1] / "node"
SCRIPT = NODE_PROJECT / "compose.mjs"
REFERENCE_PACKAGE = NODE_PROJECT / "node_modules" / "@theguild" / "federation-composition"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason}, and CI=true requires the reference composer")
    pytest.skip(reason)


def require_reference_composer() -> None:
    """Make sure node and the pinned npm packages are there (installing them if needed)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        _unavailable("node/npm is not installed")
    if REFERENCE_PACKAGE.exists():
        return
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(NODE_PROJECT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 or not REFERENCE_PACKAGE.exists():
        _unavailable(f"npm ci in {NODE_PROJECT} failed: {result.stderr[-2000:]}")


def _run(payload: object) -> Any:
    result = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=NODE_PROJECT,
    )
    if result.returncode != 0:
        raise AssertionError(f"reference composer crashed: {result.stderr}")
    return json.loads(result.stdout)


def _as_json(subgraphs: list[Subgraph]) -> list[dict[str, str]]:
    return [{"name": s.name, "url": s.url, "sdl": s.sdl} for s in subgraphs]


def reference_compose(subgraphs: list[Subgraph]) -> dict[str, Any]:
    """``{"supergraph": sdl}`` or ``{"errors": [{"code", "message"}, ...]}``."""
    result: dict[str, Any] = _run(_as_json(subgraphs))
    return result


def reference_compose_many(cases: dict[str, list[Subgraph]]) -> dict[str, dict[str, Any]]:
    """Like ``reference_compose`` for many sets with a single Node start (keeps tests fast)."""
    names = list(cases)
    results: list[dict[str, Any]] = _run({"batch": [_as_json(cases[name]) for name in names]})
    return dict(zip(names, results, strict=True))
