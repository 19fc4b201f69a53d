"""W3C trace context in record headers: the CloudEvents distributed-tracing extension.

A record carries its producer's span as ``ce_traceparent`` (and ``ce_tracestate`` when the
trace has one), the extension's attributes in the Kafka binary binding. The values are W3C
Trace Context (``00-<trace id>-<span id>-<flags>``): random ids, never personal data.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.context import Context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = ["TRACE_HEADERS", "extracted", "injected"]

TRACE_HEADERS = ("ce_traceparent", "ce_tracestate")
_PREFIX = "ce_"
_PROPAGATOR = TraceContextTextMapPropagator()


def extracted(headers: Sequence[tuple[str, bytes]]) -> Context:
    """The trace context a record carries; an empty context (a new trace) when none."""
    carrier = {
        name.removeprefix(_PREFIX): value.decode(errors="replace")
        for name, value in headers
        if name in TRACE_HEADERS
    }
    return _PROPAGATOR.extract(carrier) if carrier else Context()


def injected(context: Context | None = None) -> tuple[tuple[str, bytes], ...]:
    """The headers that carry ``context`` (by default the current one); none without a span."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, context=context)
    return tuple((_PREFIX + name, value.encode()) for name, value in sorted(carrier.items()))
