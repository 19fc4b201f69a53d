"""OpenTelemetry traces across hops, the context carried as ``ce_traceparent``."""

from hub.runtime.tracing.headers import TRACE_HEADERS, extracted, injected
from hub.runtime.tracing.provider import tracer_provider, tracing_for
from hub.runtime.tracing.tracer import Tracing

__all__ = ["TRACE_HEADERS", "Tracing", "extracted", "injected", "tracer_provider", "tracing_for"]
