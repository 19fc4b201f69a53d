"""Signed requests: who may reach the hub's HTTP surfaces, and what a refusal says."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest
from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from hub.cli.main import main
from hub.compose.app import create_app
from hub.compose.settings import Settings
from hub.runtime.callers import (
    CALLER_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Caller,
    CallerSettings,
    SignedCallers,
    SignedRequests,
    acts_for,
    load_callers,
)
from tests.callers import CALLER, SECRET, caller_settings, signing
from tests.people import CHILD

OTHER_SECRET = b"synthetic-secret-of-another-caller-00000000002"
WINDOW_S = 300.0
OPEN = {("GET", "/health"), ("HEAD", "/health")}  # the intake's liveness route


class Surface:
    """A surface that records what reached it: the body and the caller's verdict for 101."""

    def __init__(self):
        self.reached: list[tuple[bytes, bool]] = []
        self.app = Starlette(
            routes=[
                Route("/notifications", self.post, methods=["POST"]),
                Route("/health", self.health, methods=["GET", "POST"]),
            ]
        )

    async def post(self, request: Request) -> Response:
        self.reached.append((await request.body(), acts_for(request.scope, "101")))
        return JSONResponse({"ok": True}, status_code=202)

    async def health(self, _request: Request) -> Response:
        return JSONResponse({"status": "ok"})


def guarded(surface, *, callers=None, clock=time.time, max_body_bytes=1024):
    callers = callers or {CALLER: Caller(CALLER, frozenset({"101"}), (SECRET,))}
    return SignedCallers(
        surface.app,
        callers,
        window_s=WINDOW_S,
        max_body_bytes=max_body_bytes,
        open_paths=("/health",),
        clock=clock,
    )


def client(app, auth=None):
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub", auth=auth
    )


def signed_headers(body: bytes, *, path="/notifications", secret=SECRET, at=None):
    """The headers SignedRequests would send for a POST of ``body``."""
    request = httpx.Request("POST", f"http://hub{path}", content=body)
    auth = SignedRequests(CALLER, secret, clock=(lambda: at) if at is not None else time.time)
    signed = next(auth.auth_flow(request))
    return {k: signed.headers[k] for k in (CALLER_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER)}


def refused(answer):
    """The one (field, problem) a refusal names."""
    (problem,) = answer.json()["problems"]
    return problem["field"], problem["problem"]


async def test_a_signed_request_reaches_the_surface_with_its_caller():
    surface = Surface()
    async with client(guarded(surface), auth=signing()) as http:
        answer = await http.post("/notifications", content=b'{"a": 1}')
    assert answer.status_code == 202
    assert surface.reached == [(b'{"a": 1}', True)]


@pytest.mark.parametrize("missing", [CALLER_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER])
async def test_a_missing_header_is_401_naming_it_and_reaches_nothing(missing):
    surface = Surface()
    headers = signed_headers(b"{}")
    del headers[missing]
    async with client(guarded(surface)) as http:
        answer = await http.post("/notifications", content=b"{}", headers=headers)
    assert answer.status_code == 401
    assert refused(answer) == (missing, "missing")
    assert answer.headers["www-authenticate"].startswith("Casehub-HMAC-SHA256")
    assert surface.reached == []


@pytest.mark.parametrize(
    "tamper",
    ["body", "path", "query", "secret", "caller", "signature"],
)
async def test_a_request_not_signed_as_sent_is_401_at_the_signature(tamper):
    surface = Surface()
    body = b'{"municipality": "101"}'
    headers = signed_headers(body, secret=OTHER_SECRET if tamper == "secret" else SECRET)
    sent, url = body, "/notifications"
    if tamper == "body":
        sent = b'{"municipality": "147"}'
    elif tamper == "path":
        headers = signed_headers(body, path="/documents")
    elif tamper == "query":
        url = "/notifications?municipality=147"
    elif tamper == "caller":
        headers[CALLER_HEADER] = "someone-else"  # unknown: answered as a wrong signature
    elif tamper == "signature":
        headers[SIGNATURE_HEADER] = "v1=" + "0" * 64
    async with client(guarded(surface)) as http:
        answer = await http.post(url, content=sent, headers=headers)
    assert answer.status_code == 401
    assert refused(answer) == (SIGNATURE_HEADER, "not valid for this caller, body and time")
    assert surface.reached == []


