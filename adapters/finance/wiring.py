"""The finance component on the bus: a measure's commitment, its postings and its cost estimate.

=================  ==========================================================================
event              what it does
=================  ==========================================================================
MeasureDecided     price from the rate table; the commitment over the measure's period (an
                   open-ended one to ``model.open_end``) posted as a commitment and published
                   as ``CommitmentCreated``; the cost estimates published
MeasureChanged     a new provider with its own rate: the rate changes from the change's day,
                   the difference is posted; any other change costs nothing and is only logged
RateUpdated        the year-end price update's new rate from its day (once per year: the
                   applied years are kept); the difference posted
MeasureEnded       the measure cut at its last day; the reduction posted (negative); an
                   open-ended measure that ran past its estimated end lengthened to it, the
                   months after the estimate posted
PaymentScheduled   (v2, the month-end run's) the month's payment recorded as posted in the
                   measure's ledger (``adapters.finance.ledger``)
PostingBooked      (the finance system's postings back) a booked payment recorded as paid,
                   once by its posting id
=================  ==========================================================================

A change, an end or a rate update for a measure whose decision has not come yet is held in
the ``held`` store (``adapters.finance.held``) and handled right after the decision, in the
order it came: never lost, never posted before the decision.

After each change it publishes two ``CostEstimateUpdated`` (version 2): the measure's and the
case's (``measure_id`` absent), each the remaining cost from the event's day split into this
year and the next years, ``year`` that day's year, ``previous_cost`` the last estimate
published (a retry of the same event publishes the same estimate again, with the same
``previous_cost``: the state remembers which event set the estimate). A posting's key
derives from the event id, so a redelivered event posts nothing twice (the finance system
answers a duplicate), and the state is written only after the posting, so a retry after a
failed posting recomputes the same posting. A refused posting raises
``PostingRejectedError``: the record is quarantined
with the finance system's code and reason, and the delivery policy holds the case's later
records behind it, so nothing after it for the case is posted out of order. A kind without a
rate is permanent too. Logs carry ids only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Any, Final

import structlog

from adapters.finance import held as holding
from adapters.finance import ledger as ledgers
from adapters.finance.model import (
    Billing,
    Per,
    Price,
    Segment,
    change_rate,
    commitment,
    cost_by_year,
    dkk,
    end_on,
    open_end,
)
from adapters.finance.port import FinanceSystem, Posting, PostingKind
from adapters.finance.settings import FinanceSettings, Rate
from contracts.base import Contract
from contracts.decision import MeasureDecided, Period
from contracts.envelope import Event, follow_up_id, new_event
from contracts.finance import (
    CommitmentCreated,
    CostEstimateUpdatedV2,
    PaymentScheduledV2,
    PostingBooked,
    RateUpdated,
)
from contracts.measures import MeasureChanged, MeasureEnded
from hub.clock.localtime import local_date
from hub.runtime.errors import PermanentError
from hub.runtime.seams import Handler, Publish
from hub.runtime.state import Store

__all__ = [
    "CASES",
    "HELD",
    "LEDGER",
    "MEASURES",
    "NAME",
    "STORES",
    "MeasureMoney",
    "MissingRateError",
    "OutsideMeasureError",
    "UnknownMeasureError",
    "build_finance",
]

NAME: Final = "finance"
MEASURES: Final = "measures"  # measure id → its money (segments, billing, account, estimate)
CASES: Final = "cases"  # case id → its measures and its last estimate
LEDGER: Final = "ledger"  # measure id → its payments posted and booked (adapters.finance.ledger)
HELD: Final = "held"  # measure id / event id → a change waiting for its decision
STORES: Final = (MEASURES, CASES, LEDGER, HELD)

log = structlog.get_logger(__name__)


class MissingRateError(PermanentError):
    """The rate table has no rate for the measure's kind (or its provider)."""


class UnknownMeasureError(PermanentError):
    """A change or an end came for a measure whose decision the component has not seen."""


class OutsideMeasureError(PermanentError):
    """A change or an end dated before the measure's first day: no period to cut or re-rate."""


