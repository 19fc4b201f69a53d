"""Events read before the deadline they answer: kept, and offered to it when it is set.

The engine reads several topics in one consumer group, and Kafka keeps no order across
topics. A ``StatisticsReported`` (reporting topic) may be read before the
``MeasureStarted`` (measure topic) whose report it is; a ``MeasureEnded`` before the
``MeasureDecided`` whose plan it makes moot. So the engine keeps every *fulfilment* (a
type some rule is ``fulfilled_by``, whose data passes that rule's ``met_if``) and every
*ending* (a type some rule is ``withdrawn_by``) of a case, met or not, and offers them to
each deadline set later in that case through ``answer.steps_for``, as if read afterwards.

Each is one record in the state, ``early:<event id>``: one event may name several records
(a plan covering two measures) or none (matched by case), and two fulfilments may name the
same record (a placement's start and its change reports), so neither a record nor a link
value can be the key. Matching is by the rule's link, on the fields kept.

Only what the rules read is kept: when it happened, the fields rules link on (the records
it names) and the fields of their ``met_if`` conditions (a plan's or report's kind, a
committee decision's ``urgent``): ids and kinds, never text, never a person. A kept event
expires ``remember_for`` after it was read; the engine's ticker then deletes it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections import defaultdict
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from contracts.envelope import Envelope
from hub.clock.conditions import applies, reads
from hub.clock.facts import Data
from hub.clock.fulfil import met_at
from hub.clock.localtime import instant
from hub.clock.rules import RULES

__all__ = ["KEPT", "Early", "EarlyEvents", "early_of"]


def _kept() -> dict[str, frozenset[str]]:
    found: defaultdict[str, set[str]] = defaultdict(set)
    for rule in RULES:
        for event_type in rule.fulfilled_by:
            found[event_type] |= reads(rule.met_if) | ({rule.link[1]} if rule.link else set())
        for ending in rule.withdrawn_by:
            found[ending.event_type] |= {ending.link[1]} if ending.link else set()
    return {event_type: frozenset(fields) for event_type, fields in found.items()}


KEPT = MappingProxyType(_kept())
"""Event type → the data fields kept of it: the fulfilments' and endings' types."""


@dataclass(frozen=True, slots=True)
class Early:
    """One kept event of one case."""

    event_id: str
    event_type: str
    municipality: str
    case_id: str
    happened_at: dt.datetime
    fields: Data
    expires_at: dt.datetime

    @property
    def key(self) -> str:
        """Its state key."""
        return f"early:{self.event_id}"

    def to_json(self) -> bytes:
        """The state-topic value."""
        value = {
            "record": "early",
            "version": 1,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "case_id": self.case_id,
            "happened_at": self.happened_at.isoformat(),
            "fields": dict(self.fields),
            "expires_at": self.expires_at.isoformat(),
        }
        return json.dumps(value, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, municipality: str, value: dict[str, Any]) -> Early:
        """Read a value written by ``to_json`` (already parsed).

        Raises:
            KeyError, ValueError, TypeError: not an early record of version 1.

        """
        return cls(
            event_id=value["event_id"],
            event_type=value["event_type"],
            municipality=municipality,
            case_id=value["case_id"],
            happened_at=dt.datetime.fromisoformat(value["happened_at"]),
            fields=dict(value["fields"]),
            expires_at=dt.datetime.fromisoformat(value["expires_at"]),
        )


def early_of(envelope: Envelope, data: Data, *, expires_at: dt.datetime) -> Early | None:
    """What to keep of an event (``data`` as JSON), or None when it is no fulfilment or ending.

    Raises:
        EventDataError: a field a rule reads is garbled.

    """
    fields = KEPT.get(envelope.type)
    if fields is None:
        return None
    rules = [rule for rule in RULES if envelope.type in rule.fulfilled_by]
    if rules and not any(applies(rule.met_if, data, envelope.time) for rule in rules):
        return None  # fulfils no rule (a notification's statistics report, an urgent decision)
    return Early(
        event_id=envelope.id,
        event_type=envelope.type,
        municipality=envelope.municipality,
        case_id=envelope.caseid,
        happened_at=met_at(envelope.type, data, envelope.time),
        fields={f: data[f] for f in sorted(fields) if f in data},
        expires_at=expires_at,
    )


class EarlyEvents:
    """The kept events of every municipality the engine serves, indexed by case and expiry."""

    def __init__(self) -> None:
        self._all: dict[tuple[str, str], Early] = {}  # (municipality, key)
        self._by_case: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
        self._expiry: list[tuple[dt.datetime, str, str]] = []  # a heap; stale rows skipped

    def __len__(self) -> int:
        return len(self._all)

    def has(self, municipality: str, event_id: str) -> bool:
        """True when the event is kept already (a redelivery keeps its first expiry)."""
        return (municipality, f"early:{event_id}") in self._all

    def add(self, early: Early) -> None:
        """Keep one event."""
        self._all[early.municipality, early.key] = early
        self._by_case[early.municipality, early.case_id].add(early.key)
        heapq.heappush(self._expiry, (instant(early.expires_at), early.municipality, early.key))

    def discard(self, early: Early) -> None:
        """Forget one event."""
        self._all.pop((early.municipality, early.key), None)
        keys = self._by_case.get((early.municipality, early.case_id))
        if keys is not None:
            keys.discard(early.key)
            if not keys:
                del self._by_case[early.municipality, early.case_id]

    def of_case(self, municipality: str, case_id: str, now: dt.datetime) -> list[Early]:
        """The case's unexpired events, in the order they happened (then by id)."""
        keys = self._by_case.get((municipality, case_id), ())
        found = (self._all[municipality, key] for key in keys)
        alive = [e for e in found if instant(e.expires_at) > instant(now)]
        return sorted(alive, key=lambda e: (instant(e.happened_at), e.event_id))

    def expired(self, now: dt.datetime) -> list[Early]:
        """Every kept event whose time is up, soonest first (still kept until discarded)."""
        moment = instant(now)
        gone: list[Early] = []
        while self._expiry and self._expiry[0][0] <= moment:
            expires, municipality, key = heapq.heappop(self._expiry)
            early = self._all.get((municipality, key))
            if early is not None and instant(early.expires_at) == expires:
                gone.append(early)
        for early in gone:  # back on the heap until the caller has deleted them
            heapq.heappush(self._expiry, (instant(early.expires_at), early.municipality, early.key))
        return gone
