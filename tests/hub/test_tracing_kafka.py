"""Traces across hops on the real broker: a notification posted to the intake, triaged, looked
up in the CPR stand-in (SOAP on loopback) and resolved is one trace, carried from record to
record as ``ce_traceparent``; read with the SDK's in-memory exporter."""

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from hub.cli.standins import running_standins
from hub.compose.app import create_app
from hub.runtime.serve import serving
from routing.topics import AUDIT_DOMAIN, topic
from tests.callers import signing
from tests.factories import submission
from tests.kafka import read_topic, wait_for_records

pytestmark = pytest.mark.kafka


def of_type(name):
    return lambda r: dict(r.headers).get("ce_type", b"").decode() == name


def trace_id_of(record):
    traceparent = dict(record.headers)["ce_traceparent"].decode()
    version, trace_id, span_id, flags = traceparent.split("-")
    assert (version, len(trace_id), len(span_id)) == ("00", 32, 16)
    assert int(flags, 16) & 1  # sampled
    return int(trace_id, 16)


async def test_a_notification_is_one_trace_from_the_intake_to_the_resolved_person(hub_settings):
    municipality = hub_settings.municipalities[0]
    bootstrap = hub_settings.kafka
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    async with running_standins((municipality,)) as standins:
        settings = hub_settings.model_copy(update={"cpr": standins["cpr"].settings})
        child = standins["cpr"].service.population.child.reveal()
        app = create_app(settings, tracer=provider)
        async with serving(app) as url, httpx.AsyncClient(base_url=url, auth=signing()) as http:
            answer = await http.post(
                "/notifications", json=submission(municipality, child_cpr=child)
            )
            assert answer.status_code == 202
            (resolved,) = await wait_for_records(
                bootstrap, topic("person", municipality), of_type("dk.casehub.person.resolved")
            )
    (notified,) = await read_topic(bootstrap, topic("intake", municipality))
    (asked,) = [
        r
        for r in await read_topic(bootstrap, topic("person", municipality))
        if of_type("dk.casehub.person.lookup-requested")(r)
    ]
    (audited,) = await read_topic(bootstrap, topic(AUDIT_DOMAIN, municipality))
    trace_id = trace_id_of(notified)
    # Every hop's record carries the one trace.
    assert {trace_id_of(r) for r in (asked, resolved, audited)} == {trace_id}

    spans = [s for s in exporter.get_finished_spans() if s.context.trace_id == trace_id]
    names = {(s.name, s.kind) for s in spans}
    intake, person = topic("intake", municipality), topic("person", municipality)
    assert {
        (f"publish {intake}", SpanKind.PRODUCER),  # the intake: the trace's root
        (f"consume {intake}", SpanKind.CONSUMER),
        ("handle triage", SpanKind.INTERNAL),
        (f"publish {person}", SpanKind.PRODUCER),
        (f"consume {person}", SpanKind.CONSUMER),
        ("handle cpr", SpanKind.INTERNAL),
    } <= names
    calls = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert calls, "the SOAP call to the register is a span of the trace"
    assert all(dict(s.attributes or {})["http.response.status_code"] == 200 for s in calls)
    roots = [s for s in spans if s.parent is None]
    assert [r.name for r in roots] == [f"publish {intake}"]
    # Each consume span's parent is the publish span whose context its record carried.
    by_id = {s.context.span_id: s for s in spans}
    for consumed in (s for s in spans if s.kind is SpanKind.CONSUMER):
        assert consumed.parent is not None
        assert by_id[consumed.parent.span_id].kind is SpanKind.PRODUCER
    # Nothing a span says is personal: no CPR number in any attribute.
    assert not [s for s in spans for v in (s.attributes or {}).values() if child in str(v)]
