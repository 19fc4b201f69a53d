"""``casehub contracts``: what vendors and CI run."""

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.binding import to_kafka
from contracts.catalogue import CATALOGUE
from hub.cli.main import main
from tests.factories import notification_event
from tests.people import CHILD

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
quick = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(*args, stdin=None):
    return CliRunner().invoke(main, ["contracts", *args], input=stdin)


def structured(event=None):
    """A structured-mode CloudEvent of a valid notification."""
    event = event or notification_event()
    document = event.envelope.model_dump(mode="json", exclude_none=True)
    document["data"] = json.loads(to_kafka(event).value)
    return document


def kafka_dump(*, pairs):
    record = to_kafka(notification_event())
    headers = [[name, value.decode()] for name, value in record.headers]
    return {
        "key": record.key.decode(),
        "headers": headers if pairs else dict(headers),
        "value": json.loads(record.value),
    }


def assert_clean_failure(result):
    """Exit 1, one problem per line with a JSON path, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    assert lines
    assert all(line.startswith("$") for line in lines), lines


class TestList:
    def test_lists_every_type_with_version_topic_and_description(self):
        result = run("list")
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert len(lines) == len(CATALOGUE) >= 40
        first = lines[0].split()
        assert first[:3] == [
            "dk.casehub.notification.received",
            "v1",
            "casehub.{municipality}.intake.v1",
        ]
        assert "notification" in lines[0].split("v1", 2)[2]


class TestSchema:
    def test_prints_the_newest_version(self):
        result = run("schema", "dk.casehub.case.opened")
        assert result.exit_code == 0
        assert json.loads(result.stdout)["x-event-type"] == "dk.casehub.case.opened"

    def test_prints_a_named_version(self):
        result = run("schema", "dk.casehub.case.opened@1")
        assert json.loads(result.stdout)["x-event-version"] == 1

    @pytest.mark.parametrize(
        ("reference", "message"),
        [
            ("dk.casehub.nope", "unknown event type"),
            ("dk.casehub.case.opened@7", "has no version 7"),
            ("dk.casehub.case.opened@x", "VERSION is a number"),
        ],
    )
    def test_unknown_references_exit_1(self, reference, message):
        result = run("schema", reference)
        assert result.exit_code == 1
        assert message in result.stderr


class TestValidate:
    def test_a_valid_structured_event_from_a_file(self, tmp_path):
        path = tmp_path / "event.json"
        path.write_text(json.dumps(structured()))
        result = run("validate", str(path))
        assert result.exit_code == 0, result.output
        assert result.stdout == "valid: dk.casehub.notification.received v1\n"

    def test_a_valid_event_on_stdin(self):
        result = run("validate", "-", stdin=json.dumps(structured()))
        assert result.exit_code == 0, result.output

    @pytest.mark.parametrize("pairs", [True, False])
    def test_a_valid_kafka_record_dump(self, pairs):
        result = run("validate", "-", stdin=json.dumps(kafka_dump(pairs=pairs)))
        assert result.exit_code == 0, result.output

    def test_problems_have_json_paths_and_never_quote_the_input(self):
        document = structured()
        bad_cpr = CHILD[:2] + "13" + CHILD[4:]
        document["data"].update(child_cpr=bad_cpr, colour="red")
        document["data"]["notifier"]["kind"] = "alien"
        document["data"]["reasons"] = ["neglect", "Synthetic secret reason"]
        result = run("validate", "-", stdin=json.dumps(document))
        assert_clean_failure(result)
        paths = [line.split(":", 1)[0] for line in result.stdout.splitlines()]
        assert paths == [
            "$.data.child_cpr",
            "$.data.notifier.kind",
            "$.data.reasons[1]",
            "$.data",  # an unknown key is not named: a hostile one can be a CPR number
        ]
        assert "colour" not in result.output
        assert bad_cpr not in result.output
        assert "Synthetic secret" not in result.output

    def test_envelope_problems_point_at_the_attribute(self):
        document = {**structured(), "municipality": "999", "classification": ["x"]}
        result = run("validate", "-", stdin=json.dumps(document))
        assert_clean_failure(result)
        assert result.stdout == "$.classification: must be a string\n"
        del document["classification"]
        result = run("validate", "-", stdin=json.dumps(document))
        assert result.stdout.splitlines() == [
            "$.municipality: not one of the 98 municipality codes",
            "$.classification: Field required",
        ]

    def test_kafka_dump_problems_point_at_headers_and_value(self):
        document = kafka_dump(pairs=False)
        document["headers"]["ce_contractversion"] = "9"
        result = run("validate", "-", stdin=json.dumps(document))
        assert_clean_failure(result)
        assert result.stdout == (
            "$.headers.ce_type: no contract dk.casehub.notification.received v9\n"
        )
        document = kafka_dump(pairs=True)
        document["value"]["summary"] = ""
        result = run("validate", "-", stdin=json.dumps(document))
        assert result.stdout.startswith("$.value.summary: ")

    def test_a_key_that_is_not_the_case_id(self):
        document = {**kafka_dump(pairs=True), "key": "C-other"}
        result = run("validate", "-", stdin=json.dumps(document))
        assert result.stdout == "$.key: must equal the case id (ce_caseid)\n"

    @pytest.mark.parametrize(
        ("raw", "line"),
        [
            (b"\xff\xfe", "$: not UTF-8 text"),
            (b"{", "$: not JSON (line 1, column 2)"),
            (b"[1, 2]", "$: expected a JSON object"),
            (b"{}", "$: expected a JSON object"),
            (b"[" * 100_000, "$: nested too deeply"),
            (b'{"data": {}, "data_base64": "AA=="}', "$.data_base64: a canonical event"),
            (b'{"headers": 5, "value": null}', "$.headers: must be an object or a list"),
            (b'{"headers": [[1, "x"]], "value": null}', "$.headers[0]: the header name"),
            (b'{"headers": [["a"]], "value": null}', "$.headers[0]: must be a [name, value]"),
            (b'{"headers": {"ce_id": 1}, "value": null}', "$.headers.ce_id: must be a string"),
            (b'{"headers": {}, "value": null, "x": 1}', "$.x: not part of a Kafka record"),
            (b'{"headers": {}, "key": 1}', "$.key: must be a string"),
            (b'{"data": {}, "a b": []}', '$["a b"]: must be a string'),
        ],
    )
    def test_malformed_documents_get_one_clear_line(self, raw, line):
        result = CliRunner().invoke(main, ["contracts", "validate", "-"], input=raw)
        assert_clean_failure(result)
        assert result.stdout.splitlines()[0].startswith(line)

    @quick
    @given(st.binary(max_size=300))
    def test_arbitrary_bytes_never_raise(self, raw):
        result = CliRunner().invoke(main, ["contracts", "validate", "-"], input=raw)
        assert_clean_failure(result)

    @quick
    @given(JSON)
    def test_arbitrary_json_never_raises(self, document):
        assert_clean_failure(run("validate", "-", stdin=json.dumps(document)))

    @quick
    @given(
        st.sampled_from(["structured", "pairs", "object"]),
        st.sampled_from(["data", "value", "headers", "id", "type", "contractversion"]),
        JSON,
    )
    def test_a_valid_event_with_one_part_replaced_never_raises(self, shape, part, junk):
        document = structured() if shape == "structured" else kafka_dump(pairs=shape == "pairs")
        if part in document:
            document[part] = junk
        elif isinstance(document.get("data"), dict):
            document["data"][part] = junk
        result = run("validate", "-", stdin=json.dumps(document))
        assert result.exit_code in {0, 1}
        assert result.exception is None or isinstance(result.exception, SystemExit)


class TestExportAndCheck:
    def test_export_check_fails_listing_what_is_missing_then_export_fixes_it(self, tmp_path):
        result = run("export", "--check", "--dir", str(tmp_path))
        assert result.exit_code == 1
        assert "missing: contracts/asyncapi.json" in result.stdout.splitlines()
        assert "missing: contracts/schemas/dk.casehub.case.opened/v1.json" in result.stdout
        assert run("export", "--dir", str(tmp_path)).exit_code == 0
        assert run("export", "--check", "--dir", str(tmp_path)).exit_code == 0

    def test_the_repository_is_exported_and_compatible(self):
        assert run("export", "--check").exit_code == 0
        result = run("check")
        assert result.exit_code == 0
        assert result.stdout == f"compatible: {len(CATALOGUE)} contract versions\n"

    def test_check_fails_when_a_published_schema_was_changed(self, tmp_path):
        run("export", "--dir", str(tmp_path))
        path = tmp_path / "schemas/dk.casehub.case.closed/v1.json"
        schema = json.loads(path.read_text())
        schema["required"].append("reason")
        path.write_text(json.dumps(schema))
        result = run("check", "--dir", str(tmp_path))
        assert result.exit_code == 1
        assert result.stdout == (
            "dk.casehub.case.closed v1: its schema differs from the published one; "
            "a published version never changes, so change it in a new version\n"
        )
