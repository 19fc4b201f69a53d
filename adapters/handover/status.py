"""Where a case's handovers stand, on either side: its events on the municipality's bus.

Read from the municipality's handover topic (``casehub.<kommunekode>.handover.v1``): every
handover event of the case, oldest first, reduced to ids, types and times (never the
summary). On the sending side: started, delivered or refused, answered; on the receiving
side: received, then the case system's accepted or rejected.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from adapters.handover.memory import HANDOVER_RULES
from contracts.binding import InvalidRecordError, from_kafka
from hub.runtime.errors import TransientError
from hub.runtime.kafka_access import KafkaConnection
from routing.topics import topic

__all__ = ["case_handovers"]

_FETCH_MS = 500
_KEPT = (
    "handover_id",
    "to_municipality",
    "from_municipality",
    "accepted",
    "new_case_id",
    "rule_id",
    "due_at",
)


async def case_handovers(
    kafka: KafkaConnection, municipality: str, case_id: str
) -> list[dict[str, Any]]:
    """The handover events of ``case_id`` in ``municipality``'s topic, oldest first.

    With them, the legal clock's steps of the handover's own deadlines (its receipt and its
    answer: rules ``handover-*``, from the deadline topic), so a silence shows as
    ``deadline-approaching`` / ``deadline-missed`` with its rule and due time.

    Raises:
        TransientError: the broker could not be read.

    """
    found = await _lines(kafka, topic("handover", municipality), case_id)
    found += [
        line
        for line in await _lines(kafka, topic("deadline", municipality), case_id)
        if str(line.get("rule_id", "")).startswith(HANDOVER_RULES)
    ]
    # By instant: the clock's events carry Copenhagen offsets, the handover's UTC.
    return sorted(found, key=lambda line: dt.datetime.fromisoformat(line["time"]))


async def _lines(kafka: KafkaConnection, name: str, case_id: str) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    found: list[dict[str, Any]] = []
    try:
        await consumer.start()
    except KafkaError as exc:
        await consumer.stop()
        msg = f"handover topic: {type(exc).__name__}"
        raise TransientError(msg) from None
    try:
        partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        if not partitions:  # aiokafka has no public refresh of a topic it was not asked for
            await consumer._client.force_metadata_update()  # noqa: SLF001
            partitions = [
                TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()
            ]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(*partitions, timeout_ms=_FETCH_MS)).values():
                found.extend(_line(r.headers, r.value, case_id) for r in records)
    except KafkaError as exc:
        msg = f"handover topic: {type(exc).__name__}"
        raise TransientError(msg) from None
    finally:
        await consumer.stop()
    return [line for line in found if line]


def _line(headers: Any, value: bytes | None, case_id: str) -> dict[str, Any]:  # noqa: ANN401 - aiokafka's
    try:
        event = from_kafka(headers, value)
    except InvalidRecordError:
        return {}
    if event.envelope.caseid != case_id:
        return {}
    data = event.data.model_dump(mode="json")
    line: dict[str, Any] = {
        "type": _short(event.envelope.type),
        "time": event.envelope.time.isoformat(),
        "event_id": event.envelope.id,
    }
    line |= {name: data[name] for name in _KEPT if name in data}
    if isinstance(data.get("deadlines"), list):  # a takeover: how many the clock took
        line["deadlines"] = len(data["deadlines"])
    for reason in ("refusal", "rejection"):
        if data.get(reason) is not None:
            line["reason"] = data[reason]
    return line


def _short(event_type: str) -> str:
    """``started``, ``delivered`` …; a deadline step as ``deadline-missed``."""
    if event_type.startswith("dk.casehub.deadline."):
        return "deadline-" + event_type.removeprefix("dk.casehub.deadline.")
    return event_type.removeprefix("dk.casehub.handover.")
