import io
import json
import logging

import pytest
import structlog
from pydantic import ValidationError

from contracts.intake import NotificationReceived
from hub.runtime.logs import configure_logging, mask_cpr_text
from tests.factories import notification
from tests.people import CHILD, MOTHER

HYPHENATED = CHILD[:6] + "-" + CHILD[6:]


@pytest.fixture
def output(monkeypatch):
    # These tests log CPR numbers on purpose, to prove the mask: not into the run's
    # unmasked log copy, which the end-of-run scan reads.
    monkeypatch.delenv("CASEHUB_LOG_COPY", raising=False)
    stream = io.StringIO()
    configure_logging("DEBUG", "json", stream=stream)
    yield stream
    configure_logging("INFO", "json")


def lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def assert_no_cpr(stream):
    text = stream.getvalue()
    for number in (CHILD, MOTHER, HYPHENATED):
        assert number not in text
    assert text  # something was logged, so the check above means something


class TestMasking:
    def test_structlog_call_with_a_cpr_number(self, output):
        structlog.get_logger("test").info(
            "lookup", cpr=CHILD, note=f"for {HYPHENATED}", nested={"m": [MOTHER]}
        )
        assert_no_cpr(output)
        assert lines(output)[0]["cpr"] == "******-****"

    def test_stdlib_library_log_with_a_cpr_number(self, output):
        logging.getLogger("somelibrary").warning("request for %s failed", CHILD)
        assert_no_cpr(output)

    def test_exception_message_and_frame_locals(self, output):
        def lookup(secret_cpr):
            raise KeyError(f"no person {secret_cpr}")

        try:
            lookup(CHILD)
        except KeyError:
            structlog.get_logger("test").exception("lookup_failed")
        assert_no_cpr(output)
        (line,) = lines(output)
        frames = line["exception"][0]["frames"]
        assert frames, "the traceback is rendered"
        assert all("locals" not in frame for frame in frames)

    def test_validation_error_logged_with_its_text(self, output):
        with pytest.raises(ValidationError) as caught:
            NotificationReceived.model_validate(
                {**notification().model_dump(mode="json"), "reasons": []}
            )
        structlog.get_logger("test").error(
            "invalid", error=str(caught.value), errors=caught.value.errors()
        )
        assert_no_cpr(output)

    def test_the_mask_leaves_timestamps_and_other_numbers(self):
        assert (
            mask_cpr_text("2026-11-25T13:29:26 offset 12345678901")
            == "2026-11-25T13:29:26 offset 12345678901"
        )
        assert mask_cpr_text(f"x{CHILD}y") == "x******-****y"


class TestNeverInRepr:
    def test_contract_repr_and_str_leave_out_personal_fields(self):
        event = notification(summary="the child said something sensitive")
        for shown in (repr(event), str(event)):
            assert CHILD not in shown
            assert "sensitive" not in shown
            assert "notification_id" in shown
