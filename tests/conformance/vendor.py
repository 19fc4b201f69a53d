"""A small case system, as a vendor would write one: it opens a case per notification.

Without faults it answers each ``NotificationReceived`` with ``CaseOpened`` and then
``CaseWorkerAssigned``, and each ``PersonResolved`` with an information letter
(``LetterRequested``) to every custody holder, ids derived from the cause's (``follow_up``),
so a redelivery is answered with the same ids; deadlines and letter receipts it keeps
(``seen``) and does not answer. The faults a broken one can have: ``wrong_order`` (the
assignment first), ``duplicate`` (fresh ids on every delivery), ``invalid`` (one record that
is no valid event), ``no_letters`` (letters for the first person resolved only).
"""

import asyncio
import contextlib
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.binding import from_kafka, to_kafka
from contracts.case import CaseOpened, CaseWorkerAssigned, SubProcess
from contracts.envelope import follow_up, follow_up_id, new_event
from contracts.intake import NotificationReceived
from contracts.letters import LetterPurpose, LetterRequested
from contracts.person import PersonResolved
from routing.topics import topic

SOURCE = "urn:vendor:sample"


def answers(cause, faults):
    opened = CaseOpened(opened_at=datetime.now(UTC), child_cpr=cause.data.registered_cpr,
                        sub_process=SubProcess.CLARIFICATION, kle="27.24.00")  # fmt: skip
    assigned = CaseWorkerAssigned(assigned_at=datetime.now(UTC), caseworker_id="worker-7")
    if "duplicate" in faults:
        made = [new_event(d, source=SOURCE, municipality=cause.envelope.municipality,
                          case_id=cause.envelope.caseid, causation_id=cause.envelope.id)
                for d in (opened, assigned)]  # fmt: skip
    else:
        made = [follow_up(cause, d, source=SOURCE) for d in (opened, assigned)]
    return list(reversed(made)) if "wrong_order" in faults else made


def letters(cause, faults):
    """An information letter to each custody holder of the child (BL §133)."""
    made = []
    for n, person in enumerate(r for r in cause.data.related if r.has_custody):
        data = LetterRequested(
            letter_id=f"L-{cause.envelope.id[:8]}-{n}",
            recipient_cpr=person.cpr,
            purpose=LetterPurpose.OTHER,
            title="Kommunen har modtaget en underretning",
            body="Kommunen har modtaget en underretning om dit barn.",
        )
        made.append(new_event(
            data, source=SOURCE, municipality=cause.envelope.municipality,
            case_id=cause.envelope.caseid, causation_id=cause.envelope.id,
            correlation_id=cause.envelope.correlationid,
            event_id=None if "duplicate" in faults
            else follow_up_id(cause.envelope.id, f"{data.event_type}/{n}"),
        ))  # fmt: skip
    return made


HUB_SENDS = ("intake", "person", "deadline", "letter")


async def serve(kafka, municipality, faults=frozenset(), seen=None):
    """Run the case system until cancelled; what it keeps unanswered goes into ``seen``."""
    # Assigned, not in a group: no rebalance to wait for; it reads the topic from the start.
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all")
    await consumer.start()
    cluster = await consumer._client.fetch_all_metadata()
    names = [topic(d, municipality) for d in HUB_SENDS]
    partitions = [TopicPartition(n, p) for n in names for p in cluster.partitions_for_topic(n)]
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    await producer.start()
    invalid_sent = False
    lettered: set[str] = set()  # the people it wrote letters for (with no_letters: the first only)
    try:
        async for record in consumer:
            event = from_kafka(list(record.headers), record.value)
            if event.envelope.source == SOURCE:
                continue  # its own letter requests on the letter topic
            if isinstance(event.data, NotificationReceived):
                made = answers(event, faults)
            elif isinstance(event.data, PersonResolved):
                if "no_letters" not in faults or not (lettered - {event.envelope.id}):
                    lettered.add(event.envelope.id)
                made = letters(event, faults) if event.envelope.id in lettered else []
            else:
                if seen is not None:
                    seen.append(event.envelope.type)
                continue
            for answer in made:
                kafka = to_kafka(answer)
                value = kafka.value
                if "invalid" in faults and not invalid_sent and b'"27.24.00"' in value:
                    value = value.replace(b'"27.24.00"', b'"not-a-kle"')
                    invalid_sent = True
                out = topic(answer.data.domain, municipality)
                await producer.send_and_wait(out, value, key=kafka.key,
                                             headers=list(kafka.headers))  # fmt: skip
    finally:
        await producer.stop()
        await consumer.stop()


@contextlib.asynccontextmanager
async def running(kafka, municipality, faults=frozenset(), seen=None):
    task = asyncio.create_task(serve(kafka, municipality, faults, seen))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
