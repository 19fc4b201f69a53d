"""The tracer provider the settings ask for: none by default, OTLP/HTTP when configured.

The OTLP exporter is the optional extra ``casehub[otlp]``
(``opentelemetry-exporter-otlp-proto-http``): a hub that exports no spans needs none of it.
"""

from __future__ import annotations

import importlib
from typing import Any

from opentelemetry.sdk.resources import SERVICE_INSTANCE_ID, SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import TracerProvider as AnyTracerProvider

from hub.runtime.tracing.tracer import Tracing

__all__ = ["tracer_provider", "tracing_for"]

_EXPORTER = "opentelemetry.exporter.otlp.proto.http.trace_exporter"


def tracer_provider(endpoint: str | None, *, instance: str) -> TracerProvider | None:
    """A provider exporting to the OTLP/HTTP ``endpoint`` in batches; None without one.

    Raises:
        RuntimeError: an endpoint is set but the ``otlp`` extra is not installed.

    """
    if endpoint is None:
        return None
    try:
        module: Any = importlib.import_module(_EXPORTER)
    except ImportError:
        msg = "CASEHUB_OTLP_ENDPOINT is set but the OTLP exporter is not installed: casehub[otlp]"
        raise RuntimeError(msg) from None
    resource = Resource.create({SERVICE_NAME: "casehub", SERVICE_INSTANCE_ID: instance})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(module.OTLPSpanExporter(endpoint=endpoint)))
    return provider


def tracing_for(endpoint: str | None, *, instance: str, given: AnyTracerProvider | None) -> Tracing:
    """An app's tracing: on the ``given`` provider (a test's), else as ``tracer_provider``."""
    if given is not None:
        return Tracing(given)
    made = tracer_provider(endpoint, instance=instance)
    return Tracing(made, shutdown=None if made is None else made.shutdown)
