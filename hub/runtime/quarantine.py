"""The quarantine: where a record that cannot be handled is kept, whole and replayable.

A quarantined record keeps its key, its value byte for byte and its headers (valid UTF-8
headers under their own names for people and filters; the exact list, bytes and
duplicates included, base64-encoded in ``quarantine_original_headers`` for replay), plus
headers that say why and where it came from.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import structlog

from routing.topics import quarantine_topic

__all__ = ["QUARANTINE_HEADERS", "Quarantine", "QuarantinedRecord", "original_headers"]

log = structlog.get_logger(__name__)

QUARANTINE_HEADERS: Final = (
    "quarantine_reason",
    "quarantine_error",
    "quarantine_group",
    "quarantine_topic",
    "quarantine_partition",
    "quarantine_offset",
    "quarantine_time",
    "quarantine_original_headers",
    "quarantine_replay_of",  # set by a replay; a record quarantined again gets a fresh one
)


class QuarantinedRecord(Protocol):
    """What the quarantine needs of a consumed record (aiokafka's ConsumerRecord fits)."""

    @property
    def topic(self) -> str:
        """Source topic."""

    @property
    def partition(self) -> int:
        """Source partition."""

    @property
    def offset(self) -> int:
        """Source offset."""

    @property
    def key(self) -> bytes | None:
        """Record key."""

    @property
    def value(self) -> bytes | None:
        """Record value."""

    @property
    def headers(self) -> Any:  # noqa: ANN401 - a sequence of (name, bytes)
        """Record headers, (name, bytes) pairs."""


class _Publisher(Protocol):
    async def publish(
        self,
        message: bytes,
        topic: str,
        *,
        key: bytes | None,
        headers: dict[str, str],
    ) -> Any: ...  # noqa: ANN401 - FastStream returns the broker's record metadata


class Quarantine:
    """Publishes unhandleable records to ``<topic>.quarantine``; bound to a broker once."""

    def __init__(self) -> None:
        self._publisher: _Publisher | None = None

    def bind(self, publisher: _Publisher) -> None:
        """Give the quarantine the broker it publishes with (after the broker exists)."""
        self._publisher = publisher

    async def put(
        self, record: QuarantinedRecord, *, error: str, reason: str, group: str = ""
    ) -> str:
        """Keep ``record`` with why it failed; returns the quarantine topic.

        Waits for the broker's acknowledgement (acks=all), so the caller may commit the
        source offset once this returns: the record is durable in the quarantine.
        """
        if self._publisher is None:
            msg = "quarantine used before it was bound to a broker"
            raise RuntimeError(msg)
        headers = _readable(record.headers)
        headers.update(
            quarantine_reason=reason,
            quarantine_error=error,
            # Each consumer group decides for itself: a record several components could not
            # handle is quarantined once per component, and says which.
            quarantine_group=group,
            quarantine_topic=record.topic,
            quarantine_partition=str(record.partition),
            quarantine_offset=str(record.offset),
            quarantine_time=datetime.now(UTC).isoformat(),
            quarantine_original_headers=_exact(record.headers),
        )
        destination = quarantine_topic(record.topic)
        await self._publisher.publish(
            record.value or b"", destination, key=record.key, headers=headers
        )
        log.warning(
            "record_quarantined",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            error=error,
            reason=reason,
        )
        return destination


def _readable(headers: Any) -> dict[str, str]:  # noqa: ANN401 - aiokafka's header sequence
    readable: dict[str, str] = {}
    for name, value in headers or ():
        if name in QUARANTINE_HEADERS:
            continue  # a replayed record quarantined again gets fresh reasons
        try:
            readable.setdefault(name, (value or b"").decode())
        except UnicodeDecodeError:
            continue
    return readable


def _exact(headers: Any) -> str:  # noqa: ANN401 - aiokafka's header sequence
    exact = [
        [name, base64.b64encode(value or b"").decode()]
        for name, value in headers or ()
        if name not in QUARANTINE_HEADERS
    ]
    return json.dumps(exact, separators=(",", ":"))


def original_headers(quarantine_headers: dict[str, str]) -> list[tuple[str, bytes]]:
    """The source record's exact headers, from a quarantined record's headers."""
    exact = json.loads(quarantine_headers["quarantine_original_headers"])
    return [(name, base64.b64decode(value)) for name, value in exact]
