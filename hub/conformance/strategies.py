"""Hypothesis strategies for every contract, derived from its JSON Schema (the kit's generators).

A vendor's suite draws events from the committed schemas with these (``hub.conformance.plugin``);
the hub's own property tests use them too.

``st.builds(Model)`` ignores ``pattern=``, so values come from the schema pydantic emits:
each constrained string from its own pattern, CPR numbers from ``hub.conformance.people``
(day + 60),
municipality codes from the list of 98. A drawn document may still break a model
validator (an unborn child with a child_cpr); ``contract_instances`` keeps the valid ones.
A contract whose records come in exclusive forms (``FORMS``) is drawn one form at a time,
or nearly every drawn document would mix them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st
from pydantic import ValidationError

from contracts.base import Contract
from contracts.cpr import Cpr
from contracts.letters import LetterRequestedV2
from contracts.municipalities import MUNICIPALITIES
from hub.conformance.people import synthetic_cprs

__all__ = [
    "MARK",
    "TextFor",
    "committed_instances",
    "contract_documents",
    "contract_instances",
    "documents",
    "marked_text",
    "plain_text",
]

MARK = "Qz"
"""Free text drawn in marked mode contains this, so a leak can be found by search."""

TextFor = Callable[[int, int], st.SearchStrategy[str]]

_ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
_ZONES = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-3))])


def plain_text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """Any text within the field's bounds (at most 40 characters)."""
    return st.text(min_size=min_size, max_size=min(max_size, 40))


def marked_text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """Text that is easy to find again: ``Qz<hex>Qz``, within the field's bounds."""
    if max_size < 12:  # noqa: PLR2004 - the mark and its 8 hex digits
        return plain_text(min_size, max_size)
    return st.from_regex(r"[0-9a-f]{8}", fullmatch=True).map(lambda s: f"{MARK}{s}{MARK}")


_PERSONAL = {"personal", "sensitive"}

# A document's file name: its validator (no path, no control characters, no CPR number) is
# tested on its own (test_document_reference.py); drawn free text would break it nearly
# every time, and a letter carries several.
_FILE_NAMES = st.from_regex(r"[A-Za-z0-9æøå_-]{1,40}\.(pdf|png)", fullmatch=True)
_BY_NAME: dict[str, st.SearchStrategy[Any]] = {"file_name": _FILE_NAMES}

# A letter's action: a link or a reply, each whole (the action's own rules are tested in
# test_letters.py); drawn field by field, most would break them.
_ACTIONS = st.one_of(
    st.builds(
        lambda label, path, code: {
            "kind": "link",
            "label": label,
            "url": f"https://kommune.dk/{path}",
            "code": code,
        },
        st.from_regex(r"[A-Za-z æøå]{1,40}", fullmatch=True).filter(str.strip),
        st.from_regex(r"[a-z0-9/]{0,40}", fullmatch=True),
        st.sampled_from(["INFORMATION", "SELVBETJENING", "AFTALE"]),
    ),
    st.just({"kind": "reply"}),
    st.just({"kind": "reply", "reply_by": "2026-12-24T12:00:00Z"}),
)
OVERRIDES: dict[type[Contract], dict[str, st.SearchStrategy[Any]]] = {
    LetterRequestedV2: {"action": _ACTIONS},
}
"""Top-level fields of a contract drawn from a strategy of their own."""

FORMS: dict[type[Contract], tuple[tuple[frozenset[str], frozenset[str]], ...]] = {
    # (fields the form requires, optional fields only it has); other fields are common.
    LetterRequestedV2: (
        (
            frozenset({"recipients", "subject", "main_document"}),
            frozenset({"notification", "attachments", "action"}),
        ),
        (frozenset({"recipient_cpr", "title", "body"}), frozenset()),
    ),
}


def documents(
    schema: dict[str, Any], root: dict[str, Any], text: TextFor, *, personal: bool = False
) -> st.SearchStrategy[Any]:
    """JSON values valid against one node of a pydantic JSON Schema.

    ``text`` draws free text for personal and sensitive fields (the field's own
    ``x-classification``, else its parent's); other free text is plain.
    """
    if "x-classification" in schema:
        personal = schema["x-classification"] in _PERSONAL
    while "$ref" in schema:
        target = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    if "anyOf" in schema:
        return st.one_of([documents(a, root, text, personal=personal) for a in schema["anyOf"]])
    if "enum" in schema or "const" in schema:
        return st.sampled_from(schema.get("enum", [schema.get("const")]))
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, root, text, personal=personal)
    if kind == "array":
        items = documents(schema["items"], root, text, personal=personal)
        low = schema.get("minItems", 0)
        return st.lists(items, min_size=low, max_size=min(schema.get("maxItems", 3), low + 3))
    return _scalar(schema, text if personal else plain_text)


