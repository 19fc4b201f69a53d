"""The hub in Kubernetes: its configuration, a ``Deployment`` of two or more, a ``Service``, a PDB.

Replicas share one consumer group per component, so Kafka spreads the partitions over them.
Readiness is ``/health/ready`` (broker connected, partitions assigned, their state restored):
a replica that is still restoring takes no intake traffic and does not count as available, so
a rolling update waits for it. Liveness is ``/health/live`` and never asks the broker, so a
broker outage does not restart every replica at once. The state directory is an ``emptyDir``:
state lives in the changelog topics, and the local copy is a cache rebuilt on assignment.
"""

from __future__ import annotations

import json
from typing import Any, Final

from hub.compose.kube.access import HUB_USER
from hub.compose.kube.plan import PART_OF, Plan

__all__ = ["CALLERS_SECRET", "HTTP_PORT", "NAME", "workload"]

NAME: Final = "casehub-hub"
HTTP_PORT: Final = 8080
_STATE_DIR: Final = "/var/lib/casehub"
_KAFKA_DIR: Final = "/etc/casehub/kafka"
_CALLERS_DIR: Final = "/etc/casehub/callers"
CALLERS_SECRET: Final = "casehub-callers"  # noqa: S105 - the Secret's name, not a secret
"""The Secret the operator creates: one key per caller, ``casesystem-<kode>``, its shared secret."""
_UID: Final = 65534  # nobody, as in deploy/Dockerfile
_SELECTOR: Final = {"app.kubernetes.io/name": "casehub", "app.kubernetes.io/component": "hub"}


def workload(plan: Plan) -> list[dict[str, Any]]:
    """ServiceAccount, ConfigMap, Deployment, Service and PodDisruptionBudget of the hub."""
    labels = {**_SELECTOR, **PART_OF}
    return [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": plan.metadata(NAME, labels=labels),
            # The hub never talks to the Kubernetes API.
            "automountServiceAccountToken": False,
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": plan.metadata(NAME, labels=labels),
            "data": environment(plan),
        },
        _deployment(plan, labels),
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": plan.metadata(NAME, labels=labels),
            "spec": {
                "selector": dict(_SELECTOR),
                "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": plan.metadata(NAME, labels=labels),
            # A drain moves one replica at a time; the other keeps serving while the
            # moved one's partitions are reassigned and restored.
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": dict(_SELECTOR)}},
        },
    ]


def environment(plan: Plan) -> dict[str, str]:
    """The ``CASEHUB_*`` settings every replica shares (hub/compose/settings.py)."""
    return {
        "CASEHUB_BOOTSTRAP_SERVERS": f"{plan.cluster}-kafka-bootstrap:9093",
        # Mutual TLS with the KafkaUser's certificate (its Secret, as Strimzi writes it).
        "CASEHUB_KAFKA_SECURITY": json.dumps(
            {
                "protocol": "SSL",
                "cert_file": f"{_KAFKA_DIR}/user/user.crt",
                "key_file": f"{_KAFKA_DIR}/user/user.key",
                "ca_file": f"{_KAFKA_DIR}/ca/ca.crt",
            }
        ),
        "CASEHUB_MUNICIPALITIES": json.dumps(list(plan.municipalities)),
        "CASEHUB_GROUP_PREFIX": plan.group_prefix,
        "CASEHUB_HTTP_HOST": "0.0.0.0",  # noqa: S104 - inside the pod, behind the Service
        "CASEHUB_HTTP_PORT": str(HTTP_PORT),
        "CASEHUB_STATE_DIR": _STATE_DIR,
        "CASEHUB_TOPIC_PARTITIONS": str(plan.partitions),
        "CASEHUB_TOPIC_REPLICATION": str(plan.topic_replicas),
        "CASEHUB_LOG_FORMAT": "json",
        "CASEHUB_CALLERS": json.dumps(_callers(plan)),
    }


def _callers(plan: Plan) -> dict[str, dict[str, Any]]:
    """Each municipality's case system as an HTTP caller, bound to that municipality only.

    The secrets are not generated here: the operator puts them in ``CALLERS_SECRET``. A hub
    whose secret file is missing stops at start with one line naming it, rather than running
    and answering every post 401.
    """
    return {
        f"casesystem-{code}": {
            "secret_file": f"{_CALLERS_DIR}/casesystem-{code}",
            "municipalities": [code],
        }
        for code in plan.municipalities
    }


def _deployment(plan: Plan, labels: dict[str, str]) -> dict[str, Any]:
    probe = {"httpGet": {"path": "/health/live", "port": "http"}}
    container = {
        "name": "hub",
        "image": plan.image,
        "ports": [{"name": "http", "containerPort": HTTP_PORT}],
        "envFrom": [{"configMapRef": {"name": NAME}}],
        # Restoring state can take a while on a fresh replica: liveness waits for startup.
        "startupProbe": {**probe, "periodSeconds": 2, "failureThreshold": 30},
        "livenessProbe": {**probe, "periodSeconds": 10, "timeoutSeconds": 2, "failureThreshold": 3},
        "readinessProbe": {
            "httpGet": {"path": "/health/ready", "port": "http"},
            "periodSeconds": 5,
            "timeoutSeconds": 2,
            "failureThreshold": 2,
        },
        "resources": {
            "requests": {"cpu": "250m", "memory": "256Mi"},
            "limits": {"memory": "512Mi"},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [
            {"name": "state", "mountPath": _STATE_DIR},
            {"name": "tmp", "mountPath": "/tmp"},  # noqa: S108 - the pod's own emptyDir
            # The hub's client certificate (Strimzi's user operator writes the Secret)
            # and the cluster CA that signs the brokers' certificates.
            {"name": "kafka-user", "mountPath": f"{_KAFKA_DIR}/user", "readOnly": True},
            {"name": "kafka-ca", "mountPath": f"{_KAFKA_DIR}/ca", "readOnly": True},
            # The HTTP callers' shared secrets (hub.runtime.callers), one file per caller.
            {"name": "callers", "mountPath": _CALLERS_DIR, "readOnly": True},
        ],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": plan.metadata(NAME, labels=labels),
        "spec": {
            "replicas": plan.hub_replicas,
            "selector": {"matchLabels": dict(_SELECTOR)},
            # Never below the replica count during an update: add one, then retire one.
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
            },
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "serviceAccountName": NAME,
                    "automountServiceAccountToken": False,
                    # Enough for a clean stop: finish the batch in flight, commit, leave the group.
                    "terminationGracePeriodSeconds": 60,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": _UID,
                        "runAsGroup": _UID,
                        "fsGroup": _UID,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "topologySpreadConstraints": [
                        {
                            "maxSkew": 1,
                            "topologyKey": "kubernetes.io/hostname",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": dict(_SELECTOR)},
                        }
                    ],
                    "containers": [container],
                    "volumes": [
                        {"name": "state", "emptyDir": {}},
                        {"name": "tmp", "emptyDir": {}},
                        {"name": "kafka-user", "secret": {"secretName": HUB_USER}},
                        {
                            "name": "kafka-ca",
                            "secret": {"secretName": f"{plan.cluster}-cluster-ca-cert"},
                        },
                        {"name": "callers", "secret": {"secretName": CALLERS_SECRET}},
                    ],
                },
            },
        },
    }
