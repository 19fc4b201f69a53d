"""The compatibility gate: each break is found and explained in one sentence."""

import copy
from typing import ClassVar

import pytest

from contracts.compat import DEFAULT_MODE, Mode, breaks, check_version, gate
from contracts.intake import NotificationReceived
from contracts.registry import code_schemas, committed_schemas, schema_of


def record(properties, required=(), defs=None):
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": list(required),
    }
    if defs:
        schema["$defs"] = defs
    return schema


TEXT = {"type": "string", "maxLength": 200}
NULLABLE_TEXT = {"anyOf": [TEXT, {"type": "null"}], "default": None}
COLOUR = {"type": "string", "enum": ["red", "green"]}


def backward(old, new):
    return breaks(new, old, reader_version=2, writer_version=1)


def forward(old, new):
    return breaks(old, new, reader_version=1, writer_version=2)


class TestSentences:
    def test_new_required_field_breaks_backward(self):
        old = record({"a": TEXT}, ["a"])
        new = record({"a": TEXT, "b": TEXT}, ["a", "b"])
        assert backward(old, new) == [
            "field b became required; consumers on v2 cannot read v1 records without it"
        ]

    def test_new_optional_field_is_backward_compatible(self):
        old = record({"a": TEXT}, ["a"])
        new = record({"a": TEXT, "b": NULLABLE_TEXT}, ["a"])
        assert backward(old, new) == []

    def test_new_optional_field_breaks_forward_because_contracts_are_closed(self):
        old = record({"a": TEXT}, ["a"])
        new = record({"a": TEXT, "b": NULLABLE_TEXT}, ["a"])
        assert forward(old, new) == [
            (
                "field b was added; consumers on v1 cannot read v2 records that carry it, "
                "as unknown fields are rejected"
            )
        ]

    def test_removed_field_breaks_backward(self):
        old = record({"a": TEXT, "b": NULLABLE_TEXT}, ["a"])
        new = record({"a": TEXT}, ["a"])
        assert backward(old, new) == [
            (
                "field b was removed; consumers on v2 cannot read v1 records that carry it, "
                "as unknown fields are rejected"
            )
        ]

    def test_removed_enum_value_breaks_backward(self):
        old = record({"c": COLOUR}, ["c"])
        new = record({"c": {"type": "string", "enum": ["red"]}}, ["c"])
        assert backward(old, new) == [
            "field c no longer allows 'green'; consumers on v2 cannot read v1 records that use them"
        ]

    def test_added_enum_value_breaks_forward_only(self):
        old = record({"c": COLOUR}, ["c"])
        new = record({"c": {"type": "string", "enum": ["red", "green", "blue"]}}, ["c"])
        assert backward(old, new) == []
        assert forward(old, new) == [
            "field c gained the values 'blue'; consumers on v1 cannot read v2 records that use them"
        ]

    def test_type_change(self):
        old = record({"n": TEXT}, ["n"])
        new = record({"n": {"type": "integer"}}, ["n"])
        assert backward(old, new) == [
            (
                "field n changed type from 'string' to 'integer'; "
                "consumers on v2 cannot read v1 records"
            )
        ]

    def test_integer_widened_to_number_is_compatible(self):
        old = record({"n": {"type": "integer"}}, ["n"])
        new = record({"n": {"type": "number"}}, ["n"])
        assert backward(old, new) == []

    def test_nullable_field_made_non_null(self):
        old = record({"a": NULLABLE_TEXT})
        new = record({"a": TEXT})
        assert backward(old, new) == [
            (
                "field a changed type from 'null or string' to 'string'; "
                "consumers on v2 cannot read v1 records"
            )
        ]

    def test_tightened_bound(self):
        old = record({"a": TEXT}, ["a"])
        new = record({"a": {"type": "string", "maxLength": 100}}, ["a"])
        assert backward(old, new) == [
            "field a changed maxLength from 200 to 100; consumers on v2 cannot read v1 records"
        ]

    def test_changed_pattern(self):
        old = record({"a": {"type": "string", "pattern": "^a$"}}, ["a"])
        new = record({"a": {"type": "string", "pattern": "^b$"}}, ["a"])
        assert backward(old, new) == [
            "field a changed pattern from '^a$' to '^b$'; consumers on v2 cannot read v1 records"
        ]

    def test_nested_change_through_refs_names_the_path(self):
        def person(required):
            inner = record({"name": TEXT, "age": {"type": "integer"}}, required)
            return record(
                {"people": {"type": "array", "items": {"$ref": "#/$defs/Person"}}},
                ["people"],
                defs={"Person": inner},
            )

        assert backward(person(["name"]), person(["name", "age"])) == [
            "field people[].age became required; consumers on v2 cannot read v1 records without it"
        ]

    def test_descriptions_and_titles_do_not_matter(self):
        old = record({"a": {**TEXT, "description": "old"}}, ["a"])
        new = record({"a": {**TEXT, "description": "new", "title": "A"}}, ["a"])
        assert backward(old, new) == forward(old, new) == []