def _scalar(schema: dict[str, Any], text: TextFor) -> st.SearchStrategy[Any]:
    kind = schema.get("type")
    if kind == "string":
        return _string(schema, text)
    if kind == "integer":
        low = schema.get("minimum", -(2**31))
        return st.integers(min_value=low, max_value=schema.get("maximum", 2**31))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    raise NotImplementedError(schema)


def _object(
    schema: dict[str, Any], root: dict[str, Any], text: TextFor, *, personal: bool
) -> st.SearchStrategy[Any]:
    fields = {
        name: _BY_NAME[name] if name in _BY_NAME else documents(node, root, text, personal=personal)
        for name, node in schema.get("properties", {}).items()
    }
    required = set(schema.get("required", ()))
    return st.fixed_dictionaries(
        {k: v for k, v in fields.items() if k in required},
        optional={k: v for k, v in fields.items() if k not in required},
    )


def _string(schema: dict[str, Any], text: TextFor) -> st.SearchStrategy[str]:
    pattern = schema.get("pattern")
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10_000)
    if schema.get("format") == "date-time":
        # hypothesis takes naive bounds; the zone is drawn separately
        moments = st.datetimes(
            min_value=datetime(1990, 1, 1),  # noqa: DTZ001
            max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        )
        return st.builds(lambda m, z: m.replace(tzinfo=z).isoformat(), moments, _ZONES)
    if schema.get("format") == "date":
        return st.dates().map(lambda d: d.isoformat())
    if pattern == Cpr.pattern:
        return synthetic_cprs()
    if pattern == r"^\d{3}$":
        return st.sampled_from(sorted(MUNICIPALITIES))
    if pattern is not None:
        drawn = st.from_regex(pattern, fullmatch=True, alphabet=_ASCII)
        return drawn.filter(lambda s: low <= len(s) <= high)
    return text(low, high)


def contract_documents(
    contract: type[Contract], text: TextFor = plain_text
) -> st.SearchStrategy[Any]:
    """JSON documents shaped like the contract's data (some break a model validator)."""
    schema = contract.model_json_schema()
    forms = FORMS.get(contract)
    if forms is None:
        return documents(schema, schema, text)
    own = set().union(*(required | optional for required, optional in forms))
    shaped = []
    overrides = OVERRIDES.get(contract, {})
    for required, optional in forms:
        keep = {k: v for k, v in schema["properties"].items() if k not in own}
        keep |= {k: schema["properties"][k] for k in optional}
        keep |= {k: _not_null(schema["properties"][k]) for k in required}
        drawn = {k: v for k, v in keep.items() if k not in overrides}
        form = {**schema, "properties": drawn, "required": [*schema["required"], *required]}
        extra = {k: v for k, v in overrides.items() if k in keep}
        shaped.append(
            st.tuples(documents(form, schema, text), st.fixed_dictionaries({}, optional=extra)).map(
                lambda pair: {**pair[0], **pair[1]}
            )
        )
    return st.one_of(shaped)


def _not_null(node: dict[str, Any]) -> dict[str, Any]:
    """A nullable field's schema without ``null``: the form requires a value."""
    if "anyOf" not in node:
        return node
    return {**node, "anyOf": [a for a in node["anyOf"] if a.get("type") != "null"]}


def _valid(contract: type[Contract], document: Any) -> bool:  # noqa: ANN401 - any JSON
    try:
        contract.model_validate_json(json.dumps(document))
    except ValidationError:
        return False
    return True


def contract_instances(
    contract: type[Contract], text: TextFor = plain_text
) -> st.SearchStrategy[Contract]:
    """Valid instances of a contract, validated from JSON as the wire would deliver them."""
    valid = contract_documents(contract, text).filter(lambda d: _valid(contract, d))
    return valid.map(lambda d: contract.model_validate_json(json.dumps(d)))


def committed_instances(
    contract: type[Contract], text: TextFor = plain_text
) -> st.SearchStrategy[Contract]:
    """Valid instances of a contract, drawn from its committed JSON Schema.

    The schema is the registry's file (``contracts/schemas/<type>/v<version>.json``), as a
    vendor reads it, rather than the model's.
    """
    from contracts.registry import committed_schemas  # noqa: PLC0415 - reads files once used

    schema = committed_schemas()[contract.event_type, contract.event_version]
    drawn = documents(schema, schema, text)
    valid = drawn.filter(lambda d: _valid(contract, d))
    return valid.map(lambda d: contract.model_validate_json(json.dumps(d)))
