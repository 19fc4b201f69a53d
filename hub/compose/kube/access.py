"""Who may do what on the broker, as Strimzi ``KafkaUser`` resources with their ACLs.

The plan itself (principals, grants and why) is ``hub.compose.grants``, shared with the local
broker; this module only renders it. Under Strimzi the topic operator makes the topics
(``KafkaTopic`` resources), so the hub is given no ``Create``.
"""

from __future__ import annotations

from typing import Any

from hub.compose.grants import HUB_USER, HUB_WRITES_ONLY, PROVISION_USER, Grant, plan_principals
from hub.compose.kube.plan import Plan
from hub.compose.kube.strimzi import API_VERSION

__all__ = [
    "HUB_USER",
    "HUB_WRITES_ONLY",
    "PROVISION_USER",
    "users",
]


def users(plan: Plan) -> list[dict[str, Any]]:
    """One user per municipality's case system, one for the hub, one for provisioning."""
    return [
        _user(plan, principal.name, [_acl(grant) for grant in principal.grants])
        for principal in plan_principals(plan.municipalities, plan.group_prefix)
    ]


def _acl(grant: Grant) -> dict[str, Any]:
    pattern = "literal" if grant.pattern == "literal" else "prefix"  # Strimzi's spelling
    return {
        "resource": {"type": grant.resource, "name": grant.name, "patternType": pattern},
        "operations": list(grant.operations),
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
