"""The delivery format: every documented example validates, and broken reports are refused."""

import copy
import json
import re
from pathlib import Path

import pytest

from adapters.statistics.format import (
    FormatError,
    NotificationRecord,
    PlacementRecord,
    validate_report,
)
from adapters.statistics.versions import VERSIONS
from contracts.cpr import Cpr

DOC = Path(__file__).resolve().parents[3] / "docs" / "statistics-format.md"
EXAMPLES = dict(
    re.findall(r"<!-- example: ([a-z0-9-]+) -->\n```json\n(.*?)\n```", DOC.read_text(), re.DOTALL)
)


def example(name):
    return json.loads(EXAMPLES[name])


def test_the_document_has_an_example_per_record_kind_and_form():
    assert {
        "notification",
        "notification-unborn",
        "form-1",
        "form-2",
        "form-3",
        "form-3-aftercare",
        "transfer",
        "supporting-measures",
        "correction",
    } <= set(EXAMPLES)
    assert len(EXAMPLES) == DOC.read_text().count("```json")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_documented_example_validates(name):
    report = validate_report(EXAMPLES[name].encode(), VERSIONS)
    assert report.report_id == example(name)["report_id"]


def test_a_validated_report_serialises_back_to_a_valid_report():
    report = validate_report(example("form-1"))
    again = validate_report(report.model_dump_json().encode())
    assert again == report


def test_an_unborn_child_is_registered_on_the_mother():
    record = validate_report(example("notification-unborn")).record
    assert isinstance(record, NotificationRecord)
    assert record.child.registered_on_mother is True


def rejects(payload, code, where=None, versions=VERSIONS):
    with pytest.raises(FormatError) as caught:
        validate_report(payload, versions)
    assert caught.value.code == code
    if where is not None:
        assert where in [p.location for p in caught.value.problems]
    return caught.value


def test_an_event_code_not_allowed_on_the_form_is_refused():
    payload = example("form-1")
    payload["record"]["event_code"] = 5
    rejects(payload, "INVALID", "record.placement")


def test_aftercare_code_6_only_on_form_3():
    payload = example("form-2")
    payload["record"]["event_code"] = 6
    rejects(payload, "INVALID")


def test_only_a_committee_event_or_an_aftercare_decision_may_lack_a_measure():
    payload = example("form-2")
    payload["record"]["measure_ref"] = None
    rejects(payload, "INVALID")
    record = validate_report(example("form-3-aftercare")).record
    assert isinstance(record, PlacementRecord)
    assert record.measure_ref is None
    payload = example("form-3-aftercare")
    payload["record"]["event_code"] = 5
    rejects(payload, "INVALID")


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_takes_a_transfer_and_refuses_one_without_the_child(version):
    payload = example("transfer")
    payload["format_version"] = version
    assert validate_report(payload).record.kind == "transfer"
    del payload["record"]["child"]
    rejects(payload, "CHILD_MISSING", "record.transfer.child")


def test_the_2026_07_notification_needs_acute():
    payload = example("notification")
    del payload["record"]["acute"]
    rejects(payload, "INVALID", "record.notification.acute")


def test_acute_is_unknown_to_the_older_version():
    payload = example("notification")
    payload["format_version"] = "2026-01"
    rejects(payload, "INVALID", "record.notification.acute")


def test_an_unknown_version_is_refused():
    payload = example("form-1")
    payload["format_version"] = "2030-01"
    rejects(payload, "UNKNOWN_VERSION")


def test_a_version_not_live_is_refused():
    rejects(example("form-1"), "VERSION_NOT_LIVE", versions=("2026-01",))


def test_numbers_and_flags_are_not_coerced():
    payload = example("form-1")
    payload["record"]["form"] = "1"
    rejects(payload, "INVALID")


def test_a_report_cannot_correct_itself():
    payload = example("correction")
    payload["corrects"] = payload["report_id"]
    rejects(payload, "INVALID")


def test_not_json_is_refused():
    rejects(b"{nope", "NOT_JSON")
    rejects(b"[]", "NOT_JSON")


def test_errors_never_quote_the_cpr_number():
    payload = copy.deepcopy(example("notification"))
    payload["record"]["child"]["cpr"] = "7403164123X"
    error = rejects(payload, "CPR_INVALID", "record.notification.child.cpr")
    assert "7403164123" not in str(error)
    assert "7403164123" not in repr(validate_report(example("notification")))


PLACEMENTS = ["form-1", "form-2", "form-2-committee", "form-3", "form-3-aftercare", "correction"]


@pytest.mark.parametrize("name", PLACEMENTS)
def test_every_placement_example_names_the_child(name):
    record = validate_report(example(name)).record
    assert record.kind == "placement"
    assert record.child.cpr == example(name)["record"]["child"]["cpr"]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_refuses_a_placement_that_names_only_the_case(version):
    payload = example("form-2")
    payload["format_version"] = version
    del payload["record"]["child"]
    error = rejects(payload, "CHILD_MISSING", "record.placement.child")
    assert [p.message for p in error.problems] == ["missing"]


def test_a_placement_child_without_its_number_is_missing():
    payload = example("form-1")
    payload["record"]["child"] = {}
    rejects(payload, "CHILD_MISSING", "record.placement.child.cpr")


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("7413164123", "cpr_date"),  # month 13
        ("741316412", "string_pattern_mismatch"),  # nine digits
        ("740316-4123", "string_pattern_mismatch"),  # the wire carries no hyphen
    ],
)
def test_a_placement_child_that_is_not_a_cpr_number_is_refused(number, problem):
    payload = example("form-1")
    payload["record"]["child"]["cpr"] = number
    error = rejects(payload, "CPR_INVALID", "record.placement.child.cpr")
    assert [p.message for p in error.problems] == [problem]
    assert number not in str(error)
    assert number not in repr(error.problems)


def test_a_failed_mod_11_check_is_no_reason_to_refuse():
    number = "7403164124"
    assert not Cpr(number).modulus11_ok
    payload = example("form-1")
    payload["record"]["child"]["cpr"] = number
    record = validate_report(payload).record
    assert isinstance(record, PlacementRecord)
    assert record.child.cpr == number


def test_a_placement_is_never_registered_on_the_mother():
    payload = example("form-1")
    payload["record"]["child"]["registered_on_mother"] = True
    rejects(payload, "INVALID", "record.placement.child.registered_on_mother")


def test_the_placed_child_does_not_show_in_repr():
    report = validate_report(example("form-1"))
    assert "7403164123" not in repr(report)
    assert "7403164123" not in repr(report.record)
    assert isinstance(report.record, PlacementRecord)
    assert "7403164123" not in repr(report.record.child)
