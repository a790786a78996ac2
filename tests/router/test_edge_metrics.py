"""The /metrics page: Prometheus text format with the router's counters and histograms."""

from __future__ import annotations

import re
import uuid

import httpx
from prometheus_client.parser import text_string_to_metric_families

from router.edge.config import EdgeConfig, RateLimitPolicy
from tests.router.conftest import RouterFactory, run_query
from tests.support import free_port

LABEL = r'[a-z_]+="[^"\n]*"'
SAMPLE = re.compile(rf"^[a-z_]+(\{{{LABEL}(,{LABEL})*\}})? (\d+(\.\d+)?(e[-+]?\d+)?|\+Inf)$")


def canonical(key: str) -> str:
    """``name{b="1",a="2"}`` as ``name{a="2",b="1"}``: label order carries no meaning."""
    name, brace, labels = key.partition("{")
    if not brace:
        return key
    pairs = re.findall(LABEL, labels.rstrip("}"))
    return f"{name}{{{','.join(sorted(pairs))}}}"


class Samples(dict[str, float]):
    def __getitem__(self, key: str) -> float:
        return super().__getitem__(canonical(key))

    def get(self, key: str, default: float | None = None) -> float | None:  # type: ignore[override]
        return super().get(canonical(key), default)


def samples(text: str) -> Samples:
    """Every sample line as ``name{labels}`` -> value, checking the line format on the way."""
    values = Samples()
    for line in text.splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) [a-z_]+ .+$", line), line
            continue
        assert SAMPLE.match(line), line
        key, value = line.rsplit(" ", 1)
        values[canonical(key)] = float(value)
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
    assert page.headers["content-type"].startswith("text/plain; version=")
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


async def test_the_page_is_valid_prometheus_exposition(router: httpx.AsyncClient) -> None:
    await run_query(router, '{ character(id: "c1") { name } }')
    page = (await router.get("/metrics")).text
    families = {family.name: family for family in text_string_to_metric_families(page)}
    assert families["router_http_requests"].type == "counter"
    assert families["router_http_request_duration_seconds"].type == "histogram"
    assert families["router_plan_cache_hits"].type == "counter"
    assert families["router_subgraph_circuit_state"].type == "gauge"
    assert "_created" not in page
