"""What a Kubernetes deployment of the hub serves: municipalities, components, sizes, names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from adapters.registry import COMPONENTS as REGISTRY
from contracts.municipalities import MUNICIPALITIES
from hub.compose.grants import CASE_SYSTEM_GROUP_PREFIX
from routing.topics import PREFIX

__all__ = [
    "CASE_SYSTEM_GROUP_PREFIX",
    "COMPONENTS",
    "GLOBAL_COMPONENTS",
    "PART_OF",
    "Plan",
    "resource_name",
]

COMPONENTS: Final = tuple(spec.name for spec in REGISTRY if spec.consumes)
"""The hub's consuming components, each one consumer group ``<group_prefix>.<component>``."""
GLOBAL_COMPONENTS: Final = tuple(spec.name for spec in REGISTRY if spec.global_stores)
"""The components that keep a global table (``ComponentSpec.global_stores``)."""


PART_OF: Final = {"app.kubernetes.io/part-of": "casehub"}

_DNS_SUBDOMAIN: Final = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")


@dataclass(frozen=True)
class Plan:
    """One hub deployment on one Strimzi cluster; every name the manifests use comes from here."""

    municipalities: tuple[str, ...]
    components: tuple[str, ...] = COMPONENTS
    global_components: tuple[str, ...] = GLOBAL_COMPONENTS
    group_prefix: str = PREFIX
    namespace: str = "casehub"
    cluster: str = "casehub"
    """The Strimzi ``Kafka`` resource; its bootstrap service is ``<cluster>-kafka-bootstrap``."""
    image: str = "casehub:0.1.0"
    hub_replicas: int = 2
    partitions: int = 3
    """Partitions of every municipality's event topics, and so of its changelogs."""
    topic_replicas: int = 3
    brokers: int = 3
    controllers: int = 3
    kafka_version: str = "4.1.1"

    def __post_init__(self) -> None:
        unknown = sorted(set(self.municipalities) - set(MUNICIPALITIES))
        if unknown or not self.municipalities:
            msg = f"not kommunekoder: {unknown}" if unknown else "no municipality given"
            raise ValueError(msg)
        if len(set(self.municipalities)) != len(self.municipalities):
            msg = "a municipality is listed twice"
            raise ValueError(msg)
        if self.hub_replicas < 2:  # noqa: PLR2004 - the point of the manifests
            msg = "the hub runs at least two replicas, so one can be moved at a time"
            raise ValueError(msg)
        if self.group_prefix == CASE_SYSTEM_GROUP_PREFIX:
            msg = f"the group prefix {CASE_SYSTEM_GROUP_PREFIX!r} belongs to the case systems"
            raise ValueError(msg)
        for name in (self.group_prefix, *self.components):
            resource_name(name)

    def group(self, component: str) -> str:
        """The consumer group of one component."""
        return f"{self.group_prefix}.{component}"

    def metadata(self, name: str, **extra: Any) -> dict[str, Any]:  # noqa: ANN401 - YAML values
        """``metadata`` of a namespaced resource of this deployment."""
        return {"name": resource_name(name), "namespace": self.namespace, **extra}

    def strimzi_metadata(self, name: str) -> dict[str, Any]:
        """``metadata`` of a resource the Strimzi operators pick up for this cluster."""
        return self.metadata(name, labels={"strimzi.io/cluster": self.cluster, **PART_OF})


def resource_name(name: str) -> str:
    """``name`` if Kubernetes accepts it as a resource name (a DNS subdomain), else ValueError."""
    if not _DNS_SUBDOMAIN.fullmatch(name):
        msg = f"not a Kubernetes resource name: {name!r}"
        raise ValueError(msg)
    return name
