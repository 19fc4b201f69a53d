"""``casehub conformance run``: the hub's side, played against a vendor's case system.

The run sends what the hub sends a case system (``NotificationReceived`` on the
municipality's intake topic; the first one is delivered twice, as a redelivery after a
crash would), reads what the vendor writes to the municipality's case topic after that
moment, and holds it to ``hub.conformance.checks``. It stops once every notification is
answered and the topic has been quiet for ``settle_s`` (a duplicate answer arrives late),
or at ``timeout_s``: always bounded. The children are synthetic (day + 60).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.base import Contract
from contracts.binding import to_kafka
from contracts.envelope import Event, new_event
from contracts.intake import NotificationReceived
from hub.cli.demo import synthetic_cpr
from hub.conformance.checks import Answer, CheckResult, check_answers
from hub.runtime.kafka_access import KafkaConnection
from routing.topics import topic

__all__ = ["SOURCE", "TopicMissingError", "hub_side_events", "run_conformance"]

SOURCE = "urn:casehub:conformance"


class TopicMissingError(RuntimeError):
    """The municipality's intake or case topic does not exist on the broker."""


def _id(prefix: str) -> str:
    digits = uuid.uuid4().hex[:12]
    return f"{prefix}-{digits[:6]}x{digits[6:]}"  # never a CPR-shaped run of ten digits


def hub_side_events(municipality: str, cases: int) -> list[Event[Contract]]:
    """One notification per case, about synthetic children; each a case of its own."""
    events: list[Event[Contract]] = []
    for n in range(cases):
        data = NotificationReceived.model_validate(
            {
                "notification_id": _id("conformance"),
                "received_at": datetime.now(UTC).isoformat(),
                "child_cpr": synthetic_cpr(dt.date(2015, 1 + n % 12, 1 + n % 28), 100 + n),
                "notifier": {"kind": "professional", "relation": "school",
                             "organisation": "Conformance School"},
                "reasons": ["neglect"],
                "channel": "eform",
                "summary": "Synthetic conformance notification.",
            },
            strict=False,
        )  # fmt: skip
        events.append(new_event(data, source=SOURCE, municipality=municipality,
                                case_id=_id("conf")))  # fmt: skip
    return events


async def run_conformance(
    kafka: KafkaConnection,
    municipality: str,
    *,
    cases: int = 3,
    timeout_s: float = 30.0,
    settle_s: float = 1.5,
) -> tuple[list[Event[Contract]], CheckResult]:
    """Send the hub's side, collect the vendor's answers, check them.

    Raises:
        TopicMissingError: the intake or case topic of ``municipality`` is not there.

    """
    events = hub_side_events(municipality, cases)
    sent = [*events, events[0]]  # the first again, same id: a redelivery
    answers_topic = topic("case", municipality)
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all")
    await consumer.start()
    await producer.start()
    answers: list[Answer] = []
    try:
        cluster = await consumer._client.fetch_all_metadata()  # noqa: SLF001 - as hub.cli.audit
        for name in (topic("intake", municipality), answers_topic):
            if not cluster.partitions_for_topic(name):
                msg = f"topic {name} does not exist: provision the municipality first"
                raise TopicMissingError(msg)
        partitions = [TopicPartition(answers_topic, p)
                      for p in sorted(cluster.partitions_for_topic(answers_topic))]  # fmt: skip
        consumer.assign(partitions)
        for tp, end in (await consumer.end_offsets(partitions)).items():
            consumer.seek(tp, end)  # only what the vendor writes from now on
        for event in sent:
            record = to_kafka(event)
            await producer.send_and_wait(topic("intake", municipality), record.value,
                                         key=record.key, headers=list(record.headers))  # fmt: skip
        await _collect(consumer, answers, {e.envelope.id for e in events}, timeout_s, settle_s)
    finally:
        await producer.stop()
        await consumer.stop()
    return sent, check_answers(sent, answers)


async def _collect(
    consumer: AIOKafkaConsumer,
    answers: list[Answer],
    expected: set[str],
    timeout_s: float,
    settle_s: float,
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    quiet_since = loop.time()
    while loop.time() < deadline:
        batch = await consumer.getmany(timeout_ms=200)
        for tp, records in batch.items():
            answers.extend(Answer(tp.topic, tp.partition, r.offset, list(r.headers), r.value)
                           for r in records)  # fmt: skip
            quiet_since = loop.time()
        causes = {_causation(a) for a in answers}
        if expected <= causes and loop.time() - quiet_since >= settle_s:
            return


def _causation(answer: Answer) -> str | None:
    for name, value in answer.headers:
        if name == "ce_causationid":
            return value.decode(errors="replace")
    return None
