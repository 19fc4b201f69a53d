"""The contract registry on disk: one JSON Schema file per contract version, plus AsyncAPI.

Files are generated from the code (``casehub contracts export``) and committed, so the
repository is the registry vendors read and the compatibility gate compares against.
Each file is pretty, key-sorted and ends with a newline, so a diff shows a real change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from contracts.base import Contract
from contracts.catalogue import CATALOGUE

__all__ = [
    "ASYNCAPI_FILE",
    "CONTRACTS_DIR",
    "SCHEMA_DIALECT",
    "Key",
    "code_schemas",
    "committed_schemas",
    "drift",
    "expected_files",
    "render",
    "schema_file",
    "schema_of",
    "write",
]

CONTRACTS_DIR: Final = Path(__file__).resolve().parent
ASYNCAPI_FILE: Final = "asyncapi.json"
SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

Key = tuple[str, int]
"""(event type, version)."""


def schema_of(contract: type[Contract]) -> dict[str, Any]:
    """The JSON Schema of one contract version, with its registry coordinates."""
    schema = contract.model_json_schema(mode="validation")
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:casehub:contract:{contract.event_type}:v{contract.event_version}",
        "x-event-type": contract.event_type,
        "x-event-version": contract.event_version,
        "x-domain": contract.domain,
        "x-classification": contract.classification().value,
        **schema,
    }


def schema_file(key: Key) -> str:
    """Where a version's schema lives, relative to the contracts package."""
    event_type, version = key
    return f"schemas/{event_type}/v{version}.json"


def render(document: Mapping[str, Any]) -> str:
    """The one text form of a generated document."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def code_schemas() -> dict[Key, dict[str, Any]]:
    """Every catalogue version's schema as the code defines it now."""
    return {key: schema_of(contract) for key, contract in CATALOGUE.items()}


def committed_schemas(root: Path = CONTRACTS_DIR) -> dict[Key, dict[str, Any]]:
    """Every schema file on disk, by the coordinates in its path."""
    found: dict[Key, dict[str, Any]] = {}
    for path in sorted((root / "schemas").glob("*/v*.json")):
        version = path.stem.removeprefix("v")
        if version.isdigit():
            found[path.parent.name, int(version)] = json.loads(path.read_text(encoding="utf-8"))
    return found


def expected_files() -> dict[str, str]:
    """Every generated file's path (relative to the contracts package) and content."""
    from contracts.asyncapi import asyncapi_document  # noqa: PLC0415 - it imports this module

    files = {schema_file(key): render(schema) for key, schema in code_schemas().items()}
    files[ASYNCAPI_FILE] = render(asyncapi_document())
    return files


def drift(root: Path = CONTRACTS_DIR) -> list[str]:
    """One line per generated file that is missing or differs from the code."""
    lines = []
    for name, content in expected_files().items():
        path = root / name
        if not path.exists():
            lines.append(f"missing: contracts/{name}")
        elif path.read_text(encoding="utf-8") != content:
            lines.append(f"stale: contracts/{name}")
    return lines


def write(root: Path = CONTRACTS_DIR) -> list[str]:
    """Write every generated file that is missing or stale; return what was written."""
    written = []
    for name, content in expected_files().items():
        path = root / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            written.append(f"contracts/{name}")
    return written
