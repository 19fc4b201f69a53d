"""Kubernetes manifests for the hub and its Strimzi Kafka cluster, generated from the code."""

from hub.kube.access import users
from hub.kube.files import FILES, SAMPLE, drift, expected_files, manifests, write
from hub.kube.plan import COMPONENTS, Plan
from hub.kube.strimzi import cluster, topics
from hub.kube.workload import workload

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
