"""``--bootstrap`` and ``--kafka-security`` for every command that talks to Kafka.

The command gets one ``kafka: KafkaConnection`` argument, made as the hub's settings make it
(``CASEHUB_BOOTSTRAP_SERVERS``, ``CASEHUB_KAFKA_SECURITY``), so an operator's shell that runs
the hub's CLI reaches a secured broker with the same variables as the hub.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

__all__ = ["kafka_options"]


def kafka_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the two options to a click command and hand it ``kafka=KafkaConnection(...)``."""

    @functools.wraps(command)
    def wrapper(*args: Any, bootstrap: str, kafka_security: str | None, **kwargs: Any) -> Any:  # noqa: ANN401
        # Imported here: `casehub --help` loads every command and needs no pydantic.
        from pydantic import ValidationError  # noqa: PLC0415

        from hub.runtime.kafka_access import KafkaConnection, KafkaSecurity  # noqa: PLC0415

        try:
            security = (
                KafkaSecurity()
                if kafka_security is None
                else KafkaSecurity.model_validate_json(kafka_security)
            )
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            msg = f"CASEHUB_KAFKA_SECURITY: {problems}"
            raise click.BadParameter(msg) from None
        return command(*args, kafka=KafkaConnection(bootstrap, security), **kwargs)

    wrapper = click.option(
        "--kafka-security",
        envvar="CASEHUB_KAFKA_SECURITY",
        help="How to authenticate to Kafka, JSON as CASEHUB_KAFKA_SECURITY "
        "(docs/broker-security.md); default: PLAINTEXT.",
    )(wrapper)
    return click.option(
        "--bootstrap",
        envvar="CASEHUB_BOOTSTRAP_SERVERS",
        default="127.0.0.1:9092",
        show_default=True,
        help="Kafka bootstrap servers.",
    )(wrapper)