@pytest.mark.parametrize(
    ("header", "signed", "sent"),
    [
        ("x-casehub-municipality", "101", "147"),  # the upload's municipality
        ("x-casehub-municipality", None, "147"),  # added on the way
        ("x-casehub-file-name", "brev.pdf", "other.pdf"),
        ("content-type", "application/pdf", "image/png"),
    ],
)
async def test_a_header_a_surface_acts_on_is_signed_too(header, signed, sent):
    surface = Surface()
    body = b"%PDF-1.7"
    request = httpx.Request(
        "POST",
        "http://hub/notifications",
        content=body,
        headers={} if signed is None else {header: signed},
    )
    headers = dict(next(SignedRequests(CALLER, SECRET).auth_flow(request)).headers)
    async with client(guarded(surface)) as http:
        kept = await http.post("/notifications", content=body, headers=headers)
        headers[header] = sent
        changed = await http.post("/notifications", content=body, headers=headers)
    assert kept.status_code == 202
    assert changed.status_code == 401
    assert refused(changed) == (SIGNATURE_HEADER, "not valid for this caller, body and time")
    assert len(surface.reached) == 1


@pytest.mark.parametrize("skew_s", [-WINDOW_S - 1, WINDOW_S + 1])
async def test_a_timestamp_outside_the_window_is_401_so_an_old_request_cannot_be_replayed(skew_s):
    surface = Surface()
    now = time.time()
    headers = signed_headers(b"{}", at=now + skew_s)
    async with client(guarded(surface, clock=lambda: now)) as http:
        answer = await http.post("/notifications", content=b"{}", headers=headers)
        assert answer.status_code == 401
        assert refused(answer)[0] == TIMESTAMP_HEADER
        assert "window" in refused(answer)[1]
        inside = signed_headers(b"{}", at=now - WINDOW_S + 1)
        assert (await http.post("/notifications", content=b"{}", headers=inside)).status_code == 202
    assert len(surface.reached) == 1


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (TIMESTAMP_HEADER, "\uff11\uff17\uff10\uff10\uff10\uff10\uff10\uff10\uff10\uff10"),
        (TIMESTAMP_HEADER, "1.7e9"),
        (SIGNATURE_HEADER, "sha256=abc"),
        (SIGNATURE_HEADER, "v1=" + "A" * 64),
    ],
)
async def test_a_malformed_header_is_401_naming_it(header, value):
    surface = Surface()
    headers = signed_headers(b"{}") | {header: value}
    async with client(guarded(surface)) as http:
        answer = await http.post(
            "/notifications", content=b"{}", headers={k: v.encode() for k, v in headers.items()}
        )
    assert answer.status_code == 401
    assert refused(answer)[0] == header
    assert surface.reached == []


async def test_a_body_over_the_limit_is_413_before_the_surface_sees_it():
    surface = Surface()
    async with client(guarded(surface, max_body_bytes=100), auth=signing()) as http:
        answer = await http.post("/notifications", content=b"x" * 101)
    assert answer.status_code == 413
    assert refused(answer)[0] == "body"
    assert surface.reached == []


async def test_health_is_open_to_get_and_nothing_else():
    surface = Surface()
    async with client(guarded(surface)) as http:
        assert (await http.get("/health")).status_code == 200
        assert (await http.post("/health")).status_code == 401


async def test_a_caller_acts_only_for_its_municipalities():
    surface = Surface()
    callers = {CALLER: Caller(CALLER, frozenset({"147"}), (SECRET,))}
    async with client(guarded(surface, callers=callers), auth=signing()) as http:
        assert (await http.post("/notifications", content=b"{}")).status_code == 202
    assert surface.reached == [(b"{}", False)]  # verified, but not for 101


def test_a_request_that_was_never_verified_acts_for_no_one():
    assert not acts_for({"type": "http"}, "101")


async def test_during_a_rotation_both_secrets_are_taken_and_after_it_only_the_new(tmp_path):
    old, new = tmp_path / "old.secret", tmp_path / "new.secret"
    old.write_bytes(SECRET)
    new.write_bytes(OTHER_SECRET)
    rotating = CallerSettings(secret_file=old, next_secret_file=new, municipalities=("101",))
    rotated = CallerSettings(secret_file=new, municipalities=("101",))
    answers = {}
    for stage, settings in (("rotating", rotating), ("rotated", rotated)):
        app = guarded(Surface(), callers=load_callers({CALLER: settings}))
        async with client(app) as http:
            for secret in (SECRET, OTHER_SECRET):
                headers = signed_headers(b"{}", secret=secret)
                answer = await http.post("/notifications", content=b"{}", headers=headers)
                answers[stage, secret == SECRET] = answer.status_code
    assert answers == {
        ("rotating", True): 202,
        ("rotating", False): 202,
        ("rotated", True): 401,
        ("rotated", False): 202,
    }


