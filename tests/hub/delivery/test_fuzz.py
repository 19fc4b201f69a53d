"""A seeded fuzz of the delivery policy: 10,000 records, forged or broken, each one outcome.

Records of four contracts are generated, and most are then damaged the way a hostile or
broken producer would: another municipality in ``ce_municipality``, a type on another
domain's topic, broken JSON, deep JSON, missing, duplicated or binary headers, a digit
string as ``ce_time``, a CPR-shaped ``ce_caseid``, non-ASCII digits in a CPR number, a
repeat of a handled record. The handler's answer is drawn too (done, permanent, transient,
a bug). Every record must end in exactly the outcome the generator expects: handled once,
passed over (a repeat), quarantined with the expected reason, or parked for a retry. The
policy runs offline (tests/offline_delivery.py); the seed is fixed.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from contracts.binding import to_kafka
from contracts.cpr import Cpr
from contracts.envelope import new_event
from contracts.intake import NotificationReceived
from contracts.municipalities import MUNICIPALITIES
from contracts.person import LookupPurpose, PersonLookupRequested
from hub.runtime.delivery import Backoff, CircuitBreaker, Delivery
from hub.runtime.delivery.store import ParkedState
from hub.runtime.errors import PermanentError, TransientError
from hub.runtime.quarantine import Quarantine
from routing.topics import DOMAINS, topic
from tests.adapters.archive.events import case_opened, document_filed
from tests.factories import notification
from tests.offline_delivery import RecordingBroker
from tests.people import CHILD
from tests.state import delivery_store

SEED = 1112026
RECORDS = int(os.environ.get("FUZZ_RECORDS", "10000"))
OURS = "101"
OTHERS = tuple(sorted(code for code in MUNICIPALITIES if code != OURS))


@dataclass
class Sent:
    """One record and the outcome it must get."""

    record: SimpleNamespace
    event_id: str
    expect: str  # handled | passed | parked | quarantined:<reason prefix>
    mutation: str


def _event(rng: random.Random, case: str):
    kind = rng.randrange(4)
    if kind == 0:
        data: NotificationReceived | PersonLookupRequested = notification()
        return new_event(data, source="urn:fuzz", municipality=OURS, case_id=case)
    if kind == 1:
        data = PersonLookupRequested(cpr=Cpr(CHILD), purpose=LookupPurpose.CASE)
        return new_event(data, source="urn:fuzz", municipality=OURS, case_id=case)
    if kind == 2:
        return case_opened(OURS, case)
    return document_filed(OURS, case)


def _set_header(headers, name, value):
    return [(n, v) for n, v in headers if n != name] + [(name, value)]


def _damage(rng: random.Random, event, headers, value, source):  # noqa: C901, PLR0911, PLR0912 - one branch per kind
    """A damaged record: (topic, headers, value, mutation, expected reason prefix)."""
    kind = rng.randrange(14)
    if kind == 0:
        headers = _set_header(headers, "ce_municipality", rng.choice(OTHERS).encode())
        return source, headers, value, "forged municipality", "tenant_mismatch"
    if kind == 1:
        domain = type(event.data).domain
        other = rng.choice([d for d in DOMAINS if d != domain])
        return topic(other, OURS), headers, value, "wrong topic", "wrong_topic"
    if kind == 2:
        bad = rng.choice((b"{not json", b"", value[: rng.randrange(len(value))], b"\xff\xfe"))
        return source, headers, bad, "broken value", ""
    if kind == 3:
        return source, headers, b'{"a":' * 5000 + b"1" + b"}" * 5000, "deep value", ""
    if kind == 4:
        name = rng.choice(("ce_type", "ce_id", "ce_municipality", "content-type", "ce_time"))
        return source, [(n, v) for n, v in headers if n != name], value, "missing header", ""
    if kind == 5:
        return source, [*headers, ("ce_id", b"again")], value, "header twice", ""
    if kind == 6:
        return source, _set_header(headers, "ce_id", b"\xff\xfe\x00"), value, "binary header", ""
    if kind == 7:
        when = rng.choice((b"1764000000", b"1900-01-01T00:00:00Z", b"2026-11-25T10:00:00"))
        return source, _set_header(headers, "ce_time", when), value, "bad ce_time", ""
    if kind == 8:
        cpr = rng.choice((CHILD, f"C-{CHILD[:6]}-{CHILD[6:]}"))
        return source, _set_header(headers, "ce_caseid", cpr.encode()), value, "cpr caseid", ""
    if kind == 9:
        cpr = rng.choice((CHILD, f"S-{CHILD}"))
        headers = _set_header(headers, "ce_subject", cpr.encode())
        return source, headers, value, "cpr subject", ""
    if kind == 10:
        headers = [*headers, (f"ce_{CHILD}", b"x")]
        return source, headers, value, "cpr-named header", ""
    if kind == 11:
        wide = "".join(chr(0xFF10 + int(c)) for c in CHILD)
        return source, headers, value.replace(CHILD.encode(), wide.encode()), "wide digits", ""
    if kind == 12:
        headers = _set_header(headers, "ce_type", b"dk.casehub.no.such-type")
        return source, headers, value, "unknown type", ""
    return source, headers, value, "", None


def generated(rng: random.Random) -> tuple[list[Sent], dict[str, str]]:
    """The records in order, and the handler's answer for each valid event id."""
    sent: list[Sent] = []
    answers: dict[str, str] = {}
    handled: list[Sent] = []
    for offset in range(RECORDS):
        if handled and rng.random() < 0.05:  # a repeat of a record handled before
            first = rng.choice(handled)
            record = SimpleNamespace(**{**vars(first.record), "offset": offset})
            sent.append(Sent(record, first.event_id, "passed", "repeat"))
            continue
        event = _event(rng, f"C-fz-{offset}")
        wire = to_kafka(event)
        source = topic(type(event.data).domain, OURS)
        headers = list(wire.headers)
        value = wire.value
        mutation, reason = "", None
        if rng.random() < 0.6:
            source, headers, value, mutation, reason = _damage(rng, event, headers, value, source)
        record = SimpleNamespace(
            topic=source, partition=0, offset=offset, key=wire.key, value=value, headers=headers
        )
        if reason is not None:
            if mutation == "wide digits" and CHILD.encode() not in wire.value:
                reason = None  # no CPR number in this contract's data: still valid
            else:
                sent.append(Sent(record, event.envelope.id, f"quarantined:{reason}", mutation))
                continue
        answer = rng.choice(("ok", "ok", "ok", "permanent", "transient", "bug"))
        answers[event.envelope.id] = answer
        expect = {
            "ok": "handled",
            "permanent": "quarantined:refused by the fake",
            "transient": "parked",
            "bug": "quarantined:unexpected KeyError in handler",
        }[answer]
        item = Sent(record, event.envelope.id, expect, mutation or "valid")
        sent.append(item)
        if answer == "ok":
            handled.append(item)
    return sent, answers


