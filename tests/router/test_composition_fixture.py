"""The committed supergraph must match what composing today's test subgraphs produces.

Needs Node.js and ``tests/router/node/node_modules`` (``npm ci`` there); skips without them.
Regenerate with ``uv run python -m tests.router.compose_supergraph``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.router.compose_supergraph import SUPERGRAPH_PATH, compose

NODE_MODULES = Path(__file__).parent / "node" / "node_modules" / "@theguild"


@pytest.mark.node
def test_committed_supergraph_is_up_to_date() -> None:
    if shutil.which("node") is None or not NODE_MODULES.is_dir():
        pytest.skip("needs node and `npm ci` in tests/router/node")
    assert compose() == SUPERGRAPH_PATH.read_text(), (
        "tests/router/supergraph.graphql is stale: run "
        "`uv run python -m tests.router.compose_supergraph`"
    )
