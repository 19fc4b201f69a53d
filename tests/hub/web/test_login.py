"""The login and the stand-in provider in one process: every check that can refuse, refuses.

The relying party reaches the provider through httpx's ASGI transport and the "browser" is an
httpx client with a cookie jar, so each step of the code flow can be looked at and tampered
with; the real browser on real ports is in test_login_browser.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from pydantic import SecretStr, ValidationError
from structlog.testing import capture_logs

from hub.compose.settings import Settings
from hub.runtime.audit import operator_principal
from hub.web.forms import FORM_LIMIT_BYTES
from hub.web.idp import IdentityProvider, IdpUser, load_directory
from hub.web.login import (
    IdTokenRefusedError,
    LoginSettings,
    SessionAction,
    SubjectPseudonyms,
    validate_id_token,
    viewer_from_claims,
)
from hub.web.login.guard import local_path
from hub.web.pkce import new_verifier, s256_challenge
from hub.web.viewer import Role
from tests import identity

ISSUER = "http://idp.test"
HUB = "http://hub.test"


@dataclass
class World:
    provider: IdentityProvider
    idp: httpx.AsyncClient  # the provider's side, as the browser and the hub reach it
    browser: httpx.AsyncClient  # the hub, as a browser reaches it (keeps cookies)
    audit: identity.AuditLog


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    provider = IdentityProvider(identity.directory(HUB), issuer=ISSUER)
    idp = httpx.AsyncClient(transport=httpx.ASGITransport(provider.app()), base_url=ISSUER)
    audit = identity.AuditLog()
    login = identity.login(ISSUER, HUB, tmp_path, audit=audit, http=idp)
    site = httpx.ASGITransport(identity.site(login))
    async with idp, httpx.AsyncClient(transport=site, base_url=HUB) as browser:
        yield World(provider, idp, browser, audit)


async def authorization(world: World) -> httpx.URL:
    """Ask for the page without a session, follow to the provider's authorization URL."""
    first = await world.browser.get("/page")
    assert first.status_code == 303
    assert first.headers["location"] == "/login?next=%2Fpage"
    start = await world.browser.get(first.headers["location"])
    assert start.status_code == 303
    return httpx.URL(start.headers["location"])


async def code_for(world: World, url: httpx.URL, user: IdpUser) -> httpx.URL:
    """Sign in at the provider's form; the callback URL it sends the browser to."""
    form = dict(url.params)
    form |= {"username": user.username, "password": user.password.get_secret_value()}
    answer = await world.idp.post("/authorize", data=form)
    assert answer.status_code == 303, answer.text
    return httpx.URL(answer.headers["location"])


async def sign_in(world: World, user: IdpUser) -> httpx.Response:
    callback = await code_for(world, await authorization(world), user)
    assert str(callback).startswith(f"{HUB}/login/callback?")
    return await world.browser.get(callback)


def token_claims(provider: IdentityProvider, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": identity.CLIENT_ID,
        "sub": "u-op101",
        "iat": now,
        "exp": now + 300,
        "nonce": "the-nonce",
        "roles": ["operator"],
        "municipalities": ["101"],
    }
    return claims | changes


def signed(claims: dict[str, Any], key: RSAKey) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def issuing_subject(provider: IdentityProvider, subject: str) -> Any:
    """The provider's ``id_token``, but naming ``subject`` (its directory allows no such sub)."""
    issue = provider.id_token

    def id_token(user: IdpUser, *, audience: str, nonce: str) -> str:
        claims = jwt.decode(issue(user, audience=audience, nonce=nonce), provider.key).claims
        return signed(claims | {"sub": subject}, provider.key)

    return id_token


# Subjects providers really send: NemLog-in's person URN (longer than an operator name may be)
# and an e-mail address (a UPN); neither may reach a page, a log line or an audit record.
FOREIGN_SUBJECTS = [
    "https://data.gov.dk/model/core/eid/person/uuid/1f3a5c7e-9b2d-4e6f-8a0c-2d4e6f8a0c1e",
    "op.101@kommune.example",
]
CPR_SUBJECTS = ["6105151234", "610515-1234", "urn:person:6105151234"]


