"""The read model, the suppression rule, the pseudonyms and the period, without a broker."""

import datetime as dt
from decimal import Decimal

import pytest
from click.testing import CliRunner

from contracts.decision import MeasureKind
from contracts.decision import Period as DecidedPeriod
from contracts.envelope import new_event
from contracts.finance import CommitmentCreated
from contracts.measures import MeasureChange, MeasureChanged
from hub.cli.main import main
from hub.components.outcomes.aggregates import Period, tables
from hub.components.outcomes.cli import parse_period
from hub.components.outcomes.model import OutcomeModel
from hub.components.outcomes.summary import decode, encode
from hub.components.outcomes.table import Column, Table, suppress
from hub.runtime.pseudonym import pseudonymiser
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


def folded(events):
    model = OutcomeModel()
    for event in events:
        model.apply(event)
    return model


def later(case_events, data, minutes):
    first = case_events[0]
    return new_event(data, source="urn:vendor:test", municipality=first.envelope.municipality,
                     case_id=first.envelope.caseid,
                     time=first.envelope.time + dt.timedelta(minutes=minutes))  # fmt: skip


def commitment(n, amount):
    return CommitmentCreated(commitment_id=f"k{n}", measure_id="c-1-m1", account="5.28.21",
                             amount=Decimal(amount),
                             period=DecidedPeriod(start=dt.date(2026, 2, 1)))  # fmt: skip


class TestOrder:
    """The component folds in the order its partitions deliver, the extract's fallback in
    time order: both must give the same summaries."""

    def events(self):
        [cpr] = child_cprs(1, 8)
        events = case_history("101", "c-1", cpr, MeasureKind.FAMILY_TREATMENT, FAMILY_TREATMENT,
                              before=2, after=8, ended=True, sdq=True)  # fmt: skip
        # A second rating of the same measurement (a correction) and a later expected cost.
        corrected = later(events, events[5].data.model_copy(update={"score": 9}), 30)
        changed = later(events, MeasureChanged(
            measure_id="c-1-m1", changed_on=dt.date(2026, 4, 1), change=MeasureChange.EXTENT,
            expected_cost=Decimal("90000.00"), reason="Færre timer"), 31)  # fmt: skip
        return [*events, corrected, changed]

    @pytest.mark.parametrize("order", ["reversed", "odd-then-even", "twice"])
    def test_any_order_folds_to_the_time_order_s_summary(self, order):
        events = self.events()
        arranged = {
            "reversed": events[::-1],
            "odd-then-even": events[1::2] + events[::2],
            "twice": events[::-1] + events,
        }[order]
        assert folded(arranged).cases == folded(events).cases
        [case] = folded(arranged).cases.values()
        assert case.measurements["c-1-w2"].score == 9  # the later rating won
        assert case.measures["c-1-m1"].expected_cost == Decimal("90000.00")

    def test_a_summary_reads_back_as_it_was_stored(self):
        [case] = folded(self.events()).cases.values()
        assert decode(encode(case)) == case

    def test_an_undecided_measure_is_not_counted(self):
        events = self.events()
        model = folded(
            [e for e in events if e.envelope.type != "dk.casehub.decision.measure-decided"]
        )
        [case] = model.cases.values()
        assert case.measures == {}
        measures = next(t for t in tables(model.cases, YEAR, str) if t.name == "measures")
        assert measures.rows == []


class TestCost:
    def test_finance_s_commitments_replace_the_expected_cost(self):
        [cpr] = child_cprs(1, 9)
        events = case_history("101", "c-1", cpr, MeasureKind.FAMILY_TREATMENT, FAMILY_TREATMENT,
                              before=2, after=8, ended=True)  # fmt: skip
        with_finance = [*events, later(events, commitment(1, "50000.00"), 40),
                        later(events, commitment(2, "25000.50"), 41),
                        later(events, commitment(2, "25000.50"), 42)]  # fmt: skip
        rows = {}
        for name, history in (("expected", events), ("committed", with_finance)):
            measures = next(t for t in tables(folded(history).cases, YEAR, str)
                            if t.name == "measures")  # fmt: skip
            [row] = measures.rows
            rows[name] = dict(zip(measures.column_names(), row, strict=True))
        assert (rows["expected"]["committed"], rows["expected"]["mean_cost_dkk"]) == (0, 120000.0)
        # Commitment 2 redelivered counts once: 50 000 + 25 000.50.
        assert (rows["committed"]["committed"], rows["committed"]["mean_cost_dkk"]) == (
            1, 75000.5)  # fmt: skip


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
