import io
import json
import logging

import pytest
import structlog
from pydantic import ValidationError

from contracts.intake import NotificationReceived
from hub.runtime.logs import StormFilter, configure_logging, mask_cpr_text
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


class TestMaskLeavesIds:
    """The mask hides a CPR number standing alone and never damages a UUID or another id."""

    @pytest.mark.parametrize(
        "text",
        [
            f"cpr={CHILD}",
            f"x {HYPHENATED}.",
            f'"{CHILD}"',
            f"N-{CHILD}",
            f"{HYPHENATED}-",
        ],
    )
    def test_a_number_standing_alone_is_masked(self, text):
        masked = mask_cpr_text(text)
        assert CHILD not in masked
        assert HYPHENATED not in masked
        assert "******-****" in masked

    @pytest.mark.parametrize(
        "text",
        [
            # A CPR-shaped run inside each: the old mask made these "...-d******-****d".
            f"ad{CHILD[:6]}-{CHILD[6:]}-4abc-8def-0123456789ab",
            f"3c9c1f43-0f0e-4f0a-8c54-d{CHILD}d",
            f"0{CHILD}0",
            f"sha256:ab{CHILD}cd",
        ],
    )
    def test_a_run_inside_a_longer_hex_id_is_left_whole(self, text):
        assert mask_cpr_text(text) == text

    def test_ten_thousand_random_uuids_survive(self):
        import random
        import uuid

        rng = random.Random(11)
        ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(10_000)]
        # and UUIDs built to hold a plausible CPR run across their first hyphen
        ids += [
            f"a{rng.randrange(10)}{CHILD[:6]}-{CHILD[6:]}-4000-8000-{rng.getrandbits(48):012x}"
            for _ in range(100)
        ]
        text = " ".join(ids)
        assert mask_cpr_text(text) == text


class TestStormFilter:
    def test_a_storm_is_one_line_per_kind_then_a_count(self, output):
        now = [0.0]
        storm = StormFilter(quiet_s=30.0, clock=lambda: now[0])
        handler = logging.getLogger().handlers[0]
        handler.filters[:] = [storm]  # this filter alone, on a clock the test moves
        conn = logging.getLogger("aiokafka.conn")
        client = logging.getLogger("aiokafka")
        for attempt in range(1000):
            conn.error("Unable connect to %r: %r", f"127.0.0.1:{attempt}", "refused")
            client.error("Unable to request metadata from node with id %s", attempt)
            now[0] += 0.1
        now[0] += 60.0  # quiet: the broker is back; a later failure is a state change
        conn.error("Unable connect to %r: %r", "127.0.0.1:1", "refused")
        logging.getLogger("hub").warning("not aiokafka: %s", "always passes")
        logging.getLogger("hub").warning("not aiokafka: %s", "always passes")
        events = [line["event"] for line in lines(output)]
        assert len(events) == 5
        assert events[-3].endswith("(1998 repeated lines held back before)")
        assert storm.suppressed == 1998
