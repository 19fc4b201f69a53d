"""Every topic name, from one convention: ``casehub.<kommunekode>.<domain>.v<major>``.

The municipality comes first after the product prefix, so the broker can grant each
municipality its own topics with one prefixed ACL (``casehub.101.``). A topic carries
all event types of one business domain for one municipality; the record key is the
case id, so one case's events stay in one partition and keep their order.

Quarantine topics append ``.quarantine`` to the source topic: they hold the source's
raw records, personal data included, so they share its prefix, ACLs and retention.

Changelogs (``<group>.state.<kommunekode>``, e.g. ``casehub.deadlines.state.101``) hold a
component's state per municipality. They start with the consumer group, not with
``casehub.<kommunekode>.``, so a case system's grants on its municipality's topics never
reach the hub's state. A group's global tables (``<group>.global.<kommunekode>``, one
partition each, read whole by every instance) are named the same way.

The audit topic of a municipality (``casehub.<kommunekode>.audit.v1``) holds who did what
for a person (``AuditRecorded``): append-only, deleted never (see ``hub.runtime.provision``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final, NamedTuple

from contracts.base import Contract
from contracts.envelope import Event

__all__ = [
    "AUDIT_DOMAIN",
    "CHANGELOG_INFIX",
    "DOMAINS",
    "GLOBAL_INFIX",
    "PREFIX",
    "QUARANTINE_SUFFIX",
    "TopicName",
    "changelog_topic",
    "domain_topics",
    "global_topic",
    "parse_topic",
    "quarantine_topic",
    "topic",
    "topic_for",
]

PREFIX: Final = "casehub"
AUDIT_DOMAIN: Final = "audit"
QUARANTINE_SUFFIX: Final = ".quarantine"
CHANGELOG_INFIX: Final = ".state."
GLOBAL_INFIX: Final = ".global."
DOMAINS: Final = (
    "intake",
    "case",
    "person",
    "investigation",
    "decision",
    "measure",
    "outcome",
    "document",
    "letter",
    "finance",
    "reporting",
    "archive",
    "handover",
    "deadline",
    "operations",
    AUDIT_DOMAIN,
)
"""The business domains that have topics; one topic per domain and municipality."""


_NAME: Final = re.compile(r"casehub\.([0-9]{3})\.([a-z]+)\.v([1-9][0-9]*)")


class TopicName(NamedTuple):
    """The parts of a topic name: whose, which domain, which major version."""

    municipality: str
    domain: str
    major: int


def parse_topic(name: str) -> TopicName | None:
    """The parts of a business topic's name; None for any other name (a quarantine too)."""
    match = _NAME.fullmatch(name)
    if match is None or match.group(2) not in DOMAINS:
        return None
    return TopicName(match.group(1), match.group(2), int(match.group(3)))


def topic(domain: str, municipality: str, major: int = 1) -> str:
    """The topic of one domain for one municipality at one major contract version."""
    if domain not in DOMAINS:
        msg = f"unknown domain {domain!r}"
        raise ValueError(msg)
    return f"{PREFIX}.{municipality}.{domain}.v{major}"


def topic_for(event: Event[Contract]) -> str:
    """Where an event goes: its contract's domain, its case's municipality."""
    return topic(type(event.data).domain, event.envelope.municipality)


def domain_topics(domain: str, municipalities: Iterable[str]) -> tuple[str, ...]:
    """One domain's topics for every municipality a hub serves."""
    return tuple(topic(domain, code) for code in municipalities)


def quarantine_topic(source_topic: str) -> str:
    """The quarantine of a topic: same prefix, so the same ACLs apply."""
    return source_topic + QUARANTINE_SUFFIX


def changelog_topic(group: str, municipality: str) -> str:
    """The compacted changelog of one consumer group's state for one municipality."""
    return f"{group}{CHANGELOG_INFIX}{municipality}"


def global_topic(group: str, municipality: str) -> str:
    """The compacted global table of one consumer group for one municipality (one partition)."""
    return f"{group}{GLOBAL_INFIX}{municipality}"
