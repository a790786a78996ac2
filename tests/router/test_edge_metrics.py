"""The /metrics page: Prometheus text format with the router's counters and histograms."""

from __future__ import annotations

import re
import uuid

import httpx

from router.edge.config import EdgeConfig, RateLimitPolicy
from router.edge.metrics import Counter, Histogram, Registry
from tests.router.conftest import RouterFactory, run_query
from tests.support import free_port

LABEL = r'[a-z_]+="[^"\n]*"'
SAMPLE = re.compile(rf"^[a-z_]+(\{{{LABEL}(,{LABEL})*\}})? (\d+(\.\d+)?(e[-+]?\d+)?|\+Inf)$")


def samples(text: str) -> dict[str, float]:
    """Every sample line as ``name{labels}`` -> value, checking the line format on the way."""
    values: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) [a-z_]+ .+$", line), line
            continue
        assert SAMPLE.match(line), line
        key, value = line.rsplit(" ", 1)
        values[key] = float(value)
    return values


async def test_requests_plan_cache_and_subgraph_fetches_are_counted(
    router: httpx.AsyncClient,
) -> None:
    query = '{ character(id: "c1") { name inventory { name } } }'
    for _ in range(3):
        await run_query(router, query)
    await run_query(router, 'mutation { renameCharacter(id: "c2", name: "B") { name } }')
    await router.post("/graphql", json={"query": "{ nope }"})  # refused before it has a type

    page = await router.get("/metrics")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/plain; version=0.0.4")
    values = samples(page.text)
    assert values['router_http_requests_total{status="200",operation_type="query"}'] == 3
    assert values['router_http_requests_total{status="200",operation_type="mutation"}'] == 1
    assert values['router_http_requests_total{status="200",operation_type="none"}'] == 1
    assert values['router_http_request_duration_seconds_count{operation_type="query"}'] == 3
    assert values['router_http_request_duration_seconds_bucket{operation_type="query",le="+Inf"}'
                  ] == 3
    assert values["router_plan_cache_hits_total"] == 2
    assert values["router_plan_cache_misses_total"] == 3  # the query, the mutation, "{ nope }"
    assert values['router_subgraph_fetch_duration_seconds_count{subgraph="characters"}'] == 4
    assert values['router_subgraph_fetch_duration_seconds_count{subgraph="items"}'] == 3
    assert values['router_subgraph_circuit_state{subgraph="items"}'] == 0
    assert values.get("router_rate_limited_total", 0) == 0


async def test_fetch_errors_and_rate_limits_are_counted(make_router: RouterFactory) -> None:
    router = await make_router(
        subgraph_url_overrides={"items": f"http://127.0.0.1:{free_port()}/graphql"},
        edge=EdgeConfig(rate_limit=RateLimitPolicy(requests=2,
                                                   key_prefix=f"test:{uuid.uuid4().hex}")),
    )
    await run_query(router, "{ items { name } }")
    await run_query(router, "{ items { name } }")
    assert (await router.post("/graphql", json={"query": "{ items { name } }"})).status_code == 429
    values = samples((await router.get("/metrics")).text)  # /metrics is never rate limited
    assert values['router_subgraph_fetch_errors_total{subgraph="items",reason="transport"}'] == 2
    assert values["router_rate_limited_total"] == 1
    assert values['router_http_requests_total{status="429",operation_type="none"}'] == 1


async def test_metrics_page_can_be_moved_or_turned_off(make_router: RouterFactory) -> None:
    moved = await make_router(edge=EdgeConfig(metrics_path="/internal/metrics"))
    assert (await moved.get("/internal/metrics")).status_code == 200
    assert (await moved.get("/metrics")).status_code == 404
    off = await make_router(edge=EdgeConfig(metrics_path=None))
    assert (await off.get("/metrics")).status_code == 404


def test_registry_renders_counters_and_cumulative_histogram_buckets() -> None:
    registry = Registry()
    counter = registry.add(Counter("things_total", "Things.", ("kind",)))
    histogram = registry.add(Histogram("wait_seconds", "Waits.", (), buckets=(0.1, 1.0)))
    counter.inc('say "hi"\\')
    counter.inc('say "hi"\\', amount=2)
    for value in (0.05, 0.5, 0.5, 5.0):
        histogram.observe(value)
    text = registry.render()
    assert 'things_total{kind="say \\"hi\\"\\\\"} 3' in text
    assert 'wait_seconds_bucket{le="0.1"} 1' in text
    assert 'wait_seconds_bucket{le="1"} 3' in text
    assert 'wait_seconds_bucket{le="+Inf"} 4' in text
    assert "wait_seconds_count 4" in text
    assert "wait_seconds_sum 6.05" in text
