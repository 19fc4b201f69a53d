"""The dashboard's pages without a broker: the mount, the viewer's municipalities, roles."""

import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from hub.compose.app import create_app
from hub.runtime.delivery import CircuitBreaker
from hub.runtime.metrics import FlowMetrics, HubMetrics, Outcome
from hub.web.dashboard import HubView, dashboard_app
from hub.web.viewer import Role
from tests.web.dashboard.fixed_login import FixedLogin, viewer

PAGES = ("/ops/", "/ops/flows", "/ops/health", "/ops/journal")


class _Delivery:
    """What the pages read of a delivery: its group, counters, breaker (no consumer yet)."""

    def __init__(self, metrics, component, breaker):
        self.group = f"casehub.x.{component}"
        self.metrics = FlowMetrics(metrics, component)
        self.breaker = breaker
        self.consumer = None
        self.positions = {}


@pytest.fixture
def hub(hub_kafka):
    metrics = HubMetrics()
    clock = [100.0]
    breaker = CircuitBreaker(
        open_after_s=1, cooldown_s=30, max_cooldown_s=60, clock=lambda: clock[0]
    )
    triage = _Delivery(metrics, "triage", breaker)
    for topic in ("casehub.101.intake.v1", "casehub.147.intake.v1"):
        triage.metrics.received(topic)
        triage.metrics.decided(topic, Outcome.HANDLED)
    triage.metrics.received("casehub.101.intake.v1")
    triage.metrics.decided("casehub.101.intake.v1", Outcome.QUARANTINED)
    breaker.failure(authorisation=True, error="AuthorisationError")
    return HubView(
        kafka=hub_kafka,
        municipalities=("101", "147"),
        group_prefix="casehub.x",
        instance="hub-a",
        metrics=metrics,
        deliveries=(triage,),
        started_at=time.time() - 60,
    )


def TestClient(app):  # noqa: N802 - Starlette's TestClient, over httpx's ASGI transport
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


def client(hub, signed_in):
    login = FixedLogin(signed_in)
    app = Starlette(routes=[Mount("/ops", app=login.guard(dashboard_app(hub)))])
    return TestClient(app)


async def test_without_a_login_the_hub_serves_no_page(hub_settings):
    http = TestClient(create_app(hub_settings))
    for path in PAGES:
        answer = await http.get(path)
        assert answer.status_code in {401, 404}, path
        assert "casehub operations" not in answer.text


async def test_with_a_login_the_hub_serves_the_pages_behind_its_guard(hub_settings):
    signed_in = viewer(Role.VIEWER, hub_settings.municipalities[0])
    http = TestClient(create_app(hub_settings, login=FixedLogin(signed_in)))
    for path in PAGES:
        answer = await http.get(path)
        assert answer.status_code == 200, path
        assert '<html lang="en">' in answer.text
        assert 'Signed in as <span class="subject">tester-1</span> (viewer)' in answer.text


async def test_a_page_refuses_a_request_the_login_put_no_viewer_in(hub):
    http = TestClient(Starlette(routes=[Mount("/ops", app=dashboard_app(hub))]))
    assert (await http.get("/ops/flows")).status_code == 401


async def test_flows_show_only_the_viewers_municipalities_with_their_outcomes(hub):
    page = (await client(hub, viewer(Role.OPERATOR, "101")).get("/ops/flows")).text
    assert "casehub.101.intake.v1" in page
    assert "casehub.147.intake.v1" not in page
    row = page.split("casehub.101.intake.v1")[1].split("</tr>")[0]
    # received 2, 2 per minute over the minute it ran, handled 1, retried 0, quarantined 1
    cells = [c.split(">")[-1] for c in row.split("</td>")][1:-1]
    assert cells[:6] == ["triage", "2", "2.0", "1", "0", "1"]
    assert cells[6].startswith("20")  # the last record's time, not "-"


async def test_health_shows_the_breaker_open_since_when_and_why(hub):
    page = (await client(hub, viewer(Role.VIEWER, "147")).get("/ops/health")).text
    row = page.split("<td>triage</td>")[1].split("</tr>")[0]
    assert 'class="breaker-open">open<' in row
    assert "AuthorisationError" in row
    assert "<td>-</td>" not in row.split("AuthorisationError")[0]  # since: a time


async def test_every_page_has_a_heading_labelled_controls_and_captioned_tables(hub):
    http = client(hub, viewer(Role.OPERATOR, "101"))
    for path in PAGES:
        page = (await http.get(path)).text
        assert page.count("<h1>") == 1, path
        assert '<nav aria-label="Pages">' in page
        assert page.count("<table>") == page.count("<caption>"), path
        for control in ("<input id=", "<select id="):
            for part in page.split(control)[1:]:
                name = part.split('"')[1]
                assert f'<label for="{name}">' in page, (path, name)


async def test_the_journal_of_another_municipality_is_not_found(hub):
    http = client(hub, viewer(Role.AUDITOR, "101"))
    answer = await http.get("/ops/journal", params={"municipality": "147", "case": "C-1"})
    assert answer.status_code == 404
    assert "147" not in answer.text


async def test_a_municipality_this_hub_does_not_serve_is_not_shown(hub):
    page = (await client(hub, viewer(Role.OPERATOR, "101", "999")).get("/ops/")).text
    assert "may see on this hub: 101." in page
