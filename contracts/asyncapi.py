"""The AsyncAPI 3.0 document of every topic family and message, generated from the code.

Topics are per municipality (``casehub.<kommunekode>.<domain>.v1``), so each domain is one
channel whose address has a ``{municipality}`` parameter. Every message carries its
contract's docstring, its CloudEvents headers (binary mode, ``ce_*``) and its payload
schema; payload schemas are shared under ``components.schemas``.
"""

from __future__ import annotations

import inspect
from typing import Any, Final

from pydantic.json_schema import models_json_schema

from contracts.base import Contract
from contracts.binding import CE_PREFIX, CONTENT_TYPE
from contracts.catalogue import CATALOGUE
from contracts.envelope import Envelope
from contracts.municipalities import MUNICIPALITIES
from routing.topics import DOMAINS, topic

__all__ = ["ASYNCAPI_VERSION", "asyncapi_document", "message_id"]

ASYNCAPI_VERSION: Final = "3.0.0"
_KAFKA_BINDING: Final = "0.5.0"
_SCHEMAS: Final = "#/components/schemas/"

_INFO_DESCRIPTION: Final = """\
Canonical case events exchanged between Danish child-welfare case systems through casehub.

Every record is a CloudEvent in the Kafka binary binding: the attributes are `ce_*` headers,
the value is the contract's JSON data, and the key is the case id, so one case's events keep
their order. Each municipality has its own topics; `ce_type` and `ce_contractversion` name
the contract. Personal and sensitive fields are marked `x-classification`.
"""


def message_id(contract: type[Contract]) -> str:
    """The message's key in the document: its type and version."""
    return f"{contract.event_type}.v{contract.event_version}"


def asyncapi_document() -> dict[str, Any]:
    """The whole AsyncAPI document."""
    contracts = list(CATALOGUE.values())
    refs, definitions = models_json_schema(
        [(c, "validation") for c in contracts], ref_template=_SCHEMAS + "{model}"
    )
    messages = {message_id(c): _message(c, refs[c, "validation"]) for c in contracts}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for domain in DOMAINS:
        members = [message_id(c) for c in contracts if c.domain == domain]
        if not members:
            continue
        channels[domain] = _channel(domain, members)
        for action in ("send", "receive"):
            operations[f"{action}-{domain}"] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{domain}"},
                "summary": f"{action.capitalize()} {domain} events of one municipality.",
                "messages": [{"$ref": f"#/channels/{domain}/messages/{m}"} for m in members],
            }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:casehub:contracts",
        "info": {
            "title": "casehub canonical case events",
            "version": "1.0.0",
            "description": _INFO_DESCRIPTION,
            "license": {"name": "MIT"},
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "messages": messages,
            "parameters": {
                "municipality": {
                    "description": "The kommunekode of the municipality that owns the cases.",
                    "enum": sorted(MUNICIPALITIES),
                    "examples": ["101"],
                }
            },
        },
    }


def _channel(domain: str, members: list[str]) -> dict[str, Any]:
    return {
        "address": topic(domain, "{municipality}"),
        "title": f"{domain} events",
        "description": (
            f"Every {domain} event of one municipality's cases, keyed by case id. "
            f"Records that fail their contract go to the topic's .quarantine twin."
        ),
        "parameters": {"municipality": {"$ref": "#/components/parameters/municipality"}},
        "messages": {m: {"$ref": f"#/components/messages/{m}"} for m in members},
    }


def _message(contract: type[Contract], payload: dict[str, Any]) -> dict[str, Any]:
    description = inspect.cleandoc(contract.__doc__ or "")
    return {
        "name": contract.event_type,
        "title": contract.__name__,
        "summary": description.splitlines()[0] if description else contract.__name__,
        "description": description,
        "contentType": CONTENT_TYPE,
        "headers": _headers(contract),
        "payload": payload,
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": "The case id (ce_caseid)."},
                "bindingVersion": _KAFKA_BINDING,
            }
        },
        "x-event-type": contract.event_type,
        "x-event-version": contract.event_version,
        "x-classification": contract.classification().value,
    }


def _headers(contract: type[Contract]) -> dict[str, Any]:
    """The record's headers: the CloudEvents attributes, all as text."""
    fixed = {
        "type": contract.event_type,
        "specversion": "1.0",
        "contractversion": str(contract.event_version),
        "classification": contract.classification().value,
    }
    properties: dict[str, Any] = {
        "content-type": {"type": "string", "const": CONTENT_TYPE},
    }
    required = ["content-type"]
    for name, field in Envelope.model_fields.items():
        if name == "datacontenttype":
            continue
        header: dict[str, Any] = {"type": "string", "description": field.description or name}
        if name in fixed:
            header["const"] = fixed[name]
        properties[CE_PREFIX + name] = header
        if field.is_required() or name in fixed:
            required.append(CE_PREFIX + name)
    return {"type": "object", "properties": properties, "required": required}
