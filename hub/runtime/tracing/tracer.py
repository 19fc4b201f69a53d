"""The hub's spans: consume, handle, external call, publish, on one app's tracer provider.

Without a provider (the default) no span is recorded, but the trace context still passes
through: a consumed record's context is made current while it is handled, so the records
it causes carry the same ``ce_traceparent`` on to a hub that does record spans.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Tracer, TracerProvider

from hub.runtime.tracing.headers import extracted

__all__ = ["Tracing"]

_SCOPE = "casehub"


class Tracing:
    """One app's tracing: recording spans on ``provider``, or only passing context on."""

    def __init__(
        self, provider: TracerProvider | None = None, *, shutdown: Callable[[], None] | None = None
    ) -> None:
        self.provider = provider
        self._tracer: Tracer | None = None if provider is None else provider.get_tracer(_SCOPE)
        self._shutdown = shutdown

    def shutdown(self) -> None:
        """Export what is still batched and stop, if this app made its provider."""
        if self._shutdown is not None:
            self._shutdown()

    @contextmanager
    def consuming(
        self, headers: Sequence[tuple[str, bytes]], *, topic: str, partition: int, component: str
    ) -> Iterator[None]:
        """One record's consumption, in the trace its headers carry (or a new one)."""
        parent = extracted(headers)
        if self._tracer is None:
            if not parent:  # nothing to pass on (an empty context is a mapping with nothing)
                yield
                return
            token = otel_context.attach(parent)
            try:
                yield
            finally:
                otel_context.detach(token)
            return
        attributes = {
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": topic,
            "messaging.destination.partition.id": str(partition),
            "casehub.component": component,
        }
        with self._tracer.start_as_current_span(
            f"consume {topic}",
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes=attributes,
            record_exception=False,
        ):
            yield

    @contextmanager
    def span(
        self, name: str, kind: SpanKind = SpanKind.INTERNAL, **attributes: str
    ) -> Iterator[None]:
        """A child of the current span (handle, publish); nothing when not recording.

        A failure is marked by its type only: an exception's text may quote its input (a
        name, a CPR number), and a span is exported beyond the hub.
        """
        if self._tracer is None:
            yield
            return
        with self._tracer.start_as_current_span(
            name,
            kind=kind,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                yield
            except Exception as exc:
                span.set_attribute("error.type", type(exc).__name__)
                span.set_status(trace.StatusCode.ERROR)
                raise

    def call_started(self, method: str, host: str) -> Span | None:
        """An external call's span, ended by ``call_ended`` (httpx's hooks hold it)."""
        if self._tracer is None:
            return None
        return self._tracer.start_span(
            f"{method} {host}",
            kind=SpanKind.CLIENT,
            attributes={"http.request.method": method, "server.address": host},
        )

    @staticmethod
    def call_ended(span: Span, status: int) -> None:
        """The call was answered with ``status``."""
        span.set_attribute("http.response.status_code", status)
        if status >= 500:  # noqa: PLR2004 - a server error is the call's failure
            span.set_status(trace.StatusCode.ERROR)
        span.end()
