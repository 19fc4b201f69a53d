"""The AsyncAPI document, validated by the AsyncAPI project's own parser (Node.js).

The parser is pinned in package-lock.json here; ``npm ci`` installs it on first use,
so a fresh machine needs Node.js 20+ and the npm registry.
"""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from contracts.asyncapi import asyncapi_document, message_id
from contracts.catalogue import CATALOGUE
from contracts.registry import render
from routing.topics import DOMAINS

HERE = Path(__file__).resolve().parent


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is needed to validate the AsyncAPI document (Node.js 20+)"
    return found


@pytest.fixture(scope="session")
def parser() -> list[str]:
    """The command that validates a document; installs the pinned parser if missing."""
    if not (HERE / "node_modules" / "@asyncapi" / "parser").is_dir():
        done = subprocess.run(
            [tool("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return [tool("node"), str(HERE / "validate.mjs")]


def parse(
    parser: list[str], document: dict[str, Any], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "asyncapi.json"
    path.write_text(render(document), encoding="utf-8")
    return subprocess.run(
        [*parser, str(path)], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_generated_document_is_valid(parser, tmp_path):
    done = parse(parser, asyncapi_document(), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(DOMAINS)} channels, {len(CATALOGUE)} messages" in done.stdout


def test_an_invalid_document_is_rejected_with_diagnostics(parser, tmp_path):
    document = asyncapi_document()
    document["operations"]["send-intake"]["action"] = "publish"
    document["channels"]["case"]["messages"]["x"] = {"$ref": "#/components/messages/nope"}
    done = parse(parser, document, tmp_path)
    assert done.returncode == 1
    assert "/operations/send-intake/action" in done.stdout
    assert "'#/components/messages/nope' does not exist" in done.stdout


class TestContent:
    def test_one_channel_per_domain_with_a_municipality_parameter(self):
        channels = asyncapi_document()["channels"]
        assert set(channels) == set(DOMAINS)
        assert channels["intake"]["address"] == "casehub.{municipality}.intake.v1"
        assert channels["intake"]["parameters"] == {
            "municipality": {"$ref": "#/components/parameters/municipality"}
        }

    def test_every_message_with_its_description_headers_and_payload(self):
        document = asyncapi_document()
        messages = document["components"]["messages"]
        assert set(messages) == {message_id(c) for c in CATALOGUE.values()}
        message = messages["dk.casehub.person.resolved.v1"]
        assert "address protection" in message["description"]
        assert message["headers"]["properties"]["ce_type"]["const"] == "dk.casehub.person.resolved"
        assert message["payload"] == {"$ref": "#/components/schemas/PersonResolved"}
        assert "PersonResolved" in document["components"]["schemas"]

    def test_no_reference_points_outside_the_document(self):
        text = json.dumps(asyncapi_document())
        assert '"#/$defs/' not in text