class TestIdToken:
    def keys(self, provider: IdentityProvider) -> KeySet:
        return KeySet.import_key_set({"keys": [provider.key.as_dict(private=False)]})

    def check(self, provider: IdentityProvider, token: str) -> dict[str, Any]:
        return validate_id_token(
            token,
            self.keys(provider),
            issuer=ISSUER,
            audience=identity.CLIENT_ID,
            nonce="the-nonce",
        )

    def test_a_good_token_gives_its_claims(self):
        provider = IdentityProvider(identity.directory(HUB), issuer=ISSUER)
        claims = self.check(provider, signed(token_claims(provider), provider.key))
        assert claims["sub"] == "u-op101"

    @pytest.mark.parametrize(
        ("changes", "refused"),
        [
            ({"aud": "another-client"}, "aud"),
            ({"nonce": "another-nonce"}, "nonce"),
            ({"iss": "http://another-idp.test"}, "iss"),
            ({"exp": int(time.time()) - 3600}, "expired"),
            ({"azp": "another-client"}, "azp"),
        ],
        ids=["wrong-audience", "wrong-nonce", "wrong-issuer", "expired", "wrong-azp"],
    )
    def test_a_token_for_another_sign_in_is_refused(self, changes, refused):
        provider = IdentityProvider(identity.directory(HUB), issuer=ISSUER)
        token = signed(token_claims(provider, **changes), provider.key)
        with pytest.raises(IdTokenRefusedError, match=refused):
            self.check(provider, token)

    @pytest.mark.parametrize("subject", CPR_SUBJECTS, ids=["plain", "hyphen", "inside-urn"])
    def test_a_cpr_shaped_subject_is_refused_without_naming_it(self, subject):
        provider = IdentityProvider(identity.directory(HUB), issuer=ISSUER)
        token = signed(token_claims(provider, sub=subject), provider.key)
        with pytest.raises(IdTokenRefusedError, match="CPR-shaped subject") as refused:
            self.check(provider, token)
        assert "6105151" not in str(refused.value)

    def test_a_tampered_token_is_refused(self):
        provider = IdentityProvider(identity.directory(HUB), issuer=ISSUER)
        header, payload, signature = signed(token_claims(provider), provider.key).split(".")
        other = signed(token_claims(provider, municipalities=["147"]), provider.key)
        forged = f"{header}.{other.split('.')[1]}.{signature}"  # 147's claims, 101's signature
        assert payload != other.split(".")[1]
        with pytest.raises(IdTokenRefusedError, match="signature"):
            self.check(provider, forged)

    def test_a_token_signed_by_another_key_is_refused(self):
        provider = IdentityProvider(identity.directory(HUB), issuer=ISSUER)
        stranger = RSAKey.generate_key(
            2048, parameters={"kid": str(provider.key.kid)}, private=True
        )
        with pytest.raises(IdTokenRefusedError, match="signature"):
            self.check(provider, signed(token_claims(provider), stranger))

    def test_an_unsigned_token_is_refused(self):
        provider = IdentityProvider(identity.directory(HUB), issuer=ISSUER)
        _, payload, _ = signed(token_claims(provider), provider.key).split(".")
        with pytest.raises(IdTokenRefusedError, match="signature"):
            self.check(provider, f"eyJhbGciOiJub25lIn0.{payload}.")  # {"alg":"none"}


class TestViewerFromClaims:
    def test_unknown_roles_and_malformed_municipalities_are_ignored(self):
        viewer = viewer_from_claims(
            {"sub": "u-1", "roles": ["operator", "root", 7], "municipalities": ["101", "x1", 147]},
            subject="pseudonym",
        )
        assert viewer.subject == "pseudonym"
        assert viewer.roles == {Role.OPERATOR}
        assert viewer.municipalities == {"101"}

    def test_no_municipality_claim_sees_nothing(self):
        viewer = viewer_from_claims({"sub": "u-1", "roles": "auditor"}, subject="pseudonym")
        assert viewer.roles == {Role.AUDITOR}
        assert viewer.municipalities == frozenset()
        assert not viewer.sees("101")


class TestSubjectPseudonyms:
    @pytest.mark.parametrize("subject", FOREIGN_SUBJECTS, ids=["nemlog-in-urn", "e-mail"])
    def test_a_pseudonym_is_letters_and_an_operator_name(self, subject):
        pseudonym = SubjectPseudonyms(identity.SESSION_KEY)(ISSUER, subject)
        assert pseudonym.isascii()
        assert pseudonym.isalpha()
        assert pseudonym.islower()
        assert operator_principal(pseudonym) == f"operator:{pseudonym}"

    def test_the_same_key_gives_the_same_pseudonym_another_key_or_issuer_another(self):
        one, same = SubjectPseudonyms(b"a" * 32), SubjectPseudonyms(b"a" * 32)
        other = SubjectPseudonyms(b"b" * 32)
        assert one(ISSUER, "u-op101") == same(ISSUER, "u-op101")  # every instance agrees
        assert one(ISSUER, "u-op101") != other(ISSUER, "u-op101")
        assert one(ISSUER, "u-op101") != one("http://another-idp.test", "u-op101")
        assert one(ISSUER, "u-op101") != one(ISSUER, "u-op147")


