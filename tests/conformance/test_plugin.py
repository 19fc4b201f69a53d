"""The pytest plugin, used as a vendor would: a test suite in a project of its own."""

import os
import subprocess
import sys
import textwrap

import pytest

VENDOR_SUITE = """
import json

import pytest
from hypothesis import given, settings

from contracts.binding import InvalidRecordError, to_kafka


def test_a_golden_event_is_fixed_and_valid(casehub_golden_event, casehub_validate):
    event = casehub_golden_event("dk.casehub.outcome.wellbeing-rated")
    assert event is casehub_golden_event("dk.casehub.outcome.wellbeing-rated", 1)
    record = to_kafka(event)
    assert casehub_validate(record.headers, record.value) == event


def test_drawn_events_keep_the_instrument_s_range(casehub_events):
    @settings(max_examples=10, database=None, deadline=None)
    @given(casehub_events("dk.casehub.outcome.sdq-scored"))
    def each(event):
        assert len(event.data.items) == 25
        assert 0 <= event.data.standard_scores().total_difficulties <= 40

    each()


def test_the_hub_refuses_what_the_vendor_got_wrong(casehub_golden_event, casehub_validate):
    record = to_kafka(casehub_golden_event("dk.casehub.outcome.wellbeing-rated"))
    data = json.loads(record.value)
    data["score"] = 11
    with pytest.raises(InvalidRecordError, match="score"):
        casehub_validate(record.headers, json.dumps(data).encode())


def test_the_stand_ins_answer_on_loopback(casehub_standins):
    import httpx

    assert "cpr" in casehub_standins
    assert casehub_standins.environment()
    answer = httpx.get(casehub_standins["cpr"].url, timeout=10)
    assert answer.status_code >= 100  # an HTTP answer: with nothing listening, get() raises


def test_the_broker_is_the_one_given(casehub_bootstrap, casehub_kafka):
    assert casehub_bootstrap == "127.0.0.1:1"
    assert casehub_kafka.bootstrap_servers == "127.0.0.1:1"
    assert casehub_kafka.security.protocol == "PLAINTEXT"  # CASEHUB_KAFKA_SECURITY unset
"""


def test_a_vendor_suite_outside_the_package_uses_the_plugin(tmp_path):
    (tmp_path / "test_vendor.py").write_text(textwrap.dedent(VENDOR_SUITE))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # the vendor's own rootdir and config
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--casehub-bootstrap", "127.0.0.1:1", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout


HUB_SUITE = """
import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from contracts.binding import from_kafka, to_kafka
from hub.conformance.play import notifications
from routing.topics import topic

ANSWERS = {"dk.casehub.person.resolved", "dk.casehub.person.not-found"}


def test_the_hub_runs_at_the_stand_ins(casehub_hub, casehub_standins):
    assert casehub_hub.settings.cpr == casehub_standins["cpr"].settings
    assert casehub_hub.url.startswith("http://127.0.0.1:")


def test_the_running_hub_looks_a_notified_child_up(casehub_hub, casehub_kafka):
    (municipality,) = casehub_hub.settings.municipalities
    [notification] = notifications(municipality, 1)

    async def answer():
        consumer = AIOKafkaConsumer(**casehub_kafka.client_options(), enable_auto_commit=False)
        producer = AIOKafkaProducer(**casehub_kafka.client_options(), acks="all")
        await consumer.start()
        await producer.start()
        try:
            person = topic("person", municipality)
            admin = AIOKafkaAdminClient(**casehub_kafka.client_options())
            await admin.start()
            try:
                [described] = await admin.describe_topics([person])
            finally:
                await admin.close()
            parts = [TopicPartition(person, p["partition"]) for p in described["partitions"]]
            consumer.assign(parts)
            await consumer.seek_to_end(*parts)
            for tp in parts:
                await consumer.position(tp)
            record = to_kafka(notification)
            await producer.send_and_wait(topic("intake", municipality), record.value,
                                         key=record.key, headers=list(record.headers))
            async with asyncio.timeout(60):
                async for got in consumer:
                    event = from_kafka(list(got.headers), got.value)
                    if (event.envelope.type in ANSWERS and event.envelope.correlationid
                            == notification.envelope.correlationid):
                        return event
        finally:
            await producer.stop()
            await consumer.stop()

    event = asyncio.run(answer())
    # A synthetic child the stand-in's population lacks: the CPR stand-in's SOAP fault.
    assert event.envelope.type == "dk.casehub.person.not-found"
"""


@pytest.mark.kafka
def test_a_vendor_suite_gets_a_running_hub_on_its_broker(tmp_path, test_broker, fresh_municipality):
    municipality = fresh_municipality()
    (tmp_path / "test_with_hub.py").write_text(textwrap.dedent(HUB_SUITE))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    environment = {
        **os.environ,
        "CASEHUB_KAFKA_SECURITY": test_broker.case_system(municipality).security.model_dump_json(),
        "CASEHUB_HUB_KAFKA_SECURITY": test_broker.hub.security.model_dump_json(),
        "CASEHUB_GROUP_PREFIX": f"casehub.vendor-{municipality}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--casehub-bootstrap", test_broker.hub.bootstrap_servers,
         "--casehub-municipality", municipality, str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False, env=environment,
    )  # fmt: skip
    failures = [line for line in done.stdout.splitlines() if line.startswith(("E ", "FAILED"))]
    assert done.returncode == 0, "\n".join(failures[-40:]) + done.stderr[-2000:]
    assert "2 passed" in done.stdout
