"""Decoding at the edge: a Kafka record becomes a validated ``Event`` or a ``ContractError``.

Every subscriber decodes with ``decode_event``, so a record that fails its contract never
reaches a handler: the quarantine middleware catches the error and keeps the record.
Validation happens here, not through the handler's annotation, because fast-depends'
own validation error would quote the input.
"""

from __future__ import annotations

from typing import Any

from faststream.message import StreamMessage

from contracts.base import Contract
from contracts.binding import InvalidRecordError, from_kafka
from contracts.envelope import Event
from hub.errors import ContractError, Problem

__all__ = ["decode_event", "record_headers"]


def record_headers(message: StreamMessage[Any]) -> tuple[tuple[str, bytes], ...]:
    """The record's headers exactly as on the wire (FastStream's ``headers`` are decoded)."""
    raw = message.raw_message
    return tuple(getattr(raw, "headers", None) or ())


async def decode_event(message: StreamMessage[Any]) -> Event[Contract]:
    """FastStream decoder: the validated event, or ``ContractError`` naming every problem."""
    try:
        return from_kafka(record_headers(message), message.body)
    except InvalidRecordError as exc:
        raise ContractError([Problem(where, what) for where, what in exc.problems]) from None