class TestProvider:
    async def test_the_token_endpoint_checks_the_pkce_verifier(self, world):
        url = await authorization(world)
        callback = await code_for(world, url, identity.OPERATOR_101)
        code = callback.params["code"]
        token = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": url.params["redirect_uri"],
            "code_verifier": new_verifier(),  # not the one the challenge was made from
        }
        auth = (identity.CLIENT_ID, identity.CLIENT_SECRET)
        refused = await world.idp.post("/token", data=token, auth=auth)
        assert refused.status_code == 400
        assert refused.json() == {"error": "invalid_grant"}
        # the code is spent: the hub's own (right) verifier no longer gets a token for it
        spent = await world.browser.get(callback)
        assert spent.status_code == 403
        assert spent.headers["x-casehub-refused"] == "token"

    async def test_the_token_endpoint_gives_an_id_token_for_the_right_verifier(self, world):
        verifier = new_verifier()
        query = {
            "client_id": identity.CLIENT_ID,
            "redirect_uri": f"{HUB}/login/callback",
            "response_type": "code",
            "scope": "openid",
            "state": "s",
            "nonce": "n",
            "code_challenge": s256_challenge(verifier),
            "code_challenge_method": "S256",
        }
        callback = await code_for(
            world, httpx.URL(f"{ISSUER}/authorize", params=query), identity.NOBODY
        )
        answer = await world.idp.post(
            "/token",
            data={
                "grant_type": "authorization_code",
                "code": callback.params["code"],
                "redirect_uri": query["redirect_uri"],
                "code_verifier": verifier,
            },
            auth=(identity.CLIENT_ID, identity.CLIENT_SECRET),
        )
        assert answer.status_code == 200
        claims = jwt.decode(answer.json()["id_token"], world.provider.key).claims
        assert (claims["sub"], claims["nonce"], claims["aud"]) == ("u-nobody", "n", "casehub-test")

    @pytest.mark.parametrize("method", ["plain", ""], ids=["plain", "none"])
    async def test_authorization_without_s256_is_refused(self, world, method):
        url = await authorization(world)
        params = dict(url.params) | {"code_challenge_method": method}
        answer = await world.idp.get("/authorize", params=params)
        assert answer.status_code == 400

    async def test_a_wrong_password_is_refused_with_the_form_again(self, world):
        url = await authorization(world)
        form = dict(url.params) | {"username": "op101", "password": "guess"}
        answer = await world.idp.post("/authorize", data=form)
        assert answer.status_code == 401
        assert 'role="alert"' in answer.text
        assert '<label for="password">' in answer.text


