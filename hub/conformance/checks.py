"""The conformance checks: what a vendor's case system answered, held to the hub's rules.

=============  ==============================================================
check          a vendor passes when
=============  ==============================================================
contract       every record it wrote is a valid canonical event (``from_kafka``)
answered       every notification the hub sent has an answer caused by it, and every
               ``PersonResolved`` a ``LetterRequested`` per custody holder (the
               information letter, BL §133)
idempotent     an event delivered twice (a notification, a person, a deadline, a
               letter receipt) is answered, if at all, under one event id per type
ordering       a case's events are on one partition number on every topic (keyed by
               case id), ``CaseOpened`` first on the case topic, in time order
=============  ==============================================================

A deadline and a letter receipt want no answer: the vendor shows them to the case worker.

One line per problem, naming the record by topic, partition and offset or the event by its id;
never a field's value (``InvalidRecordError`` names locations only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from contracts.base import Contract
from contracts.binding import InvalidRecordError, from_kafka
from contracts.case import CaseOpened
from contracts.envelope import Event
from contracts.intake import NotificationReceived
from contracts.letters import LetterRequested, LetterRequestedV2
from contracts.person import PersonResolved
from routing.topics import topic

__all__ = ["CHECKS", "Answer", "CheckResult", "check_answers", "wanted_answers"]

CHECKS = ("contract", "answered", "idempotent", "ordering")


@dataclass(frozen=True)
class Answer:
    """One record the vendor wrote, where it was."""

    topic: str
    partition: int
    offset: int
    headers: Sequence[tuple[str, bytes]]
    value: bytes | None

    @property
    def address(self) -> str:
        """``topic:partition:offset``."""
        return f"{self.topic}:{self.partition}:{self.offset}"

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (None: absent)."""
        for key, value in self.headers:
            if key == name:
                return value.decode(errors="replace")
        return None


def _custody_holders(event: Event[Contract]) -> int:
    data = event.data
    return sum(r.has_custody for r in data.related) if isinstance(data, PersonResolved) else 0


def wanted_answers(sent: Sequence[Event[Contract]]) -> set[str]:
    """The ids of the events sent that want an answer from the case system."""
    return {e.envelope.id for e in sent
            if isinstance(e.data, NotificationReceived) or _custody_holders(e)}  # fmt: skip


@dataclass
class CheckResult:
    """Each check's problems, one line each; a check without problems passed."""

    problems: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CHECKS})

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return not any(self.problems.values())

    def lines(self) -> list[str]:
        """``PASS <check>`` or one ``FAIL <check>: <problem>`` per problem."""
        out = []
        for check, found in self.problems.items():
            out += [f"FAIL {check}: {p}" for p in found] if found else [f"PASS {check}"]
        return out


def check_answers(sent: Sequence[Event[Contract]], answers: Sequence[Answer]) -> CheckResult:
    """Hold ``answers`` (in the order read, per partition by offset) against what was sent.

    ``sent`` lists each delivery: an event delivered twice appears twice, with one id.
    """
    result = CheckResult()
    events: list[tuple[Answer, Event[Contract]]] = []
    for answer in answers:
        try:
            events.append((answer, from_kafka(answer.headers, answer.value)))
        except InvalidRecordError as exc:
            result.problems["contract"].append(f"{answer.address} is not a valid event: {exc}")
    result.problems["answered"] += _answered(sent, events)
    result.problems["idempotent"] += _idempotent(sent, events)
    result.problems["ordering"] += _ordering(events)
    return result


def _answered(
    sent: Sequence[Event[Contract]], events: Sequence[tuple[Answer, Event[Contract]]]
) -> list[str]:
    problems = []
    causes = {e.envelope.causationid for _, e in events}
    letters: dict[str, set[str]] = defaultdict(set)  # cause → letter ids
    for _, event in events:
        data = event.data
        if isinstance(data, LetterRequested | LetterRequestedV2) and event.envelope.causationid:
            letters[event.envelope.causationid].add(data.letter_id)
    wanted = wanted_answers(sent)
    for cause in {e.envelope.id: e for e in sent if e.envelope.id in wanted}.values():
        kind, cause_id = cause.envelope.type, cause.envelope.id
        holders = _custody_holders(cause)
        if cause_id not in causes:
            problems.append(f"no answer caused by {kind} {cause_id}")
        elif len(letters[cause_id]) < holders:
            problems.append(f"{kind} {cause_id} names {holders} custody holder(s), answered "
                            f"with {len(letters[cause_id])} LetterRequested")  # fmt: skip
    return problems


def _idempotent(
    sent: Sequence[Event[Contract]], events: Sequence[tuple[Answer, Event[Contract]]]
) -> list[str]:
    by_cause: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for _, event in events:
        if event.envelope.causationid is not None:
            by_cause[event.envelope.causationid][event.envelope.type].add(event.envelope.id)
    deliveries: dict[str, list[Event[Contract]]] = defaultdict(list)
    for event in sent:
        deliveries[event.envelope.id].append(event)
    problems = []
    for cause_id, delivered in deliveries.items():
        for event_type, ids in sorted(by_cause.get(cause_id, {}).items()):
            if len(delivered) > 1 and len(ids) > 1:
                problems.append(
                    f"{delivered[0].envelope.type} {cause_id} delivered {len(delivered)} times "
                    f"was answered with {len(ids)} different {event_type} event ids"
                )
    return problems


def _ordering(events: Sequence[tuple[Answer, Event[Contract]]]) -> list[str]:
    problems = []
    by_case: dict[str, list[tuple[Answer, Event[Contract]]]] = defaultdict(list)
    for answer, event in events:
        by_case[event.envelope.caseid].append((answer, event))
    for case, found in by_case.items():
        if len({a.partition for a, _ in found}) > 1:
            problems.append(f"case {case}: its events are on more than one partition (key)")
            continue
        by_topic: dict[str, list[tuple[Answer, Event[Contract]]]] = defaultdict(list)
        for pair in found:
            by_topic[pair[0].topic].append(pair)
        for on_topic in by_topic.values():
            problems += _in_order(case, sorted(on_topic, key=lambda pair: pair[0].offset))
    return problems


def _in_order(case: str, found: Sequence[tuple[Answer, Event[Contract]]]) -> list[str]:
    """One topic's events of a case, by offset: ``CaseOpened`` first, times not going back."""
    problems = []
    first = found[0]
    # CaseOpened comes first on the case topic; a letter may be asked for before it.
    opened = first[0].topic != topic("case", first[1].envelope.municipality)
    for index, (answer, event) in enumerate(found):
        if isinstance(event.data, CaseOpened):
            opened = True
        elif not opened:
            problems.append(f"case {case}: {event.envelope.type} at {answer.address} "
                            "before its CaseOpened")  # fmt: skip
        if index and event.envelope.time < found[index - 1][1].envelope.time:
            problems.append(f"case {case}: {answer.address} is earlier than the event "
                            "before it")  # fmt: skip
    return problems
