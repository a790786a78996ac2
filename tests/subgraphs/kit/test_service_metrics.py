"""Every service serves its own Prometheus metrics: operations by outcome, and their time."""

from __future__ import annotations

from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from subgraphs.character.app import build as build_character
from tests.subgraphs.harness import serve_subgraph


async def test_operations_are_counted_by_outcome(tmp_path: Path) -> None:
    env = {"CHARACTER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'c.db'}",
           "REDIS_URL": None}
    async with serve_subgraph(build_character, env) as (http, _):
        for query in ("{ publicCharacters(first: 1) { edges { node { id } } } }",
                      "{ publicCharacters(first: 1) { edges { node { id } } } }",
                      "{ characters(first: 1) { edges { node { id } } } }"):  # signed out
            await http.post("/graphql", json={"query": query})
        page = await http.get("/metrics")
    assert page.status_code == 200
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(page.text) for sample in family.samples
    }
    ok = ("subgraph_operations_total",
          (("operation_type", "query"), ("outcome", "ok"), ("service", "character")))
    refused = ("subgraph_operations_total",
               (("operation_type", "query"), ("outcome", "client_error"),
                ("service", "character")))
    assert samples[ok] == 2 and samples[refused] == 1
    assert samples[("subgraph_operation_duration_seconds_count",
                    (("service", "character"),))] == 3