class TestSignIn:
    async def test_signing_in_reaches_the_page_with_the_claims_viewer(self, world):
        back = await sign_in(world, identity.OPERATOR_101)
        assert back.status_code == 303
        assert back.headers["location"] == "/page"
        page = await world.browser.get("/page")
        assert page.status_code == 200
        assert '<span id="municipalities">101</span>' in page.text
        assert '<span id="roles">operator</span>' in page.text  # "superuser" is not a role
        pseudonym = identity.pseudonym(ISSUER, "u-op101")
        assert f'<span id="subject">{pseudonym}</span>' in page.text
        assert "u-op101" not in page.text
        assert [(e.action, e.subject, e.municipalities) for e in world.audit.events] == [
            (SessionAction.SIGN_IN, pseudonym, ("101",))
        ]

    @pytest.mark.parametrize("subject", FOREIGN_SUBJECTS, ids=["nemlog-in-urn", "e-mail"])
    async def test_a_foreign_subject_signs_in_as_its_pseudonym(self, world, monkeypatch, subject):
        monkeypatch.setattr(world.provider, "id_token", issuing_subject(world.provider, subject))
        back = await sign_in(world, identity.OPERATOR_101)
        assert (back.status_code, back.headers["location"]) == (303, "/page")
        page = await world.browser.get("/page")
        pseudonym = identity.pseudonym(ISSUER, subject)
        assert f'<span id="subject">{pseudonym}</span>' in page.text
        assert subject not in page.text
        [event] = world.audit.events
        assert event.subject == pseudonym
        assert operator_principal(event.subject) == f"operator:{pseudonym}"  # it can replay

    @pytest.mark.parametrize("subject", CPR_SUBJECTS, ids=["plain", "hyphen", "inside-urn"])
    async def test_a_cpr_shaped_subject_gets_no_session(self, world, monkeypatch, subject):
        monkeypatch.setattr(world.provider, "id_token", issuing_subject(world.provider, subject))
        with capture_logs() as logs:
            back = await sign_in(world, identity.OPERATOR_101)
        assert back.status_code == 403
        assert back.headers["x-casehub-refused"] == "token"
        assert "6105151" not in back.text
        assert [log["event"] for log in logs] == ["login.refused"]
        assert "6105151" not in repr(logs)
        assert world.audit.events == []
        assert (await world.browser.get("/page")).status_code == 303  # still no session

    async def test_the_session_cookie_is_http_only_and_same_site(self, world):
        back = await sign_in(world, identity.OPERATOR_101)
        cookie = next(
            value
            for value in back.headers.get_list("set-cookie")
            if value.startswith("casehub-session=")
        )
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "u-op101" not in cookie  # encrypted, not only signed

    async def test_a_https_hub_sets_secure_host_cookies(self, tmp_path):
        provider = IdentityProvider(identity.directory("https://hub.test"), issuer=ISSUER)
        idp = httpx.AsyncClient(transport=httpx.ASGITransport(provider.app()), base_url=ISSUER)
        login = identity.login(
            ISSUER, "https://hub.test", tmp_path, audit=identity.AuditLog(), http=idp
        )
        site = httpx.ASGITransport(identity.site(login))
        async with idp, httpx.AsyncClient(transport=site, base_url="https://hub.test") as hub:
            start = await hub.get("/login")
        cookie = start.headers["set-cookie"]
        assert cookie.startswith("__Host-casehub-sign-in=")
        assert "Secure" in cookie
        assert "Path=/" in cookie

    async def test_a_callback_with_another_state_is_refused(self, world):
        callback = await code_for(world, await authorization(world), identity.OPERATOR_101)
        params = dict(callback.params) | {"state": "forged"}
        answer = await world.browser.get("/login/callback", params=params)
        assert answer.status_code == 400
        assert answer.headers["x-casehub-refused"] == "state"
        assert (await world.browser.get("/page")).status_code == 303  # still no session
        assert world.audit.events == []

    async def test_a_tampered_session_cookie_is_no_session(self, world):
        await sign_in(world, identity.OPERATOR_101)
        sealed = world.browser.cookies["casehub-session"]
        world.browser.cookies.set("casehub-session", sealed[:-6] + "AAAAAA", domain="hub.test")
        answer = await world.browser.get("/page")
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?")

    def test_only_a_local_path_is_a_next_page(self):
        assert local_path("/page?x=1", "/home") == "/page?x=1"
        for outside in ("//evil.test/x", "/\\evil.test", "https://evil.test", "", None):
            assert local_path(outside, "/home") == "/home"


class TestNotStored:
    async def test_every_answer_behind_the_guard_is_no_store(self, world):
        answers = [await world.browser.get("/page")]  # no session: sent to sign in
        await sign_in(world, identity.OPERATOR_101)
        answers += [
            await world.browser.get("/page"),
            await world.browser.post("/page/act", data={"reason": "r", "csrf": "forged"}),
            await world.browser.post("/page/act", data={"reason": "x" * (FORM_LIMIT_BYTES + 1)}),
        ]
        assert [answer.status_code for answer in answers] == [303, 200, 403, 413]
        assert [answer.headers.get_list("cache-control") for answer in answers] == [
            ["no-store"]
        ] * len(answers)


