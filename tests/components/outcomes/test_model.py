"""The read model, the suppression rule, the pseudonyms and the period, without a broker."""

import datetime as dt

import pytest
from click.testing import CliRunner

from contracts.decision import MeasureKind
from hub.cli.main import main
from hub.components.outcomes.aggregates import Period, tables
from hub.components.outcomes.cli import parse_period
from hub.components.outcomes.model import OutcomeModel
from hub.components.outcomes.pseudonym import pseudonymiser
from hub.components.outcomes.table import Column, Table, suppress
from tests.components.outcomes.history import FAMILY_TREATMENT, case_history, child_cprs

YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def counted(*counts):
    columns = (Column("kind", "string", "k", key=True), Column("children", "integer", "n"),
               Column("mean", "number", "m"))  # fmt: skip
    return Table("t", "t", columns, [("x", n, 1.5) for n in counts], "children")


class TestSuppression:
    def test_below_the_threshold_blanks_all_but_the_keys(self):
        table = suppress(counted(4, 5, 0))
        assert table.rows == [("x", None, None, True), ("x", 5, 1.5, False), ("x", 0, 1.5, False)]
        assert table.column_names()[-1] == "suppressed"

    def test_the_threshold_can_be_raised(self):
        assert suppress(counted(5), threshold=10).rows == [("x", None, None, True)]

    def test_microdata_is_not_aggregated_and_left_alone(self):
        table = Table("m", "m", (Column("child", "string", "c"),), [("abc",)])
        assert suppress(table) is table


class TestPseudonyms:
    def test_same_child_same_key_same_pseudonym_other_key_other(self):
        one, other = pseudonymiser(b"a" * 32), pseudonymiser(b"b" * 32)
        assert one("6103141234") == one("6103141234") != other("6103141234")
        assert one("6103141234").isalpha()

    def test_a_short_key_is_refused(self):
        with pytest.raises(ValueError, match="32 bytes"):
            pseudonymiser(b"short")


class TestModel:
    def test_a_start_read_before_its_decision_is_applied_when_it_comes(self):
        [cpr] = child_cprs(1, 5)
        events = case_history("101", "c-1", cpr, MeasureKind.FAMILY_TREATMENT,
                              FAMILY_TREATMENT, before=2, after=8, ended=True)  # fmt: skip
        decided, started, ended = events[1], events[2], events[-1]
        model = OutcomeModel()
        for event in [ended, started, *events[3:-1], events[0], decided]:
            model.apply(event)
        measure = model.cases["101", "c-1"].measures["c-1-m1"]
        assert (measure.started_on, measure.ended_on) == (dt.date(2026, 2, 1), dt.date(2026, 6, 30))

    def test_a_redelivered_measurement_counts_once(self):
        [cpr] = child_cprs(1, 6)
        events = case_history("101", "c-1", cpr, MeasureKind.FAMILY_TREATMENT,
                              FAMILY_TREATMENT, before=2, after=8, ended=False)  # fmt: skip
        model = OutcomeModel()
        for event in [*events, *events]:
            model.apply(event)
        progression = next(t for t in tables(model.cases, YEAR, str) if t.name == "progression")
        assert progression.rows == [("trivselslinealen", "family_treatment", "before", "after",
                                     1, 2.0, 8.0, 6.0)]  # fmt: skip

    def test_a_measure_outside_the_period_is_not_counted(self):
        [cpr] = child_cprs(1, 7)
        events = case_history("101", "c-1", cpr, MeasureKind.FAMILY_TREATMENT,
                              FAMILY_TREATMENT, before=2, after=8, ended=True)  # fmt: skip
        model = OutcomeModel()
        for event in events:
            model.apply(event)
        later = Period(dt.date(2026, 7, 1), dt.date(2026, 12, 31))
        measures = next(t for t in tables(model.cases, later, str) if t.name == "measures")
        assert measures.rows == []


class TestPeriod:
    def test_a_year_or_two_dates(self):
        assert parse_period("2026") == YEAR
        assert parse_period("2026-03-01..2026-03-31").end == dt.date(2026, 3, 31)

    @pytest.mark.parametrize("text", ["2026-03", "2026-03-31..2026-03-01"])
    def test_anything_else_is_refused(self, text):
        with pytest.raises(ValueError, match="period"):
            parse_period(text)


class TestCommand:
    def test_a_short_key_is_refused_before_anything_is_audited_or_read(self, tmp_path):
        key = tmp_path / "short.key"
        key.write_bytes(b"secret-but-short")
        result = CliRunner().invoke(main, [
            "outcomes", "extract", "--bootstrap", "127.0.0.1:9", "--municipality", "101",
            "--period", "2026", "--out", str(tmp_path / "out"), "--recipient", "dst",
            "--key-file", str(key), "--operator", "analyst1", "--why", "test",
        ])  # fmt: skip
        assert result.exit_code == 1
        assert "at least 32 bytes" in result.output
        assert "secret-but-short" not in result.output
        assert not (tmp_path / "out").exists()
