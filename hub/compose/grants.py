"""Who may do what on the broker: the one ACL plan, for Strimzi and for the local broker.

=====================  =====================================================================
principal              grants
=====================  =====================================================================
``casesystem-<kode>``  its municipality's event topics by their literal names: read every
                       domain (the hub's answers share topics with the case system's events),
                       write the domains it produces (not ``reporting``, ``deadline``,
                       ``operations``, ``audit``, which only the hub writes); its own consumer
                       groups ``casesystem.<kode>.``; never a quarantine, the deadline state, a
                       changelog or a group of the hub's
``casehub-hub``        every ``casehub.`` topic (and ``<group_prefix>.`` ones, changelogs
                       included) by prefix; its consumer groups ``<group_prefix>.`` by prefix;
                       where it makes its own topics at start (``provisions``), also what
                       ``casehub-provision`` may do
``casehub-provision``  creates and alters ``casehub.`` topics; reads and writes no record
=====================  =====================================================================

A case system gets literal names, not the prefix ``casehub.<kode>.``: the quarantines share
that prefix by design (so whoever operates a municipality's topics can see its quarantine),
and a quarantine holds other systems' raw records. Literal grants are an allow-list, so a topic
family added later under the prefix is not readable until someone grants it here.

One principal for the hub deployment, not one per component: all components run in one
process, which must hold every component's credentials, so separate principals would confine
nothing. Split them when a component runs in its own deployment.

The hub's idempotent producers need no cluster grant (Kafka 3+ allows them with ``Write`` on
the topic), and the hub uses no transactional id. ``hub.compose.kube.access`` renders this
plan as ``KafkaUser`` resources; deploy/local/kafka.py creates it as ACL bindings
(``bindings``). See docs/broker-security.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from routing.topics import DOMAINS, PREFIX, topic

__all__ = [
    "CASE_SYSTEM_GROUP_PREFIX",
    "HUB_USER",
    "HUB_WRITES_ONLY",
    "PROVISION_USER",
    "Grant",
    "Principal",
    "bindings",
    "case_system",
    "case_system_user",
    "plan_principals",
]

HUB_USER: Final = "casehub-hub"
PROVISION_USER: Final = "casehub-provision"
CASE_SYSTEM_GROUP_PREFIX: Final = "casesystem"
"""A case system's consumer groups start with ``casesystem.<kode>.``, outside the hub's."""
HUB_WRITES_ONLY: Final = frozenset({"reporting", "deadline", "operations", "audit"})
"""Domains whose every event the hub emits: a case system reads them and never writes."""

_READ: Final = ("Describe", "Read")
_WRITE: Final = ("Describe", "Read", "Write")
_PROVISION: Final = ("Alter", "AlterConfigs", "Create", "Describe", "DescribeConfigs")


@dataclass(frozen=True)
class Grant:
    """Allow ``operations`` on the resources ``name`` names (exactly, or as a prefix)."""

    resource: Literal["topic", "group"]
    name: str
    pattern: Literal["literal", "prefixed"]
    operations: tuple[str, ...]


@dataclass(frozen=True)
class Principal:
    """A SCRAM user (local broker) or a ``KafkaUser`` (Strimzi) and what it may do."""

    name: str
    grants: tuple[Grant, ...]


def case_system_user(municipality: str) -> str:
    """The principal of one municipality's case system."""
    return f"{CASE_SYSTEM_GROUP_PREFIX}-{municipality}"


def plan_principals(
    municipalities: Iterable[str], group_prefix: str = PREFIX, *, provisions: bool = False
) -> tuple[Principal, ...]:
    """One principal per municipality's case system, one for the hub, one for provisioning.

    ``provisions``: the hub creates its own topics and changelogs at start (``casehub run``
    on the local broker); under Strimzi the topic operator does, and the hub creates nothing.
    """
    prefixes = _topic_prefixes(group_prefix)
    hub = [Grant("topic", prefix, "prefixed", _WRITE) for prefix in prefixes]
    if provisions:
        hub += [Grant("topic", prefix, "prefixed", _PROVISION) for prefix in prefixes]
    hub.append(Grant("group", f"{group_prefix}.", "prefixed", _READ))
    provision = [Grant("topic", prefix, "prefixed", _PROVISION) for prefix in prefixes]
    return (
        *(case_system(code) for code in municipalities),
        Principal(HUB_USER, tuple(hub)),
        Principal(PROVISION_USER, tuple(provision)),
    )


def case_system(municipality: str) -> Principal:
    """The case system of one municipality: its own topics, by name, and its own groups."""
    grants = [
        Grant(
            "topic",
            topic(domain, municipality),
            "literal",
            _READ if domain in HUB_WRITES_ONLY else _WRITE,
        )
        for domain in DOMAINS
    ]
    grants.append(Grant("group", f"{CASE_SYSTEM_GROUP_PREFIX}.{municipality}.", "prefixed", _READ))
    return Principal(case_system_user(municipality), tuple(grants))


def _topic_prefixes(group_prefix: str) -> list[str]:
    """``casehub.``, plus the group prefix when it differs (changelogs start with the group)."""
    return sorted({f"{PREFIX}.", f"{group_prefix}."})


def bindings(principals: Iterable[Principal]) -> list[dict[str, str]]:
    """The plan as ACL bindings, one per operation (what deploy/local/kafka.py --acls reads)."""
    return [
        {
            "principal": principal.name,
            "resource": grant.resource,
            "name": grant.name,
            "pattern": grant.pattern,
            "operation": operation,
        }
        for principal in principals
        for grant in principal.grants
        for operation in grant.operations
    ]
