"""Trace context in headers, without a broker: read, passed on untraced, never rejected."""

import importlib

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from contracts.binding import from_kafka, to_kafka
from hub.runtime.tracing import Tracing, extracted, injected, tracer_provider
from tests.factories import notification_event
from tests.people import CHILD

UPSTREAM = b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def consumed(tracing):
    return tracing.consuming(
        [("ce_traceparent", UPSTREAM)], topic="casehub.101.intake.v1", partition=0, component="t"
    )


def test_a_record_with_a_traceparent_is_a_valid_event():
    record = to_kafka(notification_event())
    event = from_kafka([*record.headers, ("ce_traceparent", UPSTREAM)], record.value)
    assert event.envelope.caseid == record.key.decode()


def test_without_a_provider_the_upstream_context_is_passed_on():
    with consumed(Tracing()):
        assert injected() == (("ce_traceparent", UPSTREAM),)
    assert injected() == ()  # and only while the record is handled


def test_a_record_without_a_traceparent_starts_a_trace():
    assert not extracted([("ce_id", b"x")])  # an empty context: the span is a root


def test_a_failure_is_marked_by_type_never_by_its_text():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = Tracing(provider)
    with consumed(tracing), pytest.raises(ValueError, match="no person"), tracing.span("handle t"):
        raise ValueError(f"no person {CHILD}")
    handle, consume = exporter.get_finished_spans()
    assert dict(handle.attributes or {})["error.type"] == "ValueError"
    assert consume.context.trace_id == 0x0AF7651916CD43DD8448EB211C80319C
    assert CHILD not in repr(
        [(s.attributes, s.events, s.status.description) for s in (handle, consume)]
    )


def test_an_otlp_endpoint_needs_the_extra_and_none_records_nothing():
    assert tracer_provider(None, instance="hub-1") is None
    try:
        importlib.import_module("opentelemetry.exporter.otlp.proto.http.trace_exporter")
    except ImportError:
        with pytest.raises(RuntimeError, match=r"casehub\[otlp\]"):
            tracer_provider("http://127.0.0.1:4318/v1/traces", instance="hub-1")
    else:
        provider = tracer_provider("http://127.0.0.1:4318/v1/traces", instance="hub-1")
        assert provider is not None
        provider.shutdown()
