"""``casehub conformance run``: the hub's side, played against a vendor's case system.

The run sends what the hub sends a case system (``hub.conformance.play``): a
``NotificationReceived`` per case on the intake topic; once the vendor opened the case, the
child's ``PersonResolved`` (person topic) and the assessment's ``DeadlineSetV2`` (deadline
topic); and a ``LetterDelivered`` (letter topic) for each letter the vendor requests. The
first of each kind is delivered twice, as a redelivery after a crash would be. It reads what
the vendor writes to the municipality's case and letter topics after the start, and holds it
to ``hub.conformance.checks``. It stops once every event that wants an answer has one and
the topics have been quiet for ``settle_s`` (a duplicate answer arrives late), or at
``timeout_s``: always bounded.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.base import Contract
from contracts.binding import InvalidRecordError, from_kafka, to_kafka
from contracts.case import CaseOpened
from contracts.envelope import Event
from contracts.letters import LetterRequested, LetterRequestedV2
from hub.conformance.checks import Answer, CheckResult, check_answers, wanted_answers
from hub.conformance.play import (
    SOURCE,
    deadline_set,
    letter_delivered,
    notifications,
    person_resolved,
)
from hub.runtime.kafka_access import KafkaConnection
from routing.topics import topic, topic_for

__all__ = ["ANSWER_DOMAINS", "PLAYED_DOMAINS", "SOURCE", "TopicMissingError", "run_conformance"]

PLAYED_DOMAINS = ("intake", "person", "deadline", "letter")
"""Where the run writes what the hub sends."""
ANSWER_DOMAINS = ("case", "letter")
"""Where it reads what the vendor writes."""


class TopicMissingError(RuntimeError):
    """A topic of the municipality the run needs does not exist on the broker."""


@dataclass
class _Run:
    """One run's state: what was sent (each delivery), what came back."""

    producer: AIOKafkaProducer
    notifications: list[Event[Contract]]
    sent: list[Event[Contract]] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    followed: set[str] = field(default_factory=set)
    """Ids of the vendor's events the run has played the hub's follow-ups to."""
    letters: int = 0

    async def send(self, event: Event[Contract], *, twice: bool = False) -> None:
        for _ in range(2 if twice else 1):
            record = to_kafka(event)
            await self.producer.send_and_wait(topic_for(event), record.value, key=record.key,
                                              headers=list(record.headers))  # fmt: skip
            self.sent.append(event)

    async def follow(self, answer: Answer) -> None:
        """Play the hub's part after one of the vendor's records, once per event id."""
        try:
            event = from_kafka(answer.headers, answer.value)
        except InvalidRecordError:
            return  # the contract check reports it
        if event.envelope.id in self.followed:
            return
        self.followed.add(event.envelope.id)
        if isinstance(event.data, CaseOpened):
            found = [n for n, e in enumerate(self.notifications)
                     if e.envelope.id == event.envelope.causationid]  # fmt: skip
            if not found:
                return  # caused by something else: nothing of the hub's follows
            n = found[0]
            cause, case_id = self.notifications[n], event.envelope.caseid
            await self.send(person_resolved(cause, case_id, n), twice=n == 0)
            await self.send(deadline_set(cause, case_id), twice=n == 0)
        elif isinstance(event.data, LetterRequested | LetterRequestedV2):
            self.letters += 1
            await self.send(letter_delivered(event), twice=self.letters == 1)


async def run_conformance(
    kafka: KafkaConnection,
    municipality: str,
    *,
    cases: int = 3,
    timeout_s: float = 30.0,
    settle_s: float = 1.5,
) -> tuple[list[Event[Contract]], CheckResult]:
    """Send the hub's side, collect the vendor's answers, check them.

    Returns every delivery sent (an event delivered twice is in it twice) and the checks.

    Raises:
        TopicMissingError: a topic of ``municipality`` the run needs is not there.

    """
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all")
    await consumer.start()
    await producer.start()
    run = _Run(producer, notifications(municipality, cases))
    try:
        cluster = await consumer._client.fetch_all_metadata()  # noqa: SLF001 - as hub.cli.audit
        for domain in sorted({*PLAYED_DOMAINS, *ANSWER_DOMAINS}):
            if not cluster.partitions_for_topic(topic(domain, municipality)):
                msg = (f"topic {topic(domain, municipality)} does not exist: provision the "
                       "municipality first")  # fmt: skip
                raise TopicMissingError(msg)
        read = [topic(d, municipality) for d in ANSWER_DOMAINS]
        partitions = [TopicPartition(name, p) for name in read
                      for p in sorted(cluster.partitions_for_topic(name))]  # fmt: skip
        consumer.assign(partitions)
        for tp, end in (await consumer.end_offsets(partitions)).items():
            consumer.seek(tp, end)  # only what is written from now on
        for n, event in enumerate(run.notifications):
            await run.send(event, twice=n == 0)
        await _collect(consumer, run, timeout_s, settle_s)
    finally:
        await producer.stop()
        await consumer.stop()
    return run.sent, check_answers(run.sent, run.answers)


async def _collect(
    consumer: AIOKafkaConsumer, run: _Run, timeout_s: float, settle_s: float
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    quiet_since = loop.time()
    while loop.time() < deadline:
        batch = await consumer.getmany(timeout_ms=200)
        for tp, records in batch.items():
            for r in records:
                answer = Answer(tp.topic, tp.partition, r.offset, list(r.headers), r.value)
                if answer.header("ce_source") == SOURCE:
                    continue  # the run's own receipt on the letter topic
                run.answers.append(answer)
                await run.follow(answer)
            quiet_since = loop.time()
        causes = {a.header("ce_causationid") for a in run.answers}
        if wanted_answers(run.sent) <= causes and loop.time() - quiet_since >= settle_s:
            return
