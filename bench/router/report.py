"""The results table: one row per gateway and operation, with ratios against Hive Gateway."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.router.load import LoadResult

MEBIBYTE = 1024 * 1024


@dataclass(frozen=True)
class Measurement:
    gateway: str
    operation: str
    load: LoadResult
    peak_rss_bytes: int
    # Requests the gateway worked on in the accounting window: completed + left in flight.
    processed_requests: int
    cpu_seconds: float  # CPU time the gateway's processes used in the window
    subgraph_cpu_seconds: float  # the same for the three subgraphs together
    subgraph_calls: int  # requests the subgraphs served in the window
    subgraph_connections: int  # TCP connections the gateway opened to them meanwhile

    @property
    def cpu_ms_per_request(self) -> float:
        return self._per_request(self.cpu_seconds)

    @property
    def subgraph_cpu_ms_per_request(self) -> float:
        return self._per_request(self.subgraph_cpu_seconds)

    @property
    def subgraph_calls_per_request(self) -> float:
        return self.subgraph_calls / self.processed_requests if self.processed_requests else 0.0

    def _per_request(self, seconds: float) -> float:
        return 1000 * seconds / self.processed_requests if self.processed_requests else 0.0


def _ratio(value: float, reference: float | None) -> str:
    if reference is None or reference == 0:
        return "-"
    return f"{value / reference:.2f}x"


def markdown_table(measurements: Sequence[Measurement], reference_gateway: str) -> str:
    """A Markdown table (readable as plain text too) for the terminal and bench/README.md."""
    reference = {m.operation: m for m in measurements if m.gateway == reference_gateway}
    header = (
        "| operation | gateway | req/s | p50 ms | p95 ms | p99 ms | peak RSS MiB | CPU ms/req "
        "| subgraph calls/req "
        f"| req/s vs {reference_gateway} | p95 vs {reference_gateway} "
        f"| CPU/req vs {reference_gateway} | errors |"
    )
    rows = [header, "|" + "---|" * 13]
    for operation in dict.fromkeys(m.operation for m in measurements):
        base = reference.get(operation)
        for m in (m for m in measurements if m.operation == operation):
            load = m.load
            errors = load.http_errors + load.socket_errors
            rows.append(
                f"| {operation} | {m.gateway} | {load.rps:,.0f} | {load.p50_ms:.1f} "
                f"| {load.p95_ms:.1f} | {load.p99_ms:.1f} | {m.peak_rss_bytes / MEBIBYTE:.0f} "
                f"| {m.cpu_ms_per_request:.2f} | {m.subgraph_calls_per_request:.2f} "
                f"| {_ratio(load.rps, base.load.rps if base else None)} "
                f"| {_ratio(load.p95_ms, base.load.p95_ms if base else None)} "
                f"| {_ratio(m.cpu_ms_per_request, base.cpu_ms_per_request if base else None)} "
                f"| {errors} |"
            )
    return "\n".join(rows)