@dataclass(frozen=True, slots=True)
class MeasureMoney:
    """A measure's money as the component keeps it: its case, segments, billing and booking."""

    case: str
    segments: tuple[Segment, ...]
    billing: Billing
    account: str
    cost_centre: str
    estimate_ore: int
    estimated_by: str = ""
    """The event that set ``estimate_ore``: its retry must not see its own estimate as the last."""
    estimate_before_ore: int | None = None
    """The estimate before ``estimated_by``'s, published again as ``previous_cost`` on a retry."""
    kind: str = ""
    """The measure's kind (``MeasureKind``), for the year-end rate table."""
    priced_years: tuple[int, ...] = ()
    """The years whose price update is applied: each is applied once."""
    provider_rate: bool = False
    """Priced from a provider's own rate: the year-end update (a rate per kind) leaves it."""
    open_ended: bool = False
    """Decided without an end: estimated to ``open_end``, lengthened by each year-end update."""

    def dump(self) -> bytes:
        """The stored form: compact JSON, ids and amounts only."""
        segments = [
            (
                s.start.isoformat(),
                s.end.isoformat(),
                s.price.rate_ore,
                s.price.per.value,
                s.price.unit,
                s.price.hours_per_month,
            )
            for s in self.segments
        ]
        body = {
            "case": self.case,
            "segments": segments,
            "billing": self.billing.value,
            "account": self.account,
            "cost_centre": self.cost_centre,
            "estimate_ore": self.estimate_ore,
            "estimated_by": self.estimated_by,
            "estimate_before_ore": self.estimate_before_ore,
            "kind": self.kind,
            "priced_years": list(self.priced_years),
            "provider_rate": self.provider_rate,
            "open_ended": self.open_ended,
        }
        return json.dumps(body, separators=(",", ":")).encode()

    @classmethod
    def load(cls, raw: bytes) -> MeasureMoney:
        """Read the stored form."""
        body: dict[str, Any] = json.loads(raw)
        segments = tuple(
            Segment(
                dt.date.fromisoformat(start),
                dt.date.fromisoformat(end),
                Price(rate, Per(per), unit, hours),
            )
            for start, end, rate, per, unit, hours in body["segments"]
        )
        return cls(
            body["case"],
            segments,
            Billing(body["billing"]),
            body["account"],
            body["cost_centre"],
            body["estimate_ore"],
            body.get("estimated_by", ""),  # state written before these fields: no retry to mind
            body.get("estimate_before_ore"),
            body.get("kind", ""),
            tuple(body.get("priced_years", ())),
            body.get("provider_rate", False),
            body.get("open_ended", False),
        )


def _before(stored: MeasureMoney | None, event_id: str) -> int | None:
    """The estimate to publish as ``previous_cost`` for ``event_id``'s estimate.

    State is written before the estimates are published, so a retry of the same event finds
    its own estimate stored; it publishes the one before that again, the same record as the
    first attempt's (same id, same content).
    """
    if stored is None:
        return None
    if stored.estimated_by == event_id:
        return stored.estimate_before_ore
    return stored.estimate_ore


def _derived(cause: Event[Contract], data: Contract, part: str, source: str) -> Event[Contract]:
    """A follow-up whose id also names ``part``: one cause makes two cost estimates."""
    return new_event(
        data,
        source=source,
        municipality=cause.envelope.municipality,
        case_id=cause.envelope.caseid,
        event_id=follow_up_id(f"{cause.envelope.id}/{part}", data.event_type),
        correlation_id=cause.envelope.correlationid,
        causation_id=cause.envelope.id,
    )


