"""The dashboard in a real browser, signed in through OIDC: find a quarantined record, replay it.

Debian's headless Chromium (tests/browser.py) signs in at the stand-in identity provider the
demo uses (hub/cli/demo_login.py) to a hub on the real broker, whose login comes from its
settings (``CASEHUB_LOGIN``) as in production. The operator of the first municipality sees its
flow, finds the record quarantined when the effect service refused it, replays it with a
reason from the keyboard, and sees it handled and audited under its pseudonym; the operator
of another municipality sees none of it. Every page is checked with axe-core and saved as a
screenshot in test-artifacts/.
"""

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, Page, expect

from hub.cli.demo_login import DemoLogin, demo_login
from hub.cli.quarantine_ops import Entry, Filters, read_entries
from hub.compose.app import create_app
from hub.runtime.serve import free_port, serving
from hub.web.dashboard.render import NAVIGATION
from hub.web.idp import IdpUser
from hub.web.login import SubjectPseudonyms
from routing.topics import AUDIT_DOMAIN, topic
from tests.browser import Shots, assert_accessible, tab_to
from tests.effects import EffectStandIn, recorder
from tests.factories import submission
from tests.hub.test_delivery_kafka import ROUTES, effect_of, post_all, until
from tests.kafka import read_topic

pytestmark = pytest.mark.kafka


@dataclass
class Served:
    """A hub on the real broker serving two municipalities, its login, one parked record."""

    hub: str
    login: DemoLogin
    settings: Any
    ours: str
    theirs: str
    rejected: dict[str, Any]
    entry: Entry

    def pseudonym(self, user: IdpUser) -> str:
        """The subject the hub's login shows and audits for ``user`` (never its ``sub``)."""
        pseudonyms = SubjectPseudonyms(self.login.settings.session_key())
        return pseudonyms(self.login.settings.issuer, user.subject)


@pytest.fixture
async def served(
    hub_settings, fresh_municipality, standin: EffectStandIn, tmp_path
) -> AsyncIterator[Served]:
    ours, theirs = hub_settings.municipalities[0], fresh_municipality()
    port = free_port()  # the provider must know the hub's redirect URI before it starts
    hub = f"http://127.0.0.1:{port}"
    case = f"B-{uuid.uuid4().hex[:8]}"
    rejected = submission(ours, case_id=case)
    standin.reject.add(effect_of(rejected))
    async with demo_login(tmp_path, hub, ours, other=theirs) as login:
        # The hub's login from its settings, as CASEHUB_LOGIN gives it in production.
        settings = hub_settings.model_copy(
            update={"routes": ROUTES, "municipalities": (ours, theirs), "login": login.settings}
        )
        async with serving(create_app(settings, extra=[recorder(standin.url)]), port=port):
            await post_all(hub, [rejected])
            entries: list[Entry] = []
            while not entries:  # bounded by the test's timeout; the hub retries, then parks
                entries = await read_entries(settings.kafka, Filters(case=case))
            yield Served(hub, login, settings, ours, theirs, rejected, entries[0])


async def sign_in(page: Page, served: Served, user: IdpUser) -> None:
    """Open the dashboard, sign in at the provider's form, land on the dashboard."""
    await page.goto(f"{served.hub}/ops/")
    issuer = re.escape(served.login.settings.issuer)
    await expect(page).to_have_url(re.compile(rf"^{issuer}/authorize"))
    await page.get_by_label("User name").fill(user.username)
    await page.get_by_label("Password").fill(user.password.get_secret_value())
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{served.hub}/ops/")
    await expect(page.locator(".subject")).to_have_text(served.pseudonym(user))


async def look_round(page: Page, served: Served, shots: Shots) -> None:
    """Every page from the navigation, accessible; the flow is our municipality's alone."""
    await shots.take(page, "home")
    await assert_accessible(page)
    navigation = page.get_by_role("navigation")
    for name, text in NAVIGATION:
        if name == "quarantine":
            continue  # below, where the record is found
        await navigation.get_by_role("link", name=text, exact=True).click()
        await expect(page).to_have_url(f"{served.hub}/ops/{name}")
        await shots.take(page, name)
        await assert_accessible(page)
    await page.goto(f"{served.hub}/ops/flows")
    await expect(page.locator("main")).to_contain_text(topic("person", served.ours))
    assert topic("person", served.theirs) not in await page.locator("main").inner_text()


async def replay(page: Page, served: Served, standin: EffectStandIn, shots: Shots) -> None:
    """Find the record in the quarantine, replay it with a reason; it is handled."""
    listing = await page.goto(f"{served.hub}/ops/quarantine")
    assert listing is not None
    assert listing.headers["cache-control"] == "no-store"  # no cache keeps what it shows
    await shots.take(page, "quarantine")
    await assert_accessible(page)
    await page.get_by_role("link", name=served.entry.source_ref).click()
    heading = page.get_by_role("heading", level=1)
    await expect(heading).to_contain_text(served.entry.source_ref)
    await expect(page.locator("main")).to_contain_text("effect service rejected")
    await shots.take(page, "quarantined-record")
    await assert_accessible(page)
    standin.reject.clear()  # the cause is fixed
    await page.get_by_label(re.compile("^Reason")).fill("agreement renewed")
    await tab_to(page, "form[method=post] button[type=submit]")
    await page.keyboard.press("Enter")  # replayed with the keyboard alone
    await expect(page.get_by_role("status")).to_contain_text("Replayed")
    await shots.take(page, "replayed")
    await until(lambda: effect_of(served.rejected) in standin.applied)


async def sees_nothing(chromium: Browser, served: Served, shots: Shots) -> None:
    """The other municipality's operator: no record in the list, 404 for its address."""
    context = await chromium.new_context()
    try:
        page = await context.new_page()
        page.set_default_timeout(10_000)
        await sign_in(page, served, served.login.users[2])
        await page.goto(f"{served.hub}/ops/quarantine")
        await expect(page.locator("main")).to_contain_text("Nothing quarantined")
        assert served.entry.case not in await page.locator("main").inner_text()
        await shots.take(page, "other-municipality-quarantine")
        answer = await page.goto(f"{served.hub}/ops/quarantine/{quote(served.entry.ref)}")
        assert answer is not None
        assert answer.status == 404
    finally:
        await context.close()


async def test_an_operator_replays_from_the_dashboard_and_another_municipality_sees_nothing(
    served: Served, standin: EffectStandIn, chromium: Browser, page: Page, shots: Shots
):
    operator = served.login.users[0]
    await sign_in(page, served, operator)
    await look_round(page, served, shots)
    await replay(page, served, standin, shots)
    await sees_nothing(chromium, served, shots)

    audits = await read_topic(served.settings.kafka, topic(AUDIT_DOMAIN, served.ours))
    replays = [r.value for r in audits if b"quarantine-replay" in r.value]
    assert len(replays) == 1
    assert f"operator:{served.pseudonym(operator)}".encode() in replays[0]
    assert operator.subject.encode() not in replays[0]
    assert b"agreement renewed" in replays[0]
    assert await read_topic(served.settings.kafka, topic(AUDIT_DOMAIN, served.theirs)) == []
