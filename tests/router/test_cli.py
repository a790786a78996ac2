"""``python -m router``: the plan command, and serving a supergraph file over real HTTP."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from router.__main__ import main
from tests.router.conftest import SUPERGRAPH_PATH
from tests.support import free_port


def test_plan_command_prints_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", "--supergraph", str(SUPERGRAPH_PATH),
                 "--query", "{ characters { campaigns { name } } }"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("QueryPlan {")
    assert 'Fetch(service: "characters")' in out
    assert 'Flatten(path: "characters.@")' in out


def test_plan_command_reads_a_query_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query_file = tmp_path / "q.graphql"
    query_file.write_text("query A { items { name } } query B { campaigns { name } }")
    code = main(["plan", "--supergraph", str(SUPERGRAPH_PATH), "--query", str(query_file),
                 "--operation-name", "B"])
    out = capsys.readouterr().out
    assert code == 0
    assert 'Fetch(service: "campaigns")' in out
    assert "items" not in out


def test_plan_command_explains_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--supergraph", str(SUPERGRAPH_PATH), "--query", "{ wings }"]) == 2
    assert "wings" in capsys.readouterr().err
    not_a_supergraph = tmp_path / "plain.graphql"
    not_a_supergraph.write_text("type Query { a: Int }")
    assert main(["plan", "--supergraph", str(not_a_supergraph), "--query", "{ a }"]) == 2
    assert "join spec" in capsys.readouterr().err


@pytest.fixture
def served_router(subgraph_urls: dict[str, str]) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "router", "--supergraph", str(SUPERGRAPH_PATH),
         "--port", str(port), "--dev",
         "--subgraph-url", f"characters={subgraph_urls['characters']}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("router did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serving_a_supergraph_file(served_router: str) -> None:
    response = httpx.post(f"{served_router}/graphql",
                          json={"query": '{ character(id: "c2") { name } }'})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"character": {"name": "Borin"}}
    assert body["extensions"]["queryPlan"].startswith("QueryPlan")
    # campaigns and items still point at the file's placeholder URLs, where nothing listens
    health = httpx.get(f"{served_router}/health")
    assert health.status_code == 503
    assert health.json()["subgraphs"]["characters"] == "ok"