def build_finance(  # noqa: C901, PLR0913, PLR0915 - one handler, read top to bottom
    settings: FinanceSettings,
    publish: Publish,
    *,
    source: str,
    measures: Store,
    cases: Store,
    system: FinanceSystem | None = None,
    ledger: Store | None = None,
    held: Store | None = None,
) -> Handler:
    """The handler; ``system`` absent: nothing is posted, everything else is the same.

    ``ledger`` absent: payments posted and booked are not recorded; ``held`` absent: a
    change before its decision is quarantined (``UnknownMeasureError``) instead of held.
    """

    def follow(cause: Event[Contract], data: Contract, part: str) -> Event[Contract]:
        return _derived(cause, data, part, source)

    async def post(
        cause: Event[Contract], measure_id: str, money: MeasureMoney, amount: int, period: dt.date
    ) -> None:
        if system is None or amount == 0:
            return
        kind = PostingKind.COMMITMENT if amount > 0 else PostingKind.REDUCTION
        posting = Posting(
            key=follow_up_id(cause.envelope.id, "dk.casehub.finance.posting"),
            municipality=cause.envelope.municipality,
            kind=kind,
            account=money.account,
            cost_centre=money.cost_centre,
            period=f"{period.year:04d}-{period.month:02d}",
            amount_ore=amount,
            reference=measure_id,
            posting_date=local_date(cause.envelope.time),
            case_reference=money.case,
        )
        receipt = await system.post(posting)
        log.info(
            "finance_posted",
            event_id=cause.envelope.id,
            measure_id=measure_id,
            posting_id=receipt.posting_id,
            kind=kind.value,
            duplicate=receipt.duplicate,
        )

    async def estimate(cause: Event[Contract], measure_id: str, money: MeasureMoney) -> None:
        today = local_date(cause.envelope.time)
        cost = cost_by_year(money.segments, today)
        previous = measures.get(measure_id)
        before = _before(
            None if previous is None else MeasureMoney.load(previous), cause.envelope.id
        )
        now = replace(
            money,
            estimate_ore=cost.remaining,
            estimated_by=cause.envelope.id,
            estimate_before_ore=before,
        )
        measures.put(measure_id, now.dump())
        case_raw = cases.get(money.case)
        case: dict[str, Any] = (
            {"measures": [], "estimate_ore": None} if case_raw is None else json.loads(case_raw)
        )
        if measure_id not in case["measures"]:
            case["measures"].append(measure_id)
        this_year = next_years = 0
        for other in case["measures"]:
            raw = measures.get(other)
            if raw is not None:
                split = cost_by_year(MeasureMoney.load(raw).segments, today)
                this_year += split.this_year
                next_years += split.next_years
        case_before: int | None = (
            case.get("estimate_before_ore")
            if case.get("estimated_by") == cause.envelope.id
            else case["estimate_ore"]
        )
        case["estimate_ore"] = this_year + next_years
        case["estimated_by"] = cause.envelope.id
        case["estimate_before_ore"] = case_before
        cases.put(money.case, json.dumps(case, separators=(",", ":")).encode())
        for part, mid, (year_ore, later_ore), prior in (
            (measure_id, measure_id, (cost.this_year, cost.next_years), before),
            ("case", None, (this_year, next_years), case_before),
        ):
            updated = CostEstimateUpdatedV2(
                estimated_at=cause.envelope.time,
                measure_id=mid,
                expected_cost=dkk(year_ore + later_ore),
                previous_cost=None if prior is None else dkk(prior),
                year=today.year,
                this_year=dkk(year_ore),
                next_years=dkk(later_ore),
                remaining=dkk(year_ore + later_ore),
            )
            await publish(follow(cause, updated, part))

    def rate_for(provider_id: str | None, fallback: Rate | None) -> Rate | None:
        if provider_id is not None and provider_id in settings.provider_rates:
            return settings.provider_rates[provider_id]
        return fallback

    def known(measure_id: str) -> MeasureMoney:
        raw = measures.get(measure_id)
        if raw is None:
            msg = "a change or an end for a measure whose decision finance has not seen"
            raise UnknownMeasureError(msg)
        return MeasureMoney.load(raw)

    async def decided(event: Event[Contract], data: MeasureDecided) -> None:
        provider = None if data.provider is None else data.provider.provider_id
        rate = rate_for(provider, settings.rates.get(data.kind))
        if rate is None:
            msg = "no rate for the measure's kind or provider in the finance settings"
            raise MissingRateError(msg)
        end = data.period.end or open_end(data.period.start)
        segments = (Segment(data.period.start, end, rate.price()),)
        money = MeasureMoney(
            event.envelope.caseid,
            segments,
            rate.billing,
            rate.account,
            rate.cost_centre,
            0,
            kind=data.kind.value,
            provider_rate=provider is not None and provider in settings.provider_rates,
            open_ended=data.period.end is None,
        )
        amount = commitment(segments)
        await post(event, data.measure_id, money, amount, data.period.start)
        created = CommitmentCreated(
            commitment_id=follow_up_id(data.measure_id, "commitment"),
            measure_id=data.measure_id,
            account=rate.account,
            amount=dkk(amount),
            period=Period(start=data.period.start, end=end),
        )
        await publish(follow(event, created, "commitment"))
        await estimate(event, data.measure_id, money)
        if held is not None:
            # Each held change after the decision, in the order it came, each forgotten once
            # handled: a failure part-way retries the decision (its posting a duplicate, its
            # estimates the same records) and handles what is still held.
            for waiting in holding.held(held, data.measure_id):
                try:
                    await handle(waiting)
                except PermanentError as exc:
                    # Not the decision's fault (an end before the measure's first day, a
                    # posting refused): the decision stands and the event stays held, logged
                    # by its class, for an operator (docs/finance.md).
                    log.warning(
                        "finance_held_refused",
                        event_id=waiting.envelope.id,
                        error=type(exc).__name__,
                    )
                    continue
                holding.release(held, data.measure_id, waiting)
                log.info("finance_released", event_id=waiting.envelope.id)

    async def changed(event: Event[Contract], data: MeasureChanged | MeasureEnded) -> None:
        money = known(data.measure_id)
        before = commitment(money.segments)
        open_ended, provider_rate = money.open_ended, money.provider_rate
        if isinstance(data, MeasureEnded):
            on = data.ended_on
            segments = end_on(money.segments, data.ended_on)
            open_ended = False  # its end is known now
        else:
            on = data.changed_on
            provider = None if data.provider is None else data.provider.provider_id
            rate = rate_for(provider, None)
            if rate is None:
                log.info("finance_change_costs_nothing", event_id=event.envelope.id)
                return
            segments = change_rate(money.segments, data.changed_on, rate.price())
            provider_rate = True
        first_day = min(segment.start for segment in money.segments)
        if on < first_day:
            # An end before the start would leave no period (a later change would then fail on
            # nothing to re-rate); a change before it would silently move the start.
            kind = type(data).__name__
            msg = f"measure {data.measure_id}: {kind} on {on} is before its first day {first_day}"
            raise OutsideMeasureError(msg)
        after = replace(
            money, segments=segments, open_ended=open_ended, provider_rate=provider_rate
        )
        await post(event, data.measure_id, after, commitment(segments) - before, on)
        await estimate(event, data.measure_id, after)

    async def rerated(event: Event[Contract], data: RateUpdated) -> None:
        money = known(data.measure_id)
        if data.year in money.priced_years:
            if money.estimated_by == event.envelope.id:
                await estimate(event, data.measure_id, money)  # a retry: the same estimates
            else:
                log.info("finance_rate_already_updated", event_id=event.envelope.id, year=data.year)
            return
        on = max(data.effective_from, min(segment.start for segment in money.segments))
        current = money.segments
        if money.open_ended:
            # Still running, with no end known: estimated to the end of the new year now.
            current = end_on(current, max(*(s.end for s in current), dt.date(data.year, 12, 31)))
        if on > max(segment.end for segment in current):
            log.info("finance_rate_update_after_the_end", event_id=event.envelope.id)
            return
        price = Price(
            int(data.rate.scaleb(2)),
            Per(data.per.value),
            money.segments[-1].price.unit,
            data.hours_per_month,
        )
        segments = change_rate(current, on, price)
        after = replace(money, segments=segments, priced_years=(*money.priced_years, data.year))
        await post(
            event, data.measure_id, after, commitment(segments) - commitment(money.segments), on
        )
        await estimate(event, data.measure_id, after)

    async def handle(event: Event[Contract]) -> None:
        data = event.data
        if isinstance(data, MeasureDecided):
            await decided(event, data)
        elif isinstance(data, MeasureChanged | MeasureEnded | RateUpdated):
            if held is not None and measures.get(data.measure_id) is None:
                holding.hold(held, data.measure_id, event)
                log.info("finance_held", event_id=event.envelope.id, waits_for="decision")
            elif isinstance(data, RateUpdated):
                await rerated(event, data)
            else:
                await changed(event, data)
        elif isinstance(data, PaymentScheduledV2) and ledger is not None:
            ledgers.schedule(ledger, data)
        elif isinstance(data, PostingBooked) and ledger is not None:
            ledgers.book(ledger, data)

    return handle
