"""Creates the topics the hub uses, before any subscriber starts (idempotent).

The broker does not create topics on first use (a typo must not make a new topic), and a
consumer subscribed to a missing topic would only see it after its next metadata refresh.
FastStream has no admin API, so this module is the one place that uses aiokafka's admin
client directly.
"""

from __future__ import annotations

from collections.abc import Iterable

import structlog
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from hub.runtime.errors import TransientError
from routing.topics import DOMAINS, domain_topics, quarantine_topic

__all__ = ["ensure_topics", "hub_topics"]

log = structlog.get_logger(__name__)

# Quarantined records wait until someone replays them: no time limit on keeping them.
_QUARANTINE_CONFIG = {"retention.ms": "-1"}


def hub_topics(municipalities: Iterable[str]) -> tuple[str, ...]:
    """Every business topic for the municipalities a hub serves (quarantines not included)."""
    codes = tuple(municipalities)
    return tuple(name for domain in DOMAINS for name in domain_topics(domain, codes))


async def ensure_topics(
    bootstrap_servers: str,
    topics: Iterable[str],
    *,
    partitions: int,
    replication: int,
) -> list[str]:
    """Create each topic and its quarantine unless it exists; return the ones created."""
    wanted = []
    for name in topics:
        wanted.append(NewTopic(name, partitions, replication))
        wanted.append(
            NewTopic(
                quarantine_topic(name), partitions, replication, topic_configs=_QUARANTINE_CONFIG
            )
        )
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="casehub-provision")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if t.name not in existing]
        response = await admin.create_topics(missing) if missing else None
        _raise_on_errors(response)
        created = [t.name for t in missing]
    finally:
        await admin.close()
    if created:
        log.info("topics_created", count=len(created))
    return created


def _raise_on_errors(response: object) -> None:
    """CreateTopics answers per topic; 'already exists' means another hub won the race."""
    for entry in getattr(response, "topic_errors", ()):
        name, code = entry[0], entry[1]
        if code and for_code(code) is not TopicAlreadyExistsError:
            msg = f"could not create topic {name}: {for_code(code).__name__}"
            raise TransientError(msg)
