"""The pytest plugin, used as a vendor would: a test suite in a project of its own."""

import subprocess
import sys
import textwrap

VENDOR_SUITE = """
import json

import pytest
from hypothesis import given, settings

from contracts.binding import InvalidRecordError, to_kafka


def test_a_golden_event_is_fixed_and_valid(casehub_golden_event, casehub_validate):
    event = casehub_golden_event("dk.casehub.outcome.wellbeing-rated")
    assert event is casehub_golden_event("dk.casehub.outcome.wellbeing-rated", 1)
    record = to_kafka(event)
    assert casehub_validate(record.headers, record.value) == event


def test_drawn_events_keep_the_instrument_s_range(casehub_events):
    @settings(max_examples=10, database=None, deadline=None)
    @given(casehub_events("dk.casehub.outcome.sdq-scored"))
    def each(event):
        assert len(event.data.items) == 25
        assert 0 <= event.data.standard_scores().total_difficulties <= 40

    each()


def test_the_hub_refuses_what_the_vendor_got_wrong(casehub_golden_event, casehub_validate):
    record = to_kafka(casehub_golden_event("dk.casehub.outcome.wellbeing-rated"))
    data = json.loads(record.value)
    data["score"] = 11
    with pytest.raises(InvalidRecordError, match="score"):
        casehub_validate(record.headers, json.dumps(data).encode())


def test_the_stand_ins_answer_on_loopback(casehub_standins):
    import httpx

    assert "cpr" in casehub_standins
    assert casehub_standins.environment()
    answer = httpx.get(casehub_standins["cpr"].url, timeout=10)
    assert answer.status_code >= 100  # an HTTP answer: with nothing listening, get() raises


def test_the_broker_is_the_one_given(casehub_bootstrap, casehub_kafka):
    assert casehub_bootstrap == "127.0.0.1:1"
    assert casehub_kafka.bootstrap_servers == "127.0.0.1:1"
    assert casehub_kafka.security.protocol == "PLAINTEXT"  # CASEHUB_KAFKA_SECURITY unset
"""


def test_a_vendor_suite_outside_the_package_uses_the_plugin(tmp_path):
    (tmp_path / "test_vendor.py").write_text(textwrap.dedent(VENDOR_SUITE))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # the vendor's own rootdir and config
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--casehub-bootstrap", "127.0.0.1:1", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout
