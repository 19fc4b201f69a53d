"""Kubernetes manifests for the hub and its Strimzi Kafka cluster, generated from the code."""

from hub.compose.kube.access import users
from hub.compose.kube.files import FILES, SAMPLE, drift, expected_files, manifests, write
from hub.compose.kube.plan import COMPONENTS, Plan
from hub.compose.kube.strimzi import cluster, topics
from hub.compose.kube.workload import workload

__all__ = [
    "COMPONENTS",
    "FILES",
    "SAMPLE",
    "Plan",
    "cluster",
    "drift",
    "expected_files",
    "manifests",
    "topics",
    "users",
    "workload",
    "write",
]
