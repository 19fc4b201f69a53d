"""The conformance checks: what a vendor's case system answered, held to the hub's rules.

=============  ==============================================================
check          a vendor passes when
=============  ==============================================================
contract       every record it wrote is a valid canonical event (``from_kafka``)
answered       every notification the hub sent has an answer caused by it
idempotent     a notification delivered twice is answered under one event id per type
ordering       a case's events are on one partition, ``CaseOpened`` first, in time order
=============  ==============================================================

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

__all__ = ["CHECKS", "Answer", "CheckResult", "check_answers"]

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
    by_cause: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for _, event in events:
        if event.envelope.causationid is not None:
            by_cause[event.envelope.causationid][event.envelope.type].add(event.envelope.id)
    deliveries: dict[str, int] = defaultdict(int)
    for event in sent:
        deliveries[event.envelope.id] += 1
    for cause, count in deliveries.items():
        answered = by_cause.get(cause, {})
        if not answered:
            result.problems["answered"].append(f"no answer caused by event {cause}")
        for event_type, ids in sorted(answered.items()):
            if count > 1 and len(ids) > 1:
                result.problems["idempotent"].append(
                    f"event {cause} delivered {count} times was answered with {len(ids)} "
                    f"different {event_type} event ids"
                )
    result.problems["ordering"] += _ordering(events)
    return result


def _ordering(events: Sequence[tuple[Answer, Event[Contract]]]) -> list[str]:
    problems = []
    by_case: dict[str, list[tuple[Answer, Event[Contract]]]] = defaultdict(list)
    for answer, event in events:
        by_case[event.envelope.caseid].append((answer, event))
    for case, found in by_case.items():
        if len({(a.topic, a.partition) for a, _ in found}) > 1:
            problems.append(f"case {case}: its events are on more than one partition (key)")
            continue
        found.sort(key=lambda pair: pair[0].offset)
        opened = False
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
