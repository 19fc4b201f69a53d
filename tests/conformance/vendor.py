"""A small case system, as a vendor would write one: it opens a case per notification.

``good`` answers each ``NotificationReceived`` with ``CaseOpened`` and then
``CaseWorkerAssigned``, ids derived from the notification's (``follow_up``), so a redelivery
is answered with the same ids. The faults a broken one can have: ``wrong_order`` (the
assignment first), ``duplicate`` (fresh ids on every delivery), ``invalid`` (one record that
is no valid event).
"""

import asyncio
import contextlib
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.binding import from_kafka, to_kafka
from contracts.case import CaseOpened, CaseWorkerAssigned, SubProcess
from contracts.envelope import follow_up, new_event
from contracts.intake import NotificationReceived
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


async def serve(kafka, municipality, faults=frozenset()):
    """Run the case system until cancelled."""
    # Assigned, not in a group: no rebalance to wait for; it reads the topic from the start.
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all")
    await consumer.start()
    name = topic("intake", municipality)
    cluster = await consumer._client.fetch_all_metadata()
    partitions = [TopicPartition(name, p) for p in cluster.partitions_for_topic(name)]
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    await producer.start()
    out = topic("case", municipality)
    invalid_sent = False
    try:
        async for record in consumer:
            event = from_kafka(list(record.headers), record.value)
            if not isinstance(event.data, NotificationReceived):
                continue
            for answer in answers(event, faults):
                kafka = to_kafka(answer)
                value = kafka.value
                if "invalid" in faults and not invalid_sent and b'"27.24.00"' in value:
                    value = value.replace(b'"27.24.00"', b'"not-a-kle"')
                    invalid_sent = True
                await producer.send_and_wait(out, value, key=kafka.key,
                                             headers=list(kafka.headers))  # fmt: skip
    finally:
        await producer.stop()
        await consumer.stop()


@contextlib.asynccontextmanager
async def running(kafka, municipality, faults=frozenset()):
    task = asyncio.create_task(serve(kafka, municipality, faults))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
