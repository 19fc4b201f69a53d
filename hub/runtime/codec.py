"""Decoding at the edge: a Kafka record becomes a validated ``Event`` or a ``ContractError``.

Every subscriber decodes with ``decode_event``, so a record that fails its contract never
reaches a handler: the quarantine middleware catches the error and keeps the record.
Validation happens here, not through the handler's annotation, because fast-depends'
own validation error would quote the input.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiokafka import ConsumerRecord
from faststream.message import StreamMessage

from contracts.base import Contract
from contracts.binding import InvalidRecordError, from_kafka
from contracts.catalogue import contract_for
from contracts.envelope import Envelope, Event
from hub.runtime.errors import ContractError, PermanentError, Problem

__all__ = [
    "decode_event",
    "decode_record",
    "raw_body",
    "record_headers",
    "revive_event",
    "tolerant_parser",
]


def record_headers(message: StreamMessage[Any]) -> tuple[tuple[str, bytes], ...]:
    """The record's headers exactly as on the wire (FastStream's ``headers`` are decoded)."""
    raw = message.raw_message
    return tuple(getattr(raw, "headers", None) or ())


def decode_record(
    headers: Sequence[tuple[str, bytes | None]], value: bytes | None
) -> Event[Contract]:
    """The validated event, or ``ContractError`` naming every problem (never a value)."""
    try:
        return from_kafka(headers, value)
    except InvalidRecordError as exc:
        raise ContractError([Problem(where, what) for where, what in exc.problems]) from None


async def decode_event(message: StreamMessage[Any]) -> Event[Contract]:
    """FastStream decoder: the validated event, or ``ContractError`` naming every problem."""
    return decode_record(record_headers(message), message.body)


async def tolerant_parser(
    record: ConsumerRecord[Any, Any] | tuple[ConsumerRecord[Any, Any], ...],
    original: Callable[[Any], Awaitable[StreamMessage[Any]]],
) -> StreamMessage[Any]:
    """FastStream parser that survives headers which are not UTF-8 (one record or a batch).

    FastStream's own parser decodes every header as UTF-8 before any middleware runs; a
    record with a binary header would fail there, be logged with its bytes and then be
    skipped when the next offset is committed: lost. Here such headers reach FastStream
    empty, and the message keeps the original records, so decoding judges the real
    headers and the quarantine keeps them byte for byte.
    """
    try:
        return await original(record)
    except UnicodeDecodeError:
        if isinstance(record, tuple):
            message = await original(tuple(_readable(r) for r in record))
        else:
            message = await original(_readable(record))
        message.raw_message = record
        return message


def _readable(record: ConsumerRecord[Any, Any]) -> ConsumerRecord[Any, Any]:
    headers = [(name, value if _is_utf8(value) else b"") for name, value in record.headers]
    return dataclasses.replace(record, headers=headers)


def _is_utf8(value: bytes | None) -> bool:
    try:
        (value or b"").decode()
    except UnicodeDecodeError:
        return False
    return True


async def raw_body(message: StreamMessage[Any]) -> bytes:
    """FastStream decoder that leaves the body alone.

    FastStream would parse a JSON body before the handler runs, outside every handler's
    error handling; a malformed value would then be redelivered for ever instead of being
    quarantined. The hub decodes (and validates) inside its delivery policy instead.
    """
    return message.body


def revive_event(raw: Mapping[str, Any]) -> Event[Contract]:
    """An event a component kept in its state (``event.model_dump(mode="json")``), decoded again.

    Raises:
        PermanentError: its type is not in the catalogue (it was decoded with it once).

    """
    envelope = Envelope.model_validate_json(json.dumps(raw["envelope"]))
    contract = contract_for(envelope.type, envelope.contractversion)
    if contract is None:
        msg = "a kept event of an unknown type"
        raise PermanentError(msg)
    return Event(envelope=envelope, data=contract.model_validate_json(json.dumps(raw["data"])))