def _judged(sent, broker, store, done):
    """Each record's outcomes as found: quarantine copies, parked rows, handler runs."""
    reasons: dict[tuple[str, int], list[str]] = {}
    for _topic, _key, _value, headers in broker.published:
        where = (headers["quarantine_topic"], int(headers["quarantine_offset"]))
        reasons.setdefault(where, []).append(headers["quarantine_reason"])
    wrong = []
    outcomes: Counter[str] = Counter()
    for item in sent:
        record = item.record
        found = []
        quarantined = reasons.get((record.topic, record.offset), [])
        found += [f"quarantined:{r}" for r in quarantined]
        head = store.head(record.key.decode(), record.topic)
        if head is not None and head.state is ParkedState.RETRY:
            found.append("parked" if head.record.offset == record.offset else "parked elsewhere")
        if item.expect == "handled" and done[item.event_id] == 1:
            found.append("handled")
        if item.expect == "passed" and done[item.event_id] == 1:
            found.append("passed")  # its first copy was the one handled, once
        ok = len(found) == 1 and found[0].startswith(item.expect)
        if not ok:
            wrong.append((record.offset, item.mutation, item.expect, found))
        outcomes[item.expect.split(":")[0]] += 1
    return reasons, wrong, outcomes


@pytest.fixture
async def store():
    return await delivery_store("fuzz")


async def test_ten_thousand_records_each_get_exactly_one_outcome(store, capsys):
    sent, answers = generated(random.Random(SEED))
    done: Counter[str] = Counter()

    async def handler(event):
        answer = answers[event.envelope.id]
        if answer == "permanent":
            raise PermanentError("refused by the fake")
        if answer == "transient":
            raise TransientError("the fake is busy")
        if answer == "bug":
            raise KeyError(CHILD)  # a bug's text can hold anything: never quoted
        done[event.envelope.id] += 1

    broker = RecordingBroker()
    quarantine = Quarantine()
    quarantine.bind(broker)
    delivery = Delivery(
        group="fuzz",
        handler=handler,
        store=store,
        quarantine=quarantine,
        backoff=Backoff(base_s=60, max_s=60, max_attempts=6),
        breaker=CircuitBreaker(open_after_s=1e9, cooldown_s=5, max_cooldown_s=300),
        clock=lambda: 0.0,
    )
    rng = random.Random(SEED + 1)
    started = time.perf_counter()
    at = 0
    while at < len(sent):
        size = rng.randint(1, 50)
        batch = tuple(s.record for s in sent[at : at + size])
        await delivery.on_batch(SimpleNamespace(raw_message=batch, consumer=None))
        at += size
    elapsed = time.perf_counter() - started

    reasons, wrong, outcomes = _judged(sent, broker, store, done)
    assert all(n == 1 for n in done.values()), "an event handled twice"
    # A reason never quotes a CPR number, whatever the record held.
    assert not [r for rs in reasons.values() for r in rs if CHILD[:6] in r or CHILD[6:] in r]
    with capsys.disabled():
        print(f"\ndelivery fuzz: {len(sent)} records, {elapsed:.1f} s, {dict(outcomes)}")  # noqa: T201
    assert wrong[:10] == []
    assert all(outcomes[o] > 300 for o in ("handled", "passed", "quarantined", "parked"))
