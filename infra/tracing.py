"""OpenTelemetry traces: a span per request in every service, continued across the graph.

The router starts a span per HTTP request, one per operation and one per subgraph fetch, and
sends the fetch's context to the subgraph in the W3C ``traceparent`` header; each subgraph
continues that trace with a span of its own (``infra.requests``). So one trace shows a whole
client request: router, operation, each fetch and each subgraph's work.

Spans are always made (it is cheap, and ``traceparent`` must flow even when nothing is
exported); they leave the process only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, then over OTLP
(HTTP/protobuf, the SDK's standard ``OTEL_EXPORTER_OTLP_*`` variables apply). Off by default.

Each service gets a provider of its own, so spans carry the right ``service.name`` even in the
embedded stack, where every service shares one process; they share the span processors.
"""

from __future__ import annotations

import os
import threading

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT"
INSTRUMENTATION = "dndcreator"

_lock = threading.Lock()
_providers: dict[str, TracerProvider] = {}
_processors: list[SpanProcessor] = []
_exporter_checked = False


def _exporting_processor() -> SpanProcessor | None:
    """OTLP over HTTP when an endpoint is configured; otherwise nothing leaves the process."""
    if not os.environ.get(ENDPOINT_VARIABLE):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return BatchSpanProcessor(OTLPSpanExporter())


def add_span_processor(processor: SpanProcessor) -> None:
    """Send every service's spans to ``processor`` too (tests: an in-memory exporter)."""
    with _lock:
        _processors.append(processor)
        for provider in _providers.values():
            provider.add_span_processor(processor)


def remove_span_processor(processor: SpanProcessor) -> None:
    """Stop sending spans to ``processor`` (it stays attached to existing providers, muted)."""
    with _lock:
        if processor in _processors:
            _processors.remove(processor)
    processor.shutdown()


def tracer(service: str) -> trace.Tracer:
    """The tracer of ``service``, its spans labelled ``service.name=service``."""
    global _exporter_checked
    with _lock:
        if not _exporter_checked:
            _exporter_checked = True
            exporting = _exporting_processor()
            if exporting is not None:
                _processors.append(exporting)
        provider = _providers.get(service)
        if provider is None:
            provider = TracerProvider(resource=Resource.create({"service.name": service}))
            for processor in _processors:
                provider.add_span_processor(processor)
            _providers[service] = provider
    return provider.get_tracer(INSTRUMENTATION)
