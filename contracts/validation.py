"""Validating a vendor's JSON document: a structured CloudEvent or a dump of a Kafka record.

Both shapes are turned into the record's headers and value and then judged by
``contracts.binding.from_kafka``, so a vendor's check and the hub's own decoding can never
disagree. Problems come back one per line with the JSON path of the offending member;
they name locations and rules, never the document's values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from contracts.base import Contract
from contracts.binding import CE_PREFIX, CONTENT_TYPE, InvalidRecordError, from_kafka
from contracts.envelope import Event

__all__ = ["Verdict", "check_document"]

_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NOT_EVENT: Final = "$: expected a JSON object: a CloudEvent (specversion, data, ...) or a Kafka record (headers, value)"  # noqa: E501
_STRUCTURED_ONLY: Final = ("data", "data_base64", "datacontenttype")

Headers = list[tuple[str, bytes | None]]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The event when the document is valid, else every problem as ``<json path>: <why>``."""

    event: Event[Contract] | None
    problems: tuple[str, ...]


def check_document(raw: bytes) -> Verdict:
    """Judge one document; never raises for any input."""
    document, problem = _parse(raw)
    if not isinstance(document, dict):
        return _fail(problem or _NOT_EVENT)
    try:
        return _judge_document(document)
    except RecursionError:  # json.loads accepted it, but re-encoding the data did not
        return _fail("$: nested too deeply")


def _judge_document(document: dict[str, Any]) -> Verdict:
    if "specversion" in document or "data" in document:
        return _judge(*_structured(document), key=None, path=_structured_path)
    if "headers" in document or "value" in document:
        headers, value, problems = _kafka_dump(document)
        key = document.get("key")
        if key is not None and not isinstance(key, str):
            problems.append("$.key: must be a string (the case id)")
        return _judge(headers, value, problems, key=key, path=_kafka_path)
    return _fail(_NOT_EVENT)


def _parse(raw: bytes) -> tuple[object, str | None]:
    try:
        return json.loads(raw.decode()), None
    except UnicodeDecodeError:
        return None, "$: not UTF-8 text"
    except json.JSONDecodeError as exc:
        return None, f"$: not JSON (line {exc.lineno}, column {exc.colno})"
    except RecursionError:
        return None, "$: nested too deeply"


def _fail(*problems: str) -> Verdict:
    return Verdict(None, problems)


def _judge(
    headers: Headers,
    value: bytes | None,
    problems: list[str],
    *,
    key: object,
    path: Callable[[str], str],
) -> Verdict:
    if problems:
        return _fail(*problems)
    try:
        event = from_kafka(headers, value)
    except InvalidRecordError as exc:
        return _fail(*(f"{path(where)}: {what}" for where, what in exc.problems))
    if isinstance(key, str) and key != event.envelope.caseid:
        return _fail("$.key: must equal the case id (ce_caseid)")
    return Verdict(event, ())


def _structured(document: dict[str, Any]) -> tuple[Headers, bytes | None, list[str]]:
    """A structured-mode CloudEvent as the binary-mode record it stands for."""
    problems: list[str] = []
    content_type = document.get("datacontenttype", CONTENT_TYPE)
    if not isinstance(content_type, str):
        problems.append("$.datacontenttype: must be a string")
        content_type = ""
    headers: Headers = [("content-type", content_type.encode())]
    for name, attribute in document.items():
        if name in _STRUCTURED_ONLY:
            continue
        text = _attribute_text(attribute)
        if text is None:
            problems.append(f"{_member('$', name)}: must be a string")
        else:
            headers.append((CE_PREFIX + name, text.encode()))
    if "data_base64" in document:
        problems.append("$.data_base64: a canonical event carries JSON data, not binary")
    value = None
    if "data" in document:
        value = json.dumps(document["data"]).encode()
    return headers, value, problems


def _kafka_dump(document: dict[str, Any]) -> tuple[Headers, bytes | None, list[str]]:
    """A dumped Kafka record: headers as an object or a list of [name, value] pairs."""
    problems: list[str] = []
    unknown = sorted(set(document) - {"key", "headers", "value", "topic", "partition", "offset"})
    problems += [f"{_member('$', name)}: not part of a Kafka record" for name in unknown]
    raw_headers = document.get("headers", [])
    pairs: list[tuple[object, object]] = []
    if isinstance(raw_headers, dict):
        pairs = list(raw_headers.items())
    elif isinstance(raw_headers, list):
        for index, pair in enumerate(raw_headers):
            if isinstance(pair, list) and len(pair) == 2:  # noqa: PLR2004 - a pair
                pairs.append((pair[0], pair[1]))
            else:
                problems.append(f"$.headers[{index}]: must be a [name, value] pair")
    else:
        problems.append("$.headers: must be an object or a list of [name, value] pairs")
    headers: Headers = []
    for index, (name, header) in enumerate(pairs):
        if not isinstance(name, str):
            problems.append(f"$.headers[{index}]: the header name must be a string")
        elif header is not None and not isinstance(header, str):
            problems.append(f"{_member('$.headers', name)}: must be a string or null")
        else:
            headers.append((name, None if header is None else header.encode()))
    value = document.get("value")
    if value is None:
        return headers, None, problems
    if isinstance(value, str):
        return headers, value.encode(), problems
    return headers, json.dumps(value).encode(), problems


def _attribute_text(attribute: object) -> str | None:
    """A CloudEvents attribute in JSON as header text: strings and integers only."""
    if isinstance(attribute, str):
        return attribute
    if isinstance(attribute, int) and not isinstance(attribute, bool):
        return str(attribute)
    return None


def _structured_path(where: str) -> str:
    if where == "header content-type":
        return "$.datacontenttype"
    if where.startswith("header " + CE_PREFIX):
        return _member("$", where.removeprefix("header " + CE_PREFIX))
    return _data_path("$.data", where)


def _kafka_path(where: str) -> str:
    if where.startswith("header "):
        return _member("$.headers", where.removeprefix("header "))
    return _data_path("$.value", where)


def _data_path(base: str, where: str) -> str:
    """``data.notifier.0.name`` → ``<base>.notifier[0].name``."""
    if where in {"value", "data"}:
        return base
    path = base
    for part in where.removeprefix("data.").split("."):
        path = f"{path}[{part}]" if part.isdigit() else _member(path, part)
    return path


def _member(base: str, name: str) -> str:
    if _IDENTIFIER.fullmatch(name):
        return f"{base}.{name}"
    return f"{base}[{json.dumps(name)}]"
