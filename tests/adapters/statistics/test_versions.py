"""Half-year format versions: chosen by the report's date in Copenhagen, two live at a change."""

import datetime as dt

import pytest

from adapters.statistics.versions import OVERLAP, UnknownVersionError, accepted_on, version_for
from hub.clock import COPENHAGEN


def local(*args):
    return dt.datetime(*args).replace(tzinfo=COPENHAGEN)  # noqa: DTZ001 - zone set here


@pytest.mark.parametrize(
    ("moment", "version"),
    [
        (local(2026, 6, 30, 23, 59, 59), "2026-01"),
        (local(2026, 7, 1, 0, 0), "2026-07"),
        (local(2025, 12, 31, 23, 59, 59), "2025-07"),
        (local(2026, 1, 1, 0, 0), "2026-01"),
        (local(2027, 3, 1), "2026-07"),  # the newest known version stays in force
    ],
)
def test_the_sender_picks_the_version_in_force_on_the_reports_date(moment, version):
    assert version_for(moment) == version


def test_the_boundary_is_midnight_in_copenhagen_not_utc():
    # 22:30 UTC on 30 June is 00:30 on 1 July in Copenhagen (CEST, +02:00)
    assert version_for(dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC)) == "2026-07"
    assert version_for(dt.datetime(2026, 6, 30, 21, 59, tzinfo=dt.UTC)) == "2026-01"
    # 23:30 UTC on 31 December is 00:30 on 1 January (CET, +01:00)
    assert version_for(dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)) == "2026-01"
    assert version_for(dt.datetime(2025, 12, 31, 22, 59, tzinfo=dt.UTC)) == "2025-07"


def test_the_receiver_takes_both_versions_during_the_overlap_only():
    assert accepted_on(local(2026, 6, 30, 23, 59)) == ("2026-01",)
    assert accepted_on(local(2026, 7, 1)) == ("2026-01", "2026-07")
    last = dt.datetime.combine(dt.date(2026, 7, 1) + OVERLAP, dt.time(), tzinfo=COPENHAGEN)
    assert accepted_on(last - dt.timedelta(minutes=1)) == ("2026-01", "2026-07")
    assert accepted_on(last) == ("2026-07",)
    assert accepted_on(local(2026, 1, 1, 0, 0)) == ("2025-07", "2026-01")


def test_before_the_first_version_there_is_none():
    with pytest.raises(UnknownVersionError):
        version_for(local(2025, 6, 30, 23, 59))


def test_a_naive_time_names_no_date():
    with pytest.raises(ValueError, match="offset"):
        version_for(dt.datetime(2026, 7, 1))  # noqa: DTZ001 - the point of the test
