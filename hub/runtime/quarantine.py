"""The quarantine: where a record that cannot be handled is kept, whole and replayable.

A quarantined record keeps its key, its value byte for byte and its headers (valid UTF-8
headers under their own names for people and filters; the exact list, bytes and
duplicates included, base64-encoded in ``quarantine_original_headers`` for replay), plus
headers that say why and where it came from.

=========================================  =================================================
the copy                                   what is kept
=========================================  =================================================
fits the quarantine topic (the common      the whole copy: key, value byte for byte, headers
case: it takes 3x the source's limit)
too large for it (the producer refuses    a bounded copy: no value, the key up to 1 KiB, the
it: ``MessageSizeTooLargeError``; or the   original headers in order as far as 64 KiB holds
broker: ``RecordListTooLargeError``)       them, ``quarantine_truncated`` and a reason that
                                           says what was left out and where the original is
the bounded copy too large as well         the minimal copy: the same without any original
(a quarantine topic set below 70 KiB)      header; only a quarantine topic that refuses a
                                           few hundred bytes leaves the record unrecorded
the broker cannot be reached               nothing: ``put`` raises, the caller rewinds
=========================================  =================================================

The hub's producer refuses a copy before the broker would: its ``max_request_size`` is the
quarantine topics' limit, which ``hub.runtime.provision`` sets and raises on start. A refusal by the
broker would break the idempotent producer's sequence for that partition (aiokafka does not
repair it: every later record there fails with ``OutOfOrderSequenceNumber``).

A bounded copy points at its source (``quarantine_topic``, ``quarantine_partition``,
``quarantine_offset``): the original stays readable there until the source topic's
retention removes it, and a replay re-reads it from there (``hub.cli.quarantine_ops``).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import structlog
from aiokafka.errors import MessageSizeTooLargeError, RecordListTooLargeError

from routing.topics import quarantine_topic

__all__ = [
    "BOUNDED_HEADER_BYTES",
    "BOUNDED_KEY_BYTES",
    "QUARANTINE_FACTOR",
    "QUARANTINE_HEADERS",
    "Copy",
    "Quarantine",
    "QuarantinedRecord",
    "bounded_copy",
    "original_headers",
    "quarantine_limit",
    "whole_copy",
]

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
    "quarantine_truncated",  # a bounded copy: what was left out, where the original is
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


@dataclass(frozen=True, slots=True)
class Copy:
    """What the quarantine writes for one record."""

    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def truncated(self) -> bool:
        """True for a bounded copy (the value, and maybe headers, left out)."""
        return "quarantine_truncated" in self.headers


QUARANTINE_FACTOR: Final = 3


def quarantine_limit(max_record_bytes: int) -> int:
    """The ``max.message.bytes`` of a quarantine topic whose source takes ``max_record_bytes``.

    A whole copy repeats the headers twice (readable, and base64 in
    ``quarantine_original_headers``, 4/3 of their size) and adds about 750 bytes: measured
    with ``benchmarks.quarantine_copy``, a record at the source's limit needs 1.0x with few
    headers, 1.7x when half of it is headers, 2.2x at 90 %.
    """
    return QUARANTINE_FACTOR * max_record_bytes


BOUNDED_KEY_BYTES: Final = 1024
"""A bounded copy keeps a key up to this long (case ids are at most 64 characters)."""
BOUNDED_HEADER_BYTES: Final = 64 * 1024
"""A bounded copy keeps the original headers, in order, while they cost at most this."""
_REASON_CHARS: Final = 1000
_TOO_LARGE: Final = (MessageSizeTooLargeError, RecordListTooLargeError)


def whole_copy(
    record: QuarantinedRecord, *, error: str, reason: str, group: str, at: datetime
) -> Copy:
    """The full quarantine copy: key, value and headers kept, plus why and where from."""
    headers = _readable(record.headers)
    headers.update(
        _about(record, error=error, reason=reason, group=group, at=at),
        quarantine_original_headers=_exact(record.headers),
    )
    return Copy(key=record.key, value=record.value or b"", headers=headers)


def bounded_copy(  # noqa: PLR0913 - whole_copy's arguments and the bound
    record: QuarantinedRecord,
    *,
    error: str,
    reason: str,
    group: str,
    at: datetime,
    header_bytes: int = BOUNDED_HEADER_BYTES,
) -> Copy:
    """A copy of bounded size, for a record whose whole copy the quarantine refuses.

    The value is left out; the key is kept up to ``BOUNDED_KEY_BYTES``; the original
    headers are kept in their order while they fit in ``header_bytes`` (each costs its
    readable form plus its base64 form). The reason and ``quarantine_truncated`` say what
    was left out and where to read the original.
    """
    originals = [(name, value or b"") for name, value in record.headers or ()]
    originals = [(name, value) for name, value in originals if name not in QUARANTINE_HEADERS]
    kept: list[tuple[str, bytes]] = []
    spent = 0
    for name, value in originals:
        cost = _cost(name, value)
        if spent + cost > header_bytes:
            break
        kept.append((name, value))
        spent += cost
    key = record.key if record.key is None or len(record.key) <= BOUNDED_KEY_BYTES else None
    left_out = [f"value {len(record.value or b'')} bytes not kept"]
    if len(kept) < len(originals):
        dropped = sum(len(name) + len(value) for name, value in originals[len(kept) :])
        left_out.append(
            f"{len(originals) - len(kept)} of {len(originals)} headers ({dropped} bytes) not kept"
        )
    if key is None and record.key is not None:
        left_out.append(f"key {len(record.key)} bytes not kept")
    truncated = ", ".join(left_out) + f", read it at {_ref(record)}"
    if len(reason) > _REASON_CHARS:
        reason = reason[:_REASON_CHARS] + "..."
    headers = _readable(kept)
    headers.update(
        _about(
            record,
            error=error,
            reason=f"{reason}; quarantine copy truncated: {truncated}",
            group=group,
            at=at,
        ),
        quarantine_original_headers=_exact(kept),
        quarantine_truncated=truncated,
    )
    return Copy(key=key, value=b"", headers=headers)


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
        source offset once this returns: the record is durable in the quarantine. A copy
        too large for the quarantine is replaced by a bounded one (see the module doc).

        Raises:
            KafkaError: the broker did not take even the minimal copy (it is down, or the
                quarantine topic refuses a few hundred bytes); nothing was written.

        """
        if self._publisher is None:
            msg = "quarantine used before it was bound to a broker"
            raise RuntimeError(msg)
        at = datetime.now(UTC)
        # Each consumer group decides for itself: a record several components could not
        # handle is quarantined once per component, and says which.
        copies = (
            whole_copy(record, error=error, reason=reason, group=group, at=at),
            bounded_copy(record, error=error, reason=reason, group=group, at=at),
            bounded_copy(record, error=error, reason=reason, group=group, at=at, header_bytes=0),
        )
        destination = quarantine_topic(record.topic)
        for number, copy in enumerate(copies, start=1):
            try:
                await self._publisher.publish(
                    copy.value, destination, key=copy.key, headers=copy.headers
                )
                break
            except _TOO_LARGE as exc:
                log.warning("quarantine_copy_refused", topic=record.topic,
                            partition=record.partition, offset=record.offset,
                            copy=number, error=type(exc).__name__)  # fmt: skip
                if number == len(copies):
                    raise
        log.warning(
            "record_quarantined",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            error=error,
            reason=copy.headers["quarantine_reason"],
            truncated=copy.truncated,
        )
        return destination


def _about(
    record: QuarantinedRecord, *, error: str, reason: str, group: str, at: datetime
) -> dict[str, str]:
    return {
        "quarantine_reason": reason,
        "quarantine_error": error,
        "quarantine_group": group,
        "quarantine_topic": record.topic,
        "quarantine_partition": str(record.partition),
        "quarantine_offset": str(record.offset),
        "quarantine_time": at.isoformat(),
    }


def _ref(record: QuarantinedRecord) -> str:
    return f"{record.topic}:{record.partition}:{record.offset}"


def _cost(name: str, value: bytes) -> int:
    """What a header adds to a bounded copy: readable, and in the exact list (JSON, base64)."""
    encoded = len(json.dumps(name)) + 4 * ((len(value) + 2) // 3) + 6
    return len(name.encode()) + len(value) + encoded


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
