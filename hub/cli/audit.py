"""``casehub audit show``: who did what for a person, from a municipality's audit topic.

The topic holds no personal data (``hub.runtime.audit``): people appear by reference only.
A record whose id was seen before is a retried action's second record, marked ``(repeat)``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import click
from aiokafka import AIOKafkaConsumer, TopicPartition

from contracts.binding import from_kafka
from contracts.operations import AuditRecorded
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.kafka_cli import kafka_options
from routing.topics import AUDIT_DOMAIN, topic

__all__ = ["AuditLine", "audit", "read_audit"]


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One audit record as read back, and whether its id came before."""

    id: str
    case: str
    record: AuditRecorded
    repeat: bool


async def read_audit(
    kafka: KafkaConnection, municipality: str, *, since: datetime | None = None
) -> list[AuditLine]:
    """Every audit record of ``municipality``, by partition in the order written."""
    name = topic(AUDIT_DOMAIN, municipality)
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(name, p) for p in sorted(await _partitions(consumer, name))]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            batch = await consumer.getmany(*partitions, timeout_ms=500)
            for part in batch.values():
                records.extend(part)
    finally:
        await consumer.stop()
    seen: set[str] = set()
    lines = []
    for record in records:
        event = from_kafka(record.headers, record.value)
        if not isinstance(event.data, AuditRecorded):
            continue  # only the hub writes here; anything else is not an audit record
        line = AuditLine(event.envelope.id, event.envelope.caseid, event.data,
                         repeat=event.envelope.id in seen)  # fmt: skip
        seen.add(line.id)
        if since is None or line.record.recorded_at >= since:
            lines.append(line)
    return lines


async def _partitions(consumer: AIOKafkaConsumer, name: str) -> set[int]:
    # A topic this consumer never used is only in a fresh metadata answer.
    cluster = await consumer._client.fetch_all_metadata()  # noqa: SLF001 - as quarantine_ops
    return set(cluster.partitions_for_topic(name) or ())


@click.group()
def audit() -> None:
    """Read the audit: CPR lookups, replays and decryptions, by whom and why."""


@audit.command()
@kafka_options
@click.option("--municipality", required=True, help="The kommunekode whose audit to read.")
@click.option("--since", type=click.DateTime(), help="Recorded at or after (local time).")
def show(kafka: KafkaConnection, municipality: str, since: datetime | None) -> None:
    """One line per audit record: when, action, who, whom (by reference), case, why."""
    moment = since.astimezone() if since is not None and since.tzinfo is None else since
    lines = asyncio.run(read_audit(kafka, municipality, since=moment))
    for line in lines:
        r = line.record
        click.echo(
            f"{r.recorded_at.isoformat(timespec='seconds')}  {r.action.value}  {r.principal}  "
            f"{r.subject_ref}  case={line.case}  id={line.id}"
            f"{'  (repeat)' if line.repeat else ''}  {r.reason}"
        )
    click.echo(f"{len(lines)} audit record(s)", err=True)
