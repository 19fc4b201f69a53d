"""The rules table as Markdown: the source of ``docs/deadlines.md``."""

from __future__ import annotations

from hub.clock.model import Rule, Span, Unit
from hub.clock.rules import RULES

__all__ = ["render_markdown"]

_INTRO = """\
# The legal clock: deadline rules

Generated from `hub/clock/rules.py` by `casehub deadlines rules`; a test keeps this
file equal to the table. Event types and the data fields the rules read are listed in
`hub/clock/events.py`; the exact clock semantics in `hub/clock/schedule.py`.

- Times are Europe/Copenhagen. A day-counted deadline ends at 23:59:59.999999 local on its
  last day; an hour-counted one after exactly that many real hours (so 24 hours across
  a DST change is 25 or 23 hours on the wall clock).
- Working days are Monday to Friday except Danish public holidays (Store Bededag until
  2023); 5 June, 24 and 31 December are working days unless the calendar policy says not.
- A clock starts on the confirmed event: the appeal period on the letter's delivery
  receipt, never on the decision.
- Duties before a decision start on the proposal (`decision.measure-proposed`) and are due
  when the decision is planned; the decision on the proposed measure, if it comes first,
  misses them at once.
- Age conditions and the aftercare date read the child's birth date, which the engine
  takes from the `child_cpr` of the case's `case.opened` or `notification.received`.
- One tracker per deadline emits exactly one *met*, *missed* or *withdrawn*
  (`hub/clock/state.py`); the durable engine is described in `docs/deadline-engine.md`.
- A fulfilment meets a deadline when its type is listed, its data passes the rule's
  *met if* condition and, where the rule links them, it names the trigger's record (a
  fulfilment that names none is matched by case). The deadline contracts carry the rule
  id with dots as hyphens (`notification-acute-assessment`).
- Whether a fulfilment counts depends on when it happened, never on when the engine read
  it: topics have no order between them, so a fulfilment may be read before its trigger
  (a statistics report before the measure's start). The engine keeps every fulfilment
  for a year (`docs/deadline-engine.md`) and, when a trigger later sets a deadline it
  answers, publishes *set* and then *met* with the fulfilment's own time (*missed* if
  that was after the due time). One that happened on or after the day the clock started
  always counts; one from before that day as the column *before the start* says:
  - *counts*: whenever it happened. The case's aftercare decision answers the duty for
    the child, whichever placement's start set the deadline.
  - *counts if named*: when it names the trigger's record, which starts one clock only
    (one notification, investigation, decided measure, decision): an assessment stamped
    before the receipt, a plan made with the proposal for the measure it names, an
    appeal received before the letter was delivered. A fulfilment matched by case only
    (a plan that names no measure) counts from the start day.
  - *ignored*: it may answer an earlier trigger. A hearing or plan before the proposal
    is not the one the decision needs (the rule counts from the proposal); a follow-up
    before the start, a committee decision before the chair's urgent one, and a
    statistics report before the event it reports are of something earlier (a measure
    changes many times, and each change has its report). Counting from the start *day*
    rather than the instant lets a report or hearing stamped minutes before the trigger
    (another system's clock) count.
- A deadline is *withdrawn* (`DeadlineWithdrawn`, with the reason and the ending event's
  id) when an event in the column *withdrawn by* happens between the day its clock
  started and its due time: the measure it concerns ended (`measure.ended` naming the
  trigger's `measure_id`), or the case was closed. An ending after the due time comes too
  late: the duty was missed. An ending read before its trigger is kept like a fulfilment.
  Case work (investigation, hearing, plans, follow-up, aftercare) ends with the case, and
  a measure's plans, follow-up and aftercare end with the measure. What is owed for a
  notification (the assessment, the receipt to the notifier), to the parties (the appeal
  period, the committee's review of the chair's urgent decision) and to Danmarks
  Statistik (reported whether or not the placement is carried out, and after it ends)
  is never withdrawn.
- The deadline contracts (v2) carry one legal basis per deadline: the BL paragraph, else
  the SEL one (when the BL one is unverified or absent), else the other act: `RSL` for
  Retssikkerhedsloven, `DATABEK` for Databekendtgørelsen (Bekendtgørelse om
  dataindberetninger på socialområdet, the order on reporting to Danmarks Statistik).

"""
_HEADER = """\
| rule | trigger | condition | due | deadline | escalation | SEL | BL | other | concerns \
| met by | before the start | withdrawn by |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
"""


def _short(event_type: str) -> str:
    return "`" + event_type.removeprefix("dk.casehub.") + "`"


def _amount(amount: int, unit: Unit) -> str:
    name = unit.value.replace("_", " ")
    return f"{amount} {name.removesuffix('s') if amount == 1 else name}"


def _deadline(rule: Rule) -> str:
    if rule.unit is Unit.BEFORE_EVENT:
        text = f"before {_short(rule.before or '')}"
        if rule.before_link is not None:
            text += f" (`{rule.before_link[1]}` = `{rule.before_link[0]}`)"
        return text + f", planned at `{rule.planned}`"
    text = _amount(rule.amount, rule.unit)
    if rule.starts:
        text += f" from `{rule.starts}`"
    if rule.earlier_of:
        text += f", or `{rule.earlier_of}` if earlier"
    return text


def _span(span: Span | None) -> str:
    return "—" if span is None else f"{_amount(span.amount, span.unit)} before"


def _met_if(rule: Rule) -> str:
    parts = []
    if rule.met_if.value != "always":
        parts.append(rule.met_if.value.replace("_", " "))
    if rule.link is not None:
        parts.append(f"`{rule.link[1]}` = `{rule.link[0]}`")
    return f" ({'; '.join(parts)})" if parts else ""


def _withdrawn_by(rule: Rule) -> str:
    endings = [
        _short(w.event_type) + (f" (`{w.link[1]}` = `{w.link[0]}`)" if w.link else "")
        for w in rule.withdrawn_by
    ]
    return ", ".join(endings) or "—"


def _row(rule: Rule) -> str:
    due = rule.due + (f". {rule.note}" if rule.note else "")
    cells = (
        f"`{rule.id}`",
        _short(rule.trigger),
        rule.condition.value.replace("_", " "),
        due,
        _deadline(rule),
        _span(rule.escalation),
        rule.basis.sel or "—",
        rule.basis.bl or "—",
        rule.basis.other or "—",
        rule.concerns.value.replace("_", " "),
        ", ".join(_short(t) for t in rule.fulfilled_by) + _met_if(rule),
        rule.prior.value.replace("_", " "),
        _withdrawn_by(rule),
    )
    return "| " + " | ".join(cells) + " |"


def render_markdown() -> str:
    """The whole of ``docs/deadlines.md``."""
    return _INTRO + _HEADER + "\n".join(_row(rule) for rule in RULES) + "\n"
