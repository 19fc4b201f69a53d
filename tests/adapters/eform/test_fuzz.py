"""A seeded fuzz of the intake: 10,000 hostile and valid requests against the ASGI app.

Each request starts from a valid submission and gets zero or more mutations, each known to
keep it valid or to make it invalid (and with which status). The intake must answer every
one without a 5xx, never repeat a CPR number or an unknown key it was sent, name a field
in every 4xx, and answer 202 exactly when the submission was valid. The seed is fixed, so
every run sends the same requests; the run prints its figures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from adapters.eform import build_intake
from contracts.intake import NotificationReason, NotifierRelation
from hub.runtime.callers import SignedRequests
from routing.topics import topic_for
from tests.callers import CALLER, SECRET, signed_app, signed_client
from tests.people import CHILD, MOTHER, cpr_for

SEED = 20261201
REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "10000"))
SERVED = ("101", "751")
UNSERVED = ("147", "461")  # real kommunekoder, not served here
MAX_BYTES = 64 * 1024
NOW = dt.datetime.now(dt.UTC)

# What an answer must never hold: a CPR-shaped run (a UUID's runs are not runs) ...
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CPR_RUN = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")  # \d: any script's digits
# ... and a field name that is not one of the models' (or a part of the request).
_FIELD = re.compile(
    r"^(?:body|content-type|x-casehub-(?:caller|timestamp|signature)|[a-z_]+(?:\.(?:[a-z_]+|\d+))*)$"
)
_BAD_SHARES = (0.01, 0.02, 0.03)  # cumulative: 1 % each
# A few requests carry no credential, a forged or an expired one: 401 whatever their body.
_CREDENTIALS = {
    "unsigned": httpx.Auth(),
    "forged": SignedRequests(CALLER, b"synthetic-forged-secret-of-nobody-0000000009"),
    "expired": SignedRequests(CALLER, SECRET, clock=lambda: time.time() - 3600),
}


@dataclass
class Case:
    """One request and what the intake must answer."""

    body: object
    raw: bytes | None = None
    content_type: str = "application/json"
    expect: int = 202
    secrets: set[str] = field(default_factory=set)
    mutations: list[str] = field(default_factory=list)
    deep: int = 0
    raw_given: bool = False
    removed: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)

    def fail(self, status: int, name: str, *secrets: str) -> None:
        # Precedence of the intake's checks: 415, then 413, then 400, then 422.
        order = (202, 422, 400, 413, 415)
        if order.index(status) > order.index(self.expect):
            self.expect = status
        self.mutations.append(name)
        self.secrets.update(s for s in secrets if s)


def _plausible_cpr(rng: random.Random, *, hyphen: bool | None = None) -> str:
    birth = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
    number = cpr_for(birth, rng.randrange(1000))
    if rng.random() < 0.3:  # a real-looking day (not + 60): still CPR-shaped
        number = f"{birth.day:02d}" + number[2:]
    if hyphen if hyphen is not None else rng.random() < 0.5:
        number = number[:6] + "-" + number[6:]
    return number


def _other_digits(text: str, rng: random.Random) -> str:
    base = rng.choice((0xFF10, 0x0660, 0x06F0, 0x0966))  # full-width, Arabic-Indic, ...
    return "".join(chr(base + int(c)) if c.isdigit() else c for c in text)


def _safe_id(rng: random.Random) -> str:
    """A valid id: letters and short digit runs, never ten digits in a row."""
    parts = [rng.choice(("s", "F", "form", "N")), rng.choice(("-", ".", ":", "_"))]
    parts += [
        str(rng.randrange(100_000)),
        rng.choice(("a", "b", "x")),
        f"{rng.getrandbits(36):09x}",
    ]
    return "".join(parts)[:64]


def _valid_time(rng: random.Random) -> str:
    moment = NOW - dt.timedelta(seconds=rng.randrange(300 * 86400))
    zone = dt.timezone(dt.timedelta(hours=rng.choice((0, 1, 2, -5))))
    text = moment.astimezone(zone).isoformat(timespec=rng.choice(("seconds", "milliseconds")))
    return text.replace("+00:00", "Z") if rng.random() < 0.5 else text


_DEEP = "__deep__"


def _deep(depth: int) -> str:
    """JSON text of ``depth - 1`` nested arrays (json.dumps would recurse too deep)."""
    return "[" * (depth - 1) + "1" + "]" * (depth - 1)


_FIELD_OF = {
    0: "submission_id",
    3: "submission_id",
    1: "case_id",
    2: "case_id",
    4: "cpr",
    16: "cpr",
    17: "cpr",
    5: "received_at",
    6: "received_at",
    8: "notifier",
    18: "notifier",
    19: "notifier",
    9: "municipality",
    10: "municipality",
    13: "reasons",
    14: "reasons",
    15: "summary",
    20: "summary",
    21: "summary",
}


def _mutate(case: Case, body: dict[str, Any], rng: random.Random) -> None:  # noqa: C901, PLR0912, PLR0915
    kind = rng.randrange(24)
    name = ""
    if kind == 11:
        name = rng.choice(("child_cpr", "notifier", "reasons", "channel", "summary", "acute"))
    elif kind == 12:
        name = rng.choice(("submission_id", "municipality", "notifier", "reasons"))
    # Each field is changed at most once, so a later value never undoes an earlier one.
    touched = {"child_cpr": "cpr"}.get(name, name) or _FIELD_OF.get(kind, f"kind {kind}")
    if touched in case.used:
        return
    case.used.add(touched)
    if kind == 0:
        number = _plausible_cpr(rng)
        body["submission_id"] = rng.choice((number, f"s-{number}", f"{number}x", f"N-{number}-1"))
        case.fail(422, "cpr-shaped submission_id", number, number.replace("-", ""))
    elif kind == 1:
        number = _plausible_cpr(rng)
        body["case_id"] = rng.choice((number, f"C-{number}", f"sag.{number}"))
        case.fail(422, "cpr-shaped case_id", number, number.replace("-", ""))
    elif kind == 2:
        body["case_id"] = _safe_id(rng)
        case.mutations.append("valid case_id")
    elif kind == 3:
        body["submission_id"] = _safe_id(rng)
        case.mutations.append("valid submission_id")
    elif kind == 4:
        number = _other_digits(rng.choice((CHILD, _plausible_cpr(rng))), rng)
        body["child_cpr"] = number
        case.fail(422, "non-ASCII digits in child_cpr", number)
    elif kind == 5:
        body["received_at"] = rng.choice(
            (
                str(rng.randrange(10**8, 10**10)),
                rng.randrange(10**9, 2 * 10**9),
                rng.random() * 1e9,
                "1900-01-01T00:00:00+01:00",
                "2099-06-01T00:00:00Z",
                "2026-10-07T08:15:00",  # no offset
                "2026-10-07",
                "25/11/2026 10:00",
                _other_digits("2026-10-07T08:15:00Z", rng),
                (NOW + dt.timedelta(days=2)).isoformat(),
                (NOW - dt.timedelta(days=800)).isoformat(),
                None,
                True,
            )
        )
        case.fail(422, "bad received_at", str(body["received_at"]))
    elif kind == 6:
        body["received_at"] = _valid_time(rng)
        case.mutations.append("valid received_at")
    elif kind == 7:
        key = rng.choice((_plausible_cpr(rng), f"x{_plausible_cpr(rng)}", "ünknøwn", "__proto__"))
        body[key] = rng.choice((1, "v", None, [1], {"a": 1}))
        case.fail(422, "unknown top-level key", key)
    elif kind == 8:
        key = _plausible_cpr(rng)
        notifier = body.get("notifier")
        body["notifier"] = {**(notifier if isinstance(notifier, dict) else {}), key: "x"}
        case.fail(422, "unknown key in notifier", key)
    elif kind == 9:
        body["municipality"] = rng.choice(UNSERVED)
        case.fail(422, "unserved municipality")
    elif kind == 10:
        body["municipality"] = rng.choice(("999", "1O1", 101, None, "", _other_digits("101", rng)))
        case.fail(422, "invalid municipality", str(body["municipality"]))
    elif kind == 11:
        body[name] = rng.choice(([], {}, 3.5, "", [[[]]], False, None, 10**30))
        if name == "acute" and isinstance(body[name], bool):
            case.mutations.append("acute stays a bool")
        elif name == "child_cpr" and body.get("unborn") and body[name] is None:
            case.mutations.append("no child_cpr for an unborn child")
        else:
            case.fail(422, f"wrong type of {name}")
    elif kind == 12:
        # removed once every mutation is made: a later valid one must not put it back
        case.removed.add(name)
        case.fail(422, "missing field")
    elif kind == 13:
        body["reasons"] = rng.choice(([], ["bogus"], ["neglect"] * 15))
        case.fail(422, "bad reasons")
    elif kind == 14:
        body["reasons"] = rng.sample([r.value for r in NotificationReason], rng.randint(1, 14))
        case.mutations.append("valid reasons")
    elif kind == 15:
        depth = rng.choice((2, 5, 20, 31, 32, 33, 100, 1000, 5000))
        body["summary"] = _DEEP
        case.deep = depth
        # the submission is one level, the field's value ``depth - 1`` more
        case.fail(400 if depth > 32 else 422, f"nested {depth}")
    elif kind == 16:
        if body.get("unborn"):
            body["child_cpr"] = CHILD
        else:
            body["mother_cpr"] = MOTHER
        case.fail(422, "child and mother rule")
    elif kind == 17:
        if not case.mutations:  # first, so later mutations judge the unborn form
            body["unborn"] = True
            body["mother_cpr"] = MOTHER
            del body["child_cpr"]
        case.mutations.append("valid unborn")
    elif kind == 18:
        body["notifier"] = {"kind": "anonymous", "relation": "anonymous", "name": "Synthetic Name"}
        case.fail(422, "anonymous with name")
    elif kind == 19:
        body["notifier"] = {
            "kind": "citizen",
            "relation": rng.choice([r.value for r in NotifierRelation]),
            "name": "Synthetic Name",
        }
        case.mutations.append("valid citizen")
    elif kind == 20:
        number = _plausible_cpr(rng)
        body["summary"] = f"Free text may name {number} and ünïcødé \u0663 \uff13."
        case.mutations.append("cpr in free text")
        case.secrets.update({number, number.replace("-", "")})
    elif kind == 21:
        body["summary"] = "x" * (MAX_BYTES + rng.randrange(10_000))
        case.fail(413, "too large")
    elif kind == 22:
        case.content_type = rng.choice(("text/plain", "application/xml", "", "application/jso"))
        case.fail(415, "content type")
    else:
        case.raw = rng.choice(
            (
                b"{not json",
                b'{"a": NaN}',
                b"\xff\xfe{}",
                "\ufeff{}".encode(),
                json.dumps(body).encode()[: rng.randrange(1, 40)],
                json.dumps(body).encode("utf-16"),
                b"",
                b"[" * 3000,
            )
        )
        case.raw_given = True
        case.fail(400, "not JSON")


def generated(rng: random.Random) -> list[Case]:
    cases = []
    for index in range(REQUESTS):
        body: dict[str, Any] = {
            "submission_id": f"s-{index}-{rng.randrange(10**6)}",
            "municipality": rng.choice(SERVED),
            "child_cpr": rng.choice((CHILD, CHILD[:6] + "-" + CHILD[6:])),
            "notifier": {"kind": "professional", "relation": "school", "organisation": "Skole"},
            "reasons": ["school_absence"],
            "channel": "eform",
            "summary": "Synthetic test notification.",
        }
        case = Case(body)
        case.secrets |= {CHILD, CHILD[:6] + "-" + CHILD[6:], MOTHER}
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 3))):
            _mutate(case, body, rng)
        for name in case.removed:
            body.pop(name, None)
        text = json.dumps(body, ensure_ascii=rng.random() < 0.5)
        if case.deep:
            text = text.replace(json.dumps(_DEEP), _deep(case.deep))
        if case.raw is None:
            case.raw = text.encode()
        elif case.raw_given:  # the raw bytes replace the body: judged on their own
            bad_type = case.content_type != "application/json"
            case.expect = 415 if bad_type else 413 if len(case.raw) > MAX_BYTES else 400
        cases.append(case)
    return cases


class Recording:
    def __init__(self):
        self.published = []

    async def __call__(self, event):
        self.published.append(event)
        return topic_for(event)


def _problems_hold_no_input(case: Case, answer: httpx.Response) -> list[str]:
    text = answer.text
    found = [f"repeats {s!r}" for s in case.secrets if s in text]
    if _CPR_RUN.search(_UUID.sub("", text)):
        found.append("holds a CPR-shaped run")
    if 400 <= answer.status_code < 500:
        problems = answer.json().get("problems") or []
        if not problems:
            found.append("no problems named")
        for problem in problems:
            names = str(problem.get("field", "")).split(", ")
            found += [f"field {n!r} is not a model's" for n in names if not _FIELD.fullmatch(n)]
    return found


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_ten_thousand_hostile_requests(capsys):
    cases = generated(random.Random(SEED))
    publisher = Recording()
    app = build_intake(
        publisher, source="urn:casehub:fuzz", max_bytes=MAX_BYTES, municipalities=SERVED
    )
    statuses: Counter[int] = Counter()
    wrong = []
    credentials = random.Random(SEED + 1)  # apart from the bodies' generator: same bodies
    started = time.perf_counter()
    async with signed_client(signed_app(app), "http://intake") as client:
        for index, case in enumerate(cases):
            draw = credentials.random()
            name = next((n for n, p in zip(_CREDENTIALS, _BAD_SHARES, strict=True) if draw < p), "")
            auth = _CREDENTIALS[name] if name else httpx.USE_CLIENT_DEFAULT
            answer = await client.post(
                "/notifications",
                content=case.raw,
                headers={"content-type": case.content_type},
                auth=auth,
            )
            statuses[answer.status_code] += 1
            problems = _problems_hold_no_input(case, answer)
            expect = 401 if name else case.expect
            if answer.status_code != expect:
                problems.append(f"answered {answer.status_code}, expected {expect}")
            if problems:
                wrong.append((index, case.mutations, problems))
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nintake fuzz: {REQUESTS} requests, {elapsed:.1f} s, {dict(statuses)}")  # noqa: T201
    assert Counter(p for _, _, found in wrong for p in found).most_common(8) == []
    assert [(i, m) for i, m, _ in wrong][:12] == []
    assert wrong[:10] == []
    assert not [s for s in statuses if s >= 500]
    assert len(publisher.published) == statuses[202]
    assert statuses[202] > 1000  # the generator also makes valid submissions, plenty of them
    assert all(statuses[s] > 100 for s in (400, 401, 413, 415, 422))
