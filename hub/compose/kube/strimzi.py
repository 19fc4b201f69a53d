"""The Kafka cluster as Strimzi resources: KRaft node pools, the cluster, and every topic.

Every topic name comes from the code that uses it (``routing.topics``,
``hub.runtime.provision``), so the manifests cannot
drift from what the hub reads and writes:

==============================  =========================================  ===================
family                          name                                       config
==============================  =========================================  ===================
event topic (one per domain)    ``casehub.<kode>.<domain>.v1``             broker defaults
quarantine                      ``<event topic>.quarantine``               ``retention.ms=-1``
changelog (component state)     ``<group_prefix>.<component>.state.<kode>``  compacted, kept
==============================  =========================================  ===================
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from hub.compose.kube.plan import PART_OF, Plan
from hub.runtime.provision import (
    DEFAULT_MAX_RECORD_BYTES,
    business_config,
    hub_topics,
    quarantine_config,
    topic_config,
)
from hub.runtime.quarantine import quarantine_limit
from hub.runtime.state import changelog_config
from routing.topics import changelog_topic, global_topic, quarantine_topic

__all__ = [
    "API_VERSION",
    "BUSINESS_CONFIG",
    "CHANGELOG_CONFIG",
    "QUARANTINE_CONFIG",
    "cluster",
    "topics",
]

API_VERSION: Final = "kafka.strimzi.io/v1"

QUARANTINE_CONFIG: Final = quarantine_config()
"""As ``hub.runtime.provision`` creates them: a quarantined record waits for its replay."""
BUSINESS_CONFIG: Final = business_config()
"""As ``hub.runtime.provision`` creates them: the record limit."""
CHANGELOG_CONFIG: Final = changelog_config(quarantine_limit(DEFAULT_MAX_RECORD_BYTES))
"""As ``hub.runtime.state`` creates them: the latest value per key, however old, and room
for a parked record with its headers."""


def cluster(plan: Plan) -> list[dict[str, Any]]:
    """Two KRaft node pools (controllers, brokers) and the ``Kafka`` resource that uses them."""
    return [
        _pool(plan, "controller", plan.controllers, "20Gi"),
        _pool(plan, "broker", plan.brokers, "100Gi"),
        {
            "apiVersion": API_VERSION,
            "kind": "Kafka",
            "metadata": plan.metadata(plan.cluster, labels=dict(PART_OF)),
            "spec": {
                "kafka": {
                    "version": plan.kafka_version,
                    "listeners": [
                        # One listener, mutual TLS: every client is a KafkaUser with a
                        # certificate, and its principal is what the ACLs name.
                        {
                            "name": "tls",
                            "port": 9093,
                            "type": "internal",
                            "tls": True,
                            "authentication": {"type": "tls"},
                        }
                    ],
                    "authorization": {"type": "simple"},
                    "config": {
                        # As the local broker: a typo must not make a new topic.
                        "auto.create.topics.enable": False,
                        "default.replication.factor": plan.topic_replicas,
                        "min.insync.replicas": plan.topic_replicas - 1,
                        "offsets.topic.replication.factor": plan.topic_replicas,
                        "transaction.state.log.replication.factor": plan.topic_replicas,
                        "transaction.state.log.min.isr": plan.topic_replicas - 1,
                    },
                },
                "entityOperator": {"topicOperator": {}, "userOperator": {}},
            },
        },
    ]


def _pool(plan: Plan, role: str, replicas: int, size: str) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "KafkaNodePool",
        "metadata": plan.strimzi_metadata(f"{role}s"),
        "spec": {
            "replicas": replicas,
            "roles": [role],
            "storage": {
                "type": "jbod",
                "volumes": [
                    {
                        "id": 0,
                        "type": "persistent-claim",
                        "size": size,
                        "deleteClaim": False,
                        "kraftMetadata": "shared",
                    }
                ],
            },
        },
    }


def topics(plan: Plan) -> list[dict[str, Any]]:
    """A ``KafkaTopic`` for every topic of every municipality, municipality by municipality."""
    return [
        _topic(plan, name, config, partitions) for name, config, partitions in topic_names(plan)
    ]


def topic_names(plan: Plan) -> Iterator[tuple[str, Mapping[str, str], int]]:
    """(name, config, partitions) of every topic the hub needs, in a stable order."""
    for code in plan.municipalities:
        for name in hub_topics([code]):
            # An audit topic is append-only and kept forever (provision.audit_config).
            yield name, topic_config(name), plan.partitions
            yield quarantine_topic(name), QUARANTINE_CONFIG, plan.partitions
        for component in plan.components:
            yield changelog_topic(plan.group(component), code), CHANGELOG_CONFIG, plan.partitions
        for component in plan.global_components:
            # A global table is read whole by every instance: one partition.
            yield global_topic(plan.group(component), code), CHANGELOG_CONFIG, 1


def _topic(plan: Plan, name: str, config: Mapping[str, str], partitions: int) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "topicName": name,
        "partitions": partitions,
        "replicas": plan.topic_replicas,
    }
    if config:
        spec["config"] = dict(config)
    return {
        "apiVersion": API_VERSION,
        "kind": "KafkaTopic",
        "metadata": plan.strimzi_metadata(name),
        "spec": spec,
    }
