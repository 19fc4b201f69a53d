"""Who may do what on the broker: Strimzi ``KafkaUser`` resources with their ACLs.

=====================  =====================================================================
principal              grants
=====================  =====================================================================
``casesystem-<kode>``  its municipality's event topics by their literal names: read every
                       domain (the hub's answers share topics with the case system's events),
                       write the domains it produces (not ``reporting``, ``deadline``,
                       ``operations``, which only the hub writes); its own consumer groups
                       ``casesystem.<kode>.``; never a quarantine, the deadline state or a
                       changelog
``casehub-hub``        every ``casehub.`` topic (and ``<group_prefix>.`` ones, changelogs
                       included) by prefix; its consumer groups ``<group_prefix>.`` by prefix
``casehub-provision``  creates and alters ``casehub.`` topics; reads and writes no record
=====================  =====================================================================

A case system gets literal names, not the prefix ``casehub.<kode>.``: the quarantines share
that prefix by design (so whoever operates a municipality's topics can see its quarantine),
and a quarantine holds other systems' raw records. Literal grants are an allow-list, so a topic
family added later under the prefix is not readable until someone grants it here.

One principal for the hub deployment, not one per component: all components run in one
process (one ``Deployment``), which must hold every component's credentials, so separate
principals would confine nothing. Split them when a component runs in its own deployment.
"""

from __future__ import annotations

from typing import Any, Final

from hub.compose.kube.plan import CASE_SYSTEM_GROUP_PREFIX, Plan
from hub.compose.kube.strimzi import API_VERSION
from routing.topics import DOMAINS, PREFIX, topic

__all__ = [
    "HUB_USER",
    "HUB_WRITES_ONLY",
    "PROVISION_USER",
    "case_system_user",
    "users",
]

HUB_USER: Final = "casehub-hub"
PROVISION_USER: Final = "casehub-provision"
HUB_WRITES_ONLY: Final = frozenset({"reporting", "deadline", "operations", "audit"})
"""Domains whose every event the hub emits: a case system reads them and never writes."""

_READ: Final = ("Describe", "Read")
_WRITE: Final = ("Describe", "Read", "Write")


def users(plan: Plan) -> list[dict[str, Any]]:
    """One user per municipality's case system, one for the hub, one for provisioning."""
    return [
        *(case_system_user(plan, code) for code in plan.municipalities),
        _user(plan, HUB_USER, _hub_acls(plan)),
        _user(plan, PROVISION_USER, _provision_acls(plan)),
    ]


def case_system_user(plan: Plan, municipality: str) -> dict[str, Any]:
    """The case system of one municipality: its own topics, by name, and its own groups."""
    acls = [
        _acl(
            "topic",
            topic(domain, municipality),
            "literal",
            _READ if domain in HUB_WRITES_ONLY else _WRITE,
        )
        for domain in DOMAINS
    ]
    acls.append(
        _acl("group", f"{CASE_SYSTEM_GROUP_PREFIX}.{municipality}.", "prefix", ("Describe", "Read"))
    )
    return _user(plan, f"{CASE_SYSTEM_GROUP_PREFIX}-{municipality}", acls)


def _topic_prefixes(plan: Plan) -> list[str]:
    """``casehub.``, plus the group prefix when it differs (changelogs start with the group)."""
    return sorted({f"{PREFIX}.", f"{plan.group_prefix}."})


def _hub_acls(plan: Plan) -> list[dict[str, Any]]:
    acls = [_acl("topic", prefix, "prefix", _WRITE) for prefix in _topic_prefixes(plan)]
    acls.append(_acl("group", f"{plan.group_prefix}.", "prefix", ("Describe", "Read")))
    return acls


def _provision_acls(plan: Plan) -> list[dict[str, Any]]:
    operations = ("Alter", "AlterConfigs", "Create", "Describe", "DescribeConfigs")
    return [_acl("topic", prefix, "prefix", operations) for prefix in _topic_prefixes(plan)]


def _acl(kind: str, name: str, pattern: str, operations: tuple[str, ...]) -> dict[str, Any]:
    return {
        "resource": {"type": kind, "name": name, "patternType": pattern},
        "operations": list(operations),
    }


def _user(plan: Plan, name: str, acls: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "KafkaUser",
        "metadata": plan.strimzi_metadata(name),
        "spec": {
            "authentication": {"type": "tls"},
            "authorization": {"type": "simple", "acls": acls},
        },
    }
