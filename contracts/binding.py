"""The CloudEvents Kafka protocol binding, binary mode: envelope ⇄ headers, data ⇄ value.

``to_kafka`` and ``from_kafka`` are the only code that knows the header names. Decoding
checks the envelope and validates the data against its contract; any failure raises
``InvalidRecordError`` listing every problem by location, never quoting the input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import ValidationError

from contracts.base import Contract
from contracts.catalogue import contract_for
from contracts.envelope import Envelope, Event
from contracts.problems import problems_of

__all__ = ["CONTENT_TYPE", "InvalidRecordError", "KafkaRecord", "from_kafka", "to_kafka"]

CE_PREFIX = "ce_"
CONTENT_TYPE = "application/json"
_CONTENT_TYPE_HEADER = "content-type"
_ATTRIBUTE_NAMES = frozenset(Envelope.model_fields)
_HEADER_OF = {name: CE_PREFIX + name for name in _ATTRIBUTE_NAMES}
# The CloudEvents distributed-tracing extension: the producer's W3C trace context, which the
# hub's tracing reads and writes (hub.runtime.tracing); transport metadata, not the event's.
_TRACING = frozenset({"traceparent", "tracestate"})


@dataclass(frozen=True, slots=True)
class KafkaRecord:
    """What goes on the wire: key, value and headers."""

    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


class InvalidRecordError(ValueError):
    """A Kafka record is not a valid canonical event; ``problems`` says why."""

    def __init__(self, problems: Iterable[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "; ".join(f"{where}: {what}" if where else what for where, what in self.problems)
        )


def to_kafka(event: Event[Contract]) -> KafkaRecord:
    """Encode an event for Kafka: attributes as ``ce_`` headers, data as JSON value."""
    attributes = event.envelope.model_dump(mode="json", exclude_none=True)
    content_type = attributes.pop("datacontenttype")
    headers = [(_CONTENT_TYPE_HEADER, content_type.encode())]
    headers += [
        (_HEADER_OF[name], (value if type(value) is str else str(value)).encode())
        for name, value in attributes.items()
    ]
    return KafkaRecord(
        key=event.envelope.caseid.encode(),
        value=event.data.model_dump_json().encode(),
        headers=tuple(headers),
    )


def from_kafka(headers: Sequence[tuple[str, bytes | None]], value: bytes | None) -> Event[Contract]:
    """Decode and validate a record; raise ``InvalidRecordError`` with every problem found."""
    attributes, problems = _attributes(headers)
    if problems:
        raise InvalidRecordError(problems)
    try:
        envelope = Envelope.model_validate(attributes, strict=False)
    except ValidationError as exc:
        raise InvalidRecordError(problems_of(exc, Envelope, prefix="header ce_")) from None
    contract = contract_for(envelope.type, envelope.contractversion)
    if contract is None:
        where = "header ce_type"
        raise InvalidRecordError(
            [(where, f"no contract {envelope.type} v{envelope.contractversion}")]
        )
    if value is None:
        raise InvalidRecordError([("value", "missing: a canonical event carries JSON data")])
    try:
        data = contract.model_validate_json(value, strict=True)
    except ValidationError as exc:
        raise InvalidRecordError(problems_of(exc, contract, prefix="data.")) from None
    if envelope.classification != data.classification():
        where = "header ce_classification"
        raise InvalidRecordError([(where, f"must be {data.classification().value} for this type")])
    return _event_class(contract)(envelope=envelope, data=data)


@cache
def _event_class(contract: type[Contract]) -> type[Event[Any]]:
    """``Event[contract]``, made once per contract (pydantic's lookup costs per record)."""
    return Event[contract]  # type: ignore[valid-type]


def _attributes(
    headers: Sequence[tuple[str, bytes | None]],
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    attributes: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    content_type = None
    for name, raw in headers:
        if name != _CONTENT_TYPE_HEADER and not name.startswith(CE_PREFIX):
            continue  # other headers (tracing, FastStream's) are not ours to judge
        try:
            text = (raw or b"").decode()
        except UnicodeDecodeError:
            problems.append((f"header {name}", "not UTF-8 text"))
            continue
        if name == _CONTENT_TYPE_HEADER:
            content_type = text
        elif name[len(CE_PREFIX) :] in _TRACING:
            continue
        elif name[len(CE_PREFIX) :] in attributes:
            problems.append((f"header {name}", "appears twice"))
        else:
            attributes[name[len(CE_PREFIX) :]] = text
    if content_type is None or content_type.split(";")[0].strip() != CONTENT_TYPE:
        problems.append((f"header {_CONTENT_TYPE_HEADER}", f"must be {CONTENT_TYPE}"))
    else:
        attributes["datacontenttype"] = CONTENT_TYPE
    unknown = sorted(set(attributes) - _ATTRIBUTE_NAMES)
    # A name is repeated only when it is a plain attribute name (a hostile one can be a
    # CPR number, and the reason travels into the quarantine's headers and the logs).
    problems += [
        (f"header {CE_PREFIX}{name}" if _plain(name) else "header", "unknown attribute")
        for name in unknown
    ]
    return attributes, problems


def _plain(name: str) -> bool:
    return name.isascii() and name.isalpha() and name.islower()
