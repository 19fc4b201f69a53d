"""Quarantine entries as the CLI reads them: a record the hub did not write is passed over."""

from types import SimpleNamespace

from hub.cli.quarantine_ops import _entry

SOURCE = "casehub.101.intake.v1"


def record(**headers):
    return SimpleNamespace(
        topic=SOURCE + ".quarantine",
        partition=0,
        offset=7,
        key=b"C-1",
        value=b"{}",
        headers=[(name, value.encode()) for name, value in headers.items()],
    )


HUB_WROTE = {
    "quarantine_topic": SOURCE,
    "quarantine_partition": "2",
    "quarantine_offset": "41",
    "quarantine_time": "2026-12-02T10:00:00+00:00",
}


def test_the_hubs_own_record_is_shown_with_its_source():
    entry = _entry(record(**HUB_WROTE))
    assert entry.written_by_the_hub
    assert entry.source_ref == f"{SOURCE}:2:41"


def test_a_record_without_the_hubs_headers_or_naming_another_topic_is_not_the_hubs():
    assert not _entry(record()).written_by_the_hub  # no headers at all
    elsewhere = {**HUB_WROTE, "quarantine_topic": "casehub.147.intake.v1"}
    assert not _entry(record(**elsewhere)).written_by_the_hub  # a replay would go to 147
    arabic = {**HUB_WROTE, "quarantine_offset": "٤١"}
    assert not _entry(record(**arabic)).written_by_the_hub


def test_an_unreadable_time_is_no_time_not_an_error():
    entry = _entry(record(**{**HUB_WROTE, "quarantine_time": "yesterday"}))
    assert entry.time is None