class TestCsrf:
    async def test_an_unsafe_method_needs_the_sessions_token(self, world):
        await sign_in(world, identity.OPERATOR_101)
        page = await world.browser.get("/page")
        token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        missing = await world.browser.post("/page/act", data={"reason": "r"})
        wrong = await world.browser.post("/page/act", data={"reason": "r", "csrf": "x" + token})
        header = await world.browser.post(
            "/page/act", data={"reason": "by header"}, headers={"X-CSRF-Token": token}
        )
        field = await world.browser.post("/page/act", data={"reason": "by field", "csrf": token})
        assert (missing.status_code, wrong.status_code) == (403, 403)
        assert header.status_code == 200
        assert '<span id="reason">by header</span>' in header.text
        assert field.status_code == 200
        assert '<span id="reason">by field</span>' in field.text  # the page read the body

    async def test_an_unsafe_method_without_a_session_is_refused(self, world):
        answer = await world.browser.post("/page/act", data={"reason": "r", "csrf": "x"})
        assert answer.status_code == 401

    async def test_signing_out_needs_the_token_and_ends_the_session(self, world):
        await sign_in(world, identity.OPERATOR_101)
        page = await world.browser.get("/page")
        token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        refused = await world.browser.post("/logout", data={"csrf": "forged"})
        assert refused.status_code == 403
        assert (await world.browser.get("/page")).status_code == 200
        out = await world.browser.post("/logout", data={"csrf": token})
        assert (out.status_code, out.headers["location"]) == (303, "/logout")
        assert (await world.browser.get("/page")).status_code == 303
        assert [e.action for e in world.audit.events] == [
            SessionAction.SIGN_IN,
            SessionAction.SIGN_OUT,
        ]


class TestKeysAndSettings:
    async def test_a_rotated_provider_key_is_fetched_again(self, world):
        await sign_in(world, identity.OPERATOR_101)
        world.provider.key = RSAKey.generate_key(
            2048, parameters={"kid": "rotated", "use": "sig", "alg": "RS256"}, private=True
        )
        world.browser.cookies.clear()
        back = await sign_in(world, identity.OPERATOR_147)
        assert (back.status_code, back.headers["location"]) == (303, "/page")
        page = await world.browser.get("/page")
        assert '<span id="municipalities">147</span>' in page.text

    def test_the_hub_reads_its_login_from_casehub_login(self, tmp_path, monkeypatch):
        settings = {
            "issuer": "https://idp.example/realms/k101",
            "client_id": "casehub",
            "client_secret_file": str(tmp_path / "secret"),
            "session_key_file": str(tmp_path / "key"),
            "redirect_base_url": "https://hub.example",
        }
        monkeypatch.setenv("CASEHUB_LOGIN", json.dumps(settings))
        login = Settings().login
        assert login is not None
        assert login.secure
        assert login.session_max_age_s == 8 * 3600

    def test_a_short_session_key_is_refused(self, tmp_path):
        (tmp_path / "key").write_bytes(b"short")
        settings = LoginSettings(
            issuer=ISSUER,
            client_id="casehub",
            client_secret_file=tmp_path / "secret",
            session_key_file=tmp_path / "key",
            redirect_base_url=HUB,
        )
        with pytest.raises(ValueError, match="at least 32 bytes"):
            settings.session_key()

    def test_a_cpr_shaped_subject_is_refused_in_the_directory(self):
        with pytest.raises(ValidationError) as refused:
            IdpUser(username="u1", password=SecretStr("p"), subject="6105151234")
        assert "6105151234" not in str(refused.value)

    def test_the_example_directory_loads(self, repo_root):
        example = load_directory(repo_root / "deploy" / "local" / "idp-directory.json")
        assert {user.username for user in example.users} == {"op101", "audit101", "op147"}

    async def test_a_discovery_document_of_another_issuer_stops_the_sign_in(self, tmp_path):
        provider = IdentityProvider(identity.directory(HUB), issuer="http://impostor.test")
        idp = httpx.AsyncClient(transport=httpx.ASGITransport(provider.app()), base_url=ISSUER)
        login = identity.login(ISSUER, HUB, tmp_path, audit=identity.AuditLog(), http=idp)
        site = httpx.ASGITransport(identity.site(login))
        async with idp, httpx.AsyncClient(transport=site, base_url=HUB) as hub:
            answer = await hub.get("/login")
        assert answer.status_code == 503
        assert "set-cookie" not in answer.headers

    async def test_an_oversized_form_is_refused_unread(self, world):
        await sign_in(world, identity.OPERATOR_101)
        huge = {"reason": "x" * (FORM_LIMIT_BYTES + 1), "csrf": "x"}
        assert (await world.browser.post("/page/act", data=huge)).status_code == 413
        assert (await world.browser.post("/logout", data=huge)).status_code == 403
        assert (await world.browser.get("/page")).status_code == 200  # still signed in