def test_a_missing_or_short_secret_file_stops_the_hub_naming_the_setting(tmp_path):
    short = tmp_path / "short.secret"
    short.write_bytes(b"0123456789")  # too short; its content never appears
    for path, says in ((tmp_path / "absent", "cannot read"), (short, "shorter than 32")):
        settings = CallerSettings(secret_file=path, municipalities=("101",))
        with pytest.raises(ValueError, match=r"CASEHUB_CALLERS\[form-x\]") as raised:
            load_callers({"form-x": settings})
        assert says in str(raised.value)
        assert "0123456789" not in str(raised.value)


def test_casehub_run_with_a_missing_secret_file_ends_in_one_line(tmp_path, monkeypatch):
    absent = tmp_path / "absent.secret"
    callers = {"form-x": {"secret_file": str(absent), "municipalities": ["101"]}}
    monkeypatch.setenv("CASEHUB_CALLERS", json.dumps(callers))
    monkeypatch.setenv("CASEHUB_STATE_DIR", str(tmp_path / "state"))
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: CASEHUB_CALLERS[form-x]: cannot read the secret file {absent} (FileNotFoundError)"
    ]


def test_secrets_are_never_shown(tmp_path):
    (caller,) = load_callers(caller_settings(tmp_path, ["101"])).values()
    assert SECRET not in repr(caller).encode()
    assert SECRET not in repr(signing()).encode()
    assert caller.secrets == (SECRET,)  # read from the file, its newline stripped


def test_callers_are_configured_from_the_environment(tmp_path, monkeypatch):
    settings = caller_settings(tmp_path, ["101", "147"])
    value = {CALLER: settings[CALLER].model_dump(mode="json")}
    monkeypatch.setenv("CASEHUB_CALLERS", json.dumps(value))
    monkeypatch.setenv("CASEHUB_SIGNATURE_WINDOW_S", "60")
    loaded = Settings()
    assert loaded.callers == settings
    assert loaded.signature_window_s == 60.0
    monkeypatch.setenv("CASEHUB_CALLERS", json.dumps({CHILD: value[CALLER]}))
    with pytest.raises(ValueError, match="callers") as raised:
        Settings()  # a caller id may never be a CPR number: it is logged
    assert CHILD not in str(raised.value)


def _served(routes, prefix=""):
    """Every (method, path) the routes serve, mounted apps' routes included."""
    for route in routes:
        if isinstance(route, Mount):
            yield from _served(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            path = re.sub(r"\{[^}]+\}", "x", prefix + route.path)
            yield from ((method, path) for method in route.methods or ())


async def test_every_route_a_component_serves_takes_only_signed_callers(tmp_path):
    settings = Settings(
        state_dir=tmp_path / "state",
        municipalities=("101",),
        callers=caller_settings(tmp_path, ["101"]),
    )
    app = create_app(settings)  # not started: no broker is asked, only the routes
    served = {pair for component in app.state.components for pair in _served(component.routes)}
    assert ("POST", "/notifications") in served
    assert ("POST", "/documents") in served
    answers = {}
    async with client(app) as http:
        for method, path in sorted(served):
            answers[method, path] = (await http.request(method, path)).status_code
        for probe in ("/health", "/health/live"):
            answers["GET", probe] = (await http.get(probe)).status_code
    assert answers == {pair: 401 for pair in served if pair not in OPEN} | {
        ("GET", "/health"): 200,
        ("GET", "/health/live"): 200,
        ("HEAD", "/health"): 200,
    }


def test_only_the_handover_serves_routes_beside_the_caller_check(tmp_path):
    # A peer route is verified by what each request carries (a signed handover package or
    # answer), not by a caller secret: a new one must be a conscious choice, listed here.
    settings = Settings(
        state_dir=tmp_path / "state",
        municipalities=("101",),
        callers=caller_settings(tmp_path, ["101"]),
    )
    app = create_app(settings)
    peers = {
        component.name: {path for _method, path in _served(component.peer_routes)}
        for component in app.state.components
        if component.peer_routes
    }
    assert set(peers) <= {"handover"}
