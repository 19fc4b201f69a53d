"""In a real browser: sign in at the stand-in provider, act on a guarded page, sign out.

Debian's headless Chromium (tests/browser.py) against the stand-in identity provider and the
hub's login, each served on its own loopback port as in production; every page is checked
with axe-core and saved as a screenshot in test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from hub.runtime.serve import free_port, serving
from hub.web.idp import IdentityProvider, IdpUser, running_idp
from hub.web.login import SessionAction
from tests import identity
from tests.browser import Shots, assert_accessible, tab_to


@dataclass
class Servers:
    hub: str
    provider: IdentityProvider
    audit: identity.AuditLog


@pytest.fixture(scope="module")
async def servers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Servers]:
    port = free_port()  # the hub's address must be known to register its redirect URI
    hub = f"http://127.0.0.1:{port}"
    audit = identity.AuditLog()
    folder: Path = tmp_path_factory.mktemp("login")
    async with (
        running_idp(identity.directory(hub)) as provider,
        httpx.AsyncClient(timeout=5.0) as http,
    ):
        login = identity.login(provider.issuer, hub, folder, audit=audit, http=http)
        async with serving(identity.site(login), port=port) as url:
            assert url == hub
            yield Servers(hub, provider, audit)


async def sign_in(page: Page, servers: Servers, user: IdpUser, shots: Shots) -> None:
    """Open the page, sign in at the provider's form with the keyboard, land on the page."""
    await page.goto(f"{servers.hub}/page")
    await expect(page).to_have_url(re.compile(rf"^{re.escape(servers.provider.issuer)}/authorize"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    await shots.take(page, "provider-sign-in")
    await assert_accessible(page)
    await page.get_by_label("User name").fill(user.username)
    await page.get_by_label("Password").fill(user.password.get_secret_value())
    await tab_to(page, "button[type=submit]")
    await page.keyboard.press("Enter")  # signed in with the keyboard alone
    await expect(page).to_have_url(f"{servers.hub}/page")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Signed in")


async def test_an_operator_of_101_signs_in_acts_and_signs_out(page, servers, shots):
    await sign_in(page, servers, identity.OPERATOR_101, shots)
    pseudonym = identity.pseudonym(servers.provider.issuer, identity.OPERATOR_101.subject)
    await expect(page.locator("#subject")).to_have_text(pseudonym)  # never the provider's sub
    await expect(page.locator("#municipalities")).to_have_text("101")
    await expect(page.locator("#roles")).to_have_text("operator")
    await shots.take(page, "guarded-page")
    await assert_accessible(page)

    # the page's form carries the session's CSRF token, and passes
    await page.get_by_label("Reason").fill("replay after the fix")
    await page.get_by_role("button", name="Act").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Done")
    await expect(page.locator("#reason")).to_have_text("replay after the fix")
    await shots.take(page, "acted")

    # the same action from a script without the token is refused, with the session cookie sent
    status = await page.evaluate(
        """async () => (await fetch('/page/act', {method: 'POST',
            headers: {'Content-Type': 'application/x-www-form-urlencoded'},
            body: 'reason=forged'})).status"""
    )
    assert status == 403

    await page.goto(f"{servers.hub}/page")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{servers.hub}/logout")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Signed out")
    await shots.take(page, "signed-out")
    await assert_accessible(page)

    await page.goto(f"{servers.hub}/page")  # no session any more: sign in first
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    signed = [(e.action, e.subject) for e in servers.audit.events if e.subject == pseudonym]
    assert signed == [(SessionAction.SIGN_IN, pseudonym), (SessionAction.SIGN_OUT, pseudonym)]
    assert len(shots.taken) == 4
    assert all(path.stat().st_size > 0 for path in shots.taken)


async def test_an_operator_of_147_sees_only_147(page, servers, shots):
    await sign_in(page, servers, identity.OPERATOR_147, shots)
    await expect(page.locator("#municipalities")).to_have_text("147")
    assert "101" not in await page.locator("main").inner_text()
    await shots.take(page, "guarded-page")
