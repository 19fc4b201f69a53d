"""How a benchmark worker process reaches the broker: the parent's ``KafkaConnection``, as args.

A worker takes the bootstrap servers as its first argument and the security settings as
``--kafka-security`` (JSON, as ``CASEHUB_KAFKA_SECURITY``), so a benchmark runs on a secured
broker as on a plaintext one (the test suite's is secured).
"""

from __future__ import annotations

import argparse

from hub.runtime.kafka_access import KafkaConnection, KafkaSecurity

__all__ = ["worker_access", "worker_connection"]


def worker_access(kafka: KafkaConnection) -> list[str]:
    """The worker arguments that stand for ``kafka``: bootstrap first, then the option."""
    return [kafka.bootstrap_servers, "--kafka-security", kafka.security.model_dump_json()]


def worker_connection(args: argparse.Namespace) -> KafkaConnection:
    """The connection a worker's parsed ``bootstrap`` and ``--kafka-security`` stand for."""
    given = getattr(args, "kafka_security", None)
    security = KafkaSecurity() if given is None else KafkaSecurity.model_validate_json(given)
    return KafkaConnection(args.bootstrap, security)
