"""The delivery policy without a broker: batches as the consumer hands them over, and a
quarantine that records what it would publish, so a test can follow each outcome."""

from types import SimpleNamespace

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
