"""Creates the topics the hub uses, before any subscriber starts (idempotent).

The broker does not create topics on first use (a typo must not make a new topic), and a
consumer subscribed to a missing topic would only see it after its next metadata refresh.
FastStream has no admin API, so this module is the one place that uses aiokafka's admin
client directly.

Size limits: a business topic is created with ``max.message.bytes`` = ``max_record_bytes``
(Kafka's default, 1 MiB + 12 bytes, unless configured), its quarantine with 3x that, so a
record the business topic took gets a whole quarantine copy. A quarantine topic that
exists with a lower limit (made by an older hub) has it raised on start, its other topic
settings kept, and a ``topic_limit_raised`` line logged: the hub's producer writes copies up
to that limit and must never be refused by the broker (see ``hub.runtime.quarantine``). Limits are
never lowered, and business topics are left as they are.

Audit topics (``casehub.<kommunekode>.audit.v1``, ``hub.runtime.audit``) are created
append-only: ``cleanup.policy=delete`` (never compacted, so no record replaces another) with
no time or size limit, so nothing written there is ever removed by the broker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import structlog
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError, for_code

from hub.runtime.errors import TransientError
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.quarantine import quarantine_limit
from routing.topics import AUDIT_DOMAIN, DOMAINS, domain_topics, parse_topic, quarantine_topic

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "PartitionMismatchError",
    "audit_config",
    "business_config",
    "ensure_topics",
    "hub_topics",
    "quarantine_config",
    "topic_config",
]

log = structlog.get_logger(__name__)

DEFAULT_MAX_RECORD_BYTES = 1_048_588
"""Kafka's own default ``message.max.bytes``, the ``Settings.max_record_bytes`` default."""
_LIMIT = "max.message.bytes"
_DESCRIBE_ATTEMPTS = 25
_DESCRIBE_PAUSE_S = 0.2
_DYNAMIC_TOPIC_CONFIG = 1  # DescribeConfigs' config_source of a topic's own setting


class PartitionMismatchError(RuntimeError):
    """A municipality's topics have different partition counts: its cases' state would split.

    A case is on partition ``p`` of every domain topic only while they all have the same
    count, and an instance owns task ``(kommunekode, p)`` only while the range assignor can give
    it partition ``p`` of each. A mismatch is a configuration error, refused at start.
    """