class TestModes:
    V1 = record({"c": COLOUR}, ["c"])
    V2 = record({"c": {"type": "string", "enum": ["red"]}}, ["c"])  # published under NONE
    V3 = record({"c": {"type": "string", "enum": ["red"]}, "n": NULLABLE_TEXT}, ["c"])

    def test_default_is_backward_transitive(self):
        assert DEFAULT_MODE is Mode.BACKWARD_TRANSITIVE

    def test_transitive_compares_with_every_older_version(self):
        history = {1: self.V1, 2: self.V2, 3: self.V3}
        assert check_version("t", history, 3, Mode.BACKWARD) == []
        assert check_version("t", history, 3, Mode.BACKWARD_TRANSITIVE) == [
            (
                "t v3 (BACKWARD_TRANSITIVE): field c no longer allows 'green'; "
                "consumers on v3 cannot read v1 records that use them"
            )
        ]

    def test_full_checks_both_directions(self):
        history = {2: self.V2, 3: self.V3}
        assert check_version("t", history, 3, Mode.BACKWARD) == []
        assert len(check_version("t", history, 3, Mode.FORWARD)) == 1
        assert len(check_version("t", history, 3, Mode.FULL)) == 1
        assert check_version("t", history, 3, Mode.NONE) == []


class NotificationReceivedV2(NotificationReceived):
    """v2 for the test: a new required field, which v1 records do not have."""

    event_version: ClassVar[int] = 2
    priority: int


class NotificationReceivedV2Optional(NotificationReceived):
    """v2 for the test: a new optional field."""

    event_version: ClassVar[int] = 2
    priority: int | None = None


KEY = (NotificationReceived.event_type, 1)


class TestGate:
    def test_the_repository_passes_its_own_gate(self):
        assert gate(code_schemas(), committed_schemas()) == []

    def test_incompatible_new_version_fails_with_the_sentence(self):
        code = {**code_schemas(), (KEY[0], 2): schema_of(NotificationReceivedV2)}
        assert gate(code, committed_schemas()) == [
            (
                "dk.casehub.notification.received v2 (BACKWARD_TRANSITIVE): field priority became "
                "required; consumers on v2 cannot read v1 records without it"
            )
        ]

    def test_compatible_new_version_passes(self):
        code = {**code_schemas(), (KEY[0], 2): schema_of(NotificationReceivedV2Optional)}
        assert gate(code, committed_schemas()) == []

    def test_mode_is_configurable_per_type(self):
        code = {**code_schemas(), (KEY[0], 2): schema_of(NotificationReceivedV2Optional)}
        problems = gate(code, committed_schemas(), modes={KEY[0]: Mode.FULL})
        assert problems == [
            (
                "dk.casehub.notification.received v2 (FULL): field priority was added; consumers "
                "on v1 cannot read v2 records that carry it, as unknown fields are rejected"
            )
        ]

    def test_changing_a_published_version_fails(self):
        committed = committed_schemas()
        changed = copy.deepcopy(committed[KEY])
        changed["properties"]["summary"]["maxLength"] = 100
        assert gate(code_schemas(), {**committed, KEY: changed}) == [
            (
                "dk.casehub.notification.received v1: its schema differs from the published one; "
                "a published version never changes, so change it in a new version"
            )
        ]

    def test_even_a_new_description_is_a_change(self):
        committed = committed_schemas()
        changed = copy.deepcopy(committed[KEY])
        changed["description"] = "Something else."
        assert len(gate(code_schemas(), {**committed, KEY: changed})) == 1

    def test_a_published_version_cannot_disappear(self):
        code = {k: v for k, v in code_schemas().items() if k != KEY}
        assert gate(code, committed_schemas()) == [
            (
                "dk.casehub.notification.received v1: published but gone from the catalogue; "
                "records of it may still be replayed, so keep its contract"
            )
        ]

    def test_versions_count_up_without_gaps(self):
        code = {**code_schemas(), (KEY[0], 3): schema_of(NotificationReceivedV2Optional)}
        assert gate(code, committed_schemas()) == [
            "dk.casehub.notification.received: versions must count up from 1 without gaps"
        ]


@pytest.mark.parametrize("mode", list(Mode))
def test_modes_name_their_directions(mode):
    assert mode.backward == (mode.value.startswith(("BACKWARD", "FULL")))
    assert mode.forward == (mode.value.startswith(("FORWARD", "FULL")))
    assert mode.transitive == mode.value.endswith("TRANSITIVE")


class TestPatternFixes:
    """An id pattern corrected to its published syntax is exempt, and nothing else is."""

    AVID = ("dk.casehub.archive.package-built", 2)

    def test_the_avid_fix_passes_the_gate_without_a_mode_exception(self):
        history = {1: committed_schemas()[self.AVID[0], 1], 2: code_schemas()[self.AVID]}
        assert check_version(self.AVID[0], history, 2, DEFAULT_MODE) == []

    def test_without_the_exemption_the_avid_fix_is_a_break(self):
        history = {1: committed_schemas()[self.AVID[0], 1], 2: code_schemas()[self.AVID]}
        (sentence,) = check_version(self.AVID[0], history, 2, DEFAULT_MODE, fixes={})
        assert "field avid changed pattern" in sentence

    def test_the_exemption_covers_the_named_field_s_pattern_only(self):
        old = record({"avid": {"type": "string", "pattern": "^a$"}, "b": TEXT}, ["avid", "b"])
        new = record(
            {"avid": {"type": "string", "pattern": "^b$"}, "b": {"type": "string", "maxLength": 9}},
            ["avid", "b"],
        )
        fixes = {("t", 2): {"avid": "corrected"}}
        assert check_version("t", {1: old, 2: new}, 2, DEFAULT_MODE, fixes=fixes) == [
            (
                "t v2 (BACKWARD_TRANSITIVE): field b changed maxLength from 200 to 9; "
                "consumers on v2 cannot read v1 records"
            )
        ]
        # ...and only for the version it names: a v3 is held to v2's pattern.
        later = record({"avid": {"type": "string", "pattern": "^c$"}, "b": TEXT}, ["avid", "b"])
        history = {1: old, 2: old, 3: later}
        assert len(check_version("t", history, 3, Mode.BACKWARD, fixes=fixes)) == 1
