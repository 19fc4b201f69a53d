"""The registry files: generated from the code, committed, and kept in step."""

import json

import contracts
from contracts.catalogue import CATALOGUE
from contracts.classification import CLASSIFICATION_KEY
from contracts.registry import (
    ASYNCAPI_FILE,
    code_schemas,
    drift,
    expected_files,
    render,
    schema_file,
    write,
)


def all_properties(schema):
    """Every (name, node) under ``properties``, at the top and in ``$defs``."""
    nodes = [schema, *schema.get("$defs", {}).values()]
    return [(name, prop) for node in nodes for name, prop in node.get("properties", {}).items()]


class TestFiles:
    def test_committed_files_match_the_code(self):
        assert drift() == [], "run `casehub contracts export` and commit the result"

    def test_one_file_per_contract_version(self):
        names = set(expected_files())
        assert ASYNCAPI_FILE in names
        assert names - {ASYNCAPI_FILE} == {schema_file(key) for key in CATALOGUE}
        assert "schemas/dk.casehub.case.opened/v1.json" in names

    def test_rendering_is_pretty_sorted_and_ends_with_a_newline(self):
        text = render({"b": 1, "a": {"d": 2, "c": 3}})
        assert text == '{\n  "a": {\n    "c": 3,\n    "d": 2\n  },\n  "b": 1\n}\n'

    def test_export_writes_then_check_finds_nothing(self, tmp_path):
        written = write(tmp_path)
        assert len(written) == len(CATALOGUE) + 1
        assert drift(tmp_path) == []
        assert write(tmp_path) == []

    def test_drift_lists_stale_and_missing_files(self, tmp_path):
        write(tmp_path)
        (tmp_path / "schemas/dk.casehub.case.opened/v1.json").write_text("{}\n")
        (tmp_path / ASYNCAPI_FILE).unlink()
        assert drift(tmp_path) == [
            "stale: contracts/schemas/dk.casehub.case.opened/v1.json",
            "missing: contracts/asyncapi.json",
        ]


class TestSchemas:
    def test_every_property_carries_its_classification(self):
        for key, schema in code_schemas().items():
            for name, prop in all_properties(schema):
                assert CLASSIFICATION_KEY in prop, (key, name)

    def test_schemas_carry_their_coordinates_and_docs(self):
        for (event_type, version), schema in code_schemas().items():
            contract = CATALOGUE[event_type, version]
            assert schema["x-event-type"] == event_type
            assert schema["x-event-version"] == version
            assert schema["x-classification"] == contract.classification().value
            assert schema["additionalProperties"] is False
            assert schema["description"]

    def test_money_is_a_string_in_the_schema(self):
        schema = code_schemas()["dk.casehub.finance.payment-scheduled", 1]
        assert schema["properties"]["amount"]["type"] == "string"

    def test_cpr_fields_are_personal(self):
        for key, schema in code_schemas().items():
            for name, prop in all_properties(schema):
                if "cpr" in name:
                    assert prop[CLASSIFICATION_KEY] == "personal", (key, name)

    def test_committed_file_is_the_schema(self):
        path = contracts.registry.CONTRACTS_DIR / schema_file(("dk.casehub.person.resolved", 1))
        committed = json.loads(path.read_text(encoding="utf-8"))
        assert committed == code_schemas()["dk.casehub.person.resolved", 1]