def business_config(max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> dict[str, str]:
    """How a business topic is created: its record limit."""
    return {_LIMIT: str(max_record_bytes)}


def audit_config(max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> dict[str, str]:
    """How an audit topic is created: append-only, kept forever (see the module doc)."""
    return {
        "cleanup.policy": "delete",
        "retention.ms": "-1",
        "retention.bytes": "-1",
        _LIMIT: str(max_record_bytes),
    }


def topic_config(name: str, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> dict[str, str]:
    """How the hub topic ``name`` is created: an audit topic's or a business topic's."""
    parsed = parse_topic(name)
    if parsed is not None and parsed.domain == AUDIT_DOMAIN:
        return audit_config(max_record_bytes)
    return business_config(max_record_bytes)


def quarantine_config(max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> dict[str, str]:
    """How a quarantine topic is created: kept until replayed, room for a whole copy."""
    # Quarantined records wait until someone replays them: no time limit on keeping them.
    return {"retention.ms": "-1", _LIMIT: str(quarantine_limit(max_record_bytes))}


def hub_topics(municipalities: Iterable[str]) -> tuple[str, ...]:
    """Every business topic for the municipalities a hub serves (quarantines not included)."""
    codes = tuple(municipalities)
    return tuple(name for domain in DOMAINS for name in domain_topics(domain, codes))


async def ensure_topics(
    kafka: KafkaConnection,
    topics: Iterable[str],
    *,
    partitions: int,
    replication: int,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> list[str]:
    """Create each topic and its quarantine unless it exists; return the ones created.

    A quarantine topic that exists with a limit below ``quarantine_limit(max_record_bytes)``
    has it raised (see the module doc).

    Raises:
        TransientError: the broker refused to create a topic or to raise a limit.

    """
    limit = quarantine_limit(max_record_bytes)
    quarantine = quarantine_config(max_record_bytes)
    names = list(topics)
    wanted = []
    for name in names:
        wanted.append(
            NewTopic(
                name, partitions, replication, topic_configs=topic_config(name, max_record_bytes)
            )
        )
        wanted.append(
            NewTopic(quarantine_topic(name), partitions, replication, topic_configs=quarantine)
        )
    admin = AIOKafkaAdminClient(**kafka.client_options(), client_id="casehub-provision")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if t.name not in existing]
        response = await admin.create_topics(missing) if missing else None
        _raise_on_errors(response)
        created = [t.name for t in missing]
        quarantines = [quarantine_topic(name) for name in names]
        await _raise_limits(admin, [q for q in quarantines if q in existing], limit)
        await _require_copartitioned(admin, names, partitions)
    finally:
        await admin.close()
    if created:
        log.info("topics_created", count=len(created))
    return created


async def _raise_limits(admin: AIOKafkaAdminClient, names: list[str], limit: int) -> None:
    """Raise ``max.message.bytes`` of the ``names`` topics to ``limit`` where it is lower.

    AlterConfigs replaces a topic's whole set of own settings, so the ones it has (the
    quarantine's unlimited retention, an operator's changes) are sent along with the limit.
    """
    if not names:
        return
    described = await admin.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    )
    changes = []
    for response in described:
        for code, _message, _type, name, entries in response.resources:
            if code:
                msg = f"could not read the settings of topic {name}: {for_code(code).__name__}"
                raise TransientError(msg)
            values = {entry[0]: entry[1] for entry in entries}
            if int(values.get(_LIMIT) or 0) >= limit:
                continue
            own = {entry[0]: entry[1] for entry in entries if entry[3] == _DYNAMIC_TOPIC_CONFIG}
            changes.append(
                ConfigResource(ConfigResourceType.TOPIC, name, {**own, _LIMIT: str(limit)})
            )
            log.warning("topic_limit_raised", topic=name, setting=_LIMIT,
                        old=values.get(_LIMIT), new=limit)  # fmt: skip
    if not changes:
        return
    for response in await admin.alter_configs(changes):
        for code, _message, _type, name in response.resources:
            if code:
                msg = f"could not raise {_LIMIT} of topic {name}: {for_code(code).__name__}"
                raise TransientError(msg)


async def _require_copartitioned(
    admin: AIOKafkaAdminClient, names: list[str], partitions: int
) -> None:
    """Refuse topics of one municipality whose partition counts differ (made elsewhere).

    They must also have ``partitions`` (``CASEHUB_TOPIC_PARTITIONS``): the changelogs are made
    with that count, and a task's state must be on the partition number of its records.
    """
    # Every topic as the broker has it: one "created" here may have been made by another
    # hub a moment before (with its own count), and one just made may not be known yet.
    found: dict[str, int] = {}
    described: list[dict[str, Any]] = []
    for _ in range(_DESCRIBE_ATTEMPTS):
        described = await admin.describe_topics(names) if names else []
        if all(topic.get("error_code") == 0 for topic in described):
            break
        await asyncio.sleep(_DESCRIBE_PAUSE_S)
    for topic in described:
        if topic.get("error_code") == 0:
            found[topic["topic"]] = len(topic["partitions"])
    counts: dict[str, dict[str, int]] = {}
    for name, count in found.items():
        parsed = parse_topic(name)
        if parsed is not None:
            counts.setdefault(parsed.municipality, {})[name] = count
    for municipality, by_topic in counts.items():
        if set(by_topic.values()) != {partitions}:
            listed = ", ".join(f"{name}: {n}" for name, n in sorted(by_topic.items()))
            msg = (
                f"the topics of municipality {municipality} do not all have {partitions} "
                f"partitions (CASEHUB_TOPIC_PARTITIONS): {listed}; a case's records and state "
                "must be on one partition number of every topic: give them the same count"
            )
            raise PartitionMismatchError(msg)


def _raise_on_errors(response: object) -> None:
    """CreateTopics answers per topic; 'already exists' means another hub won the race."""
    for entry in getattr(response, "topic_errors", ()):
        name, code = entry[0], entry[1]
        if code and for_code(code) is not TopicAlreadyExistsError:
            msg = f"could not create topic {name}: {for_code(code).__name__}"
            raise TransientError(msg)
