"""The delivery policy without a broker: batches as the consumer hands them over, and a
quarantine that records what it would publish, so a test can follow each outcome."""

import uuid
from types import SimpleNamespace

from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError
from aiokafka.record.default_records import DefaultRecordBatchBuilder

from contracts.binding import to_kafka
from routing.topics import topic_for


class RecordingBroker:
    """What the quarantine publishes with: it only records (topic, key, value, headers)."""

    def __init__(self):
        self.published = []

    async def publish(self, message, topic, *, key, headers):
        self.published.append((topic, key, message, headers))


def fetched_batch(*events, offset=0, consumer=None):
    """One fetched batch, the records in the order the consumer got them, from ``offset``.

    ``consumer`` (commit, committed, seek) lets the delivery commit; without one it never does.
    """
    records = []
    for at, event in enumerate(events, start=offset):
        record = to_kafka(event)
        records.append(
            SimpleNamespace(
                topic=topic_for(event), partition=0, offset=at, key=record.key,
                value=record.value, headers=list(record.headers),
            )
        )  # fmt: skip
    return SimpleNamespace(raw_message=tuple(records), consumer=consumer)


class Consumer:
    """Records seeks and commits; nothing is committed before."""

    def __init__(self):
        self.commits = []
        self.seeks = []

    async def committed(self, _partition):
        return None

    def seek(self, partition, offset):
        self.seeks.append((partition.partition, offset))

    async def commit(self, offsets):
        self.commits.append({tp.partition: offset for tp, offset in offsets.items()})


def copy_size(copy):
    """What aiokafka's producer counts for the copy, with the header FastStream adds."""
    headers = [(n, v.encode()) for n, v in copy.headers.items()]
    headers.append(("correlation_id", str(uuid.uuid4()).encode()))
    return DefaultRecordBatchBuilder.estimate_size_in_bytes(copy.key, copy.value, headers)


class SizedBroker:
    """Publishes like FastStream's broker; refuses, as aiokafka's producer does, above a limit."""

    def __init__(self, limit, *, down=False):
        self.limit = limit
        self.down = down
        self.published = []
        self.refused = 0
        self.attempts = 0

    async def publish(self, message, topic, *, key, headers):
        self.attempts += 1
        if self.down:
            raise KafkaConnectionError
        copy = SimpleNamespace(key=key, value=message, headers=headers)
        if copy_size(copy) > self.limit:
            self.refused += 1
            raise MessageSizeTooLargeError
        self.published.append((topic, key, message, headers))
