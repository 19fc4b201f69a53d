"""The demo's sign-in to the dashboard: the stand-in identity provider and its test users.

``casehub demo`` serves the dashboard (``/ops``) behind the same OIDC login as every hub
(``CASEHUB_LOGIN``), against the stand-in provider (hub/web/idp) on a loopback port. Its users
are made up for this run (no CPR number, no name) with fresh passwords, printed by the demo so
a newcomer can sign in: an operator of the demo's municipality, an auditor of it, and an
operator of another municipality who sees none of its records.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from hub.web.idp import IdpClient, IdpDirectory, IdpUser, running_idp
from hub.web.login import LoginSettings

__all__ = ["DemoLogin", "demo_login"]

CLIENT_ID = "casehub-demo"
OTHER_MUNICIPALITY = "147"


@dataclass(frozen=True)
class DemoLogin:
    """The hub's login settings and the users who may sign in."""

    settings: LoginSettings
    users: tuple[IdpUser, ...]


def _user(name: str, role: str, municipality: str) -> IdpUser:
    return IdpUser(
        username=name,
        password=SecretStr(secrets.token_urlsafe(9)),
        subject=f"u-{name}",
        roles=(role,),
        municipalities=(municipality,),
    )


def _secret_file(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    path.chmod(0o600)
    return path


@asynccontextmanager
async def demo_login(
    folder: Path, hub_url: str, municipality: str, other: str = OTHER_MUNICIPALITY
) -> AsyncIterator[DemoLogin]:
    """The stand-in provider running for the hub at ``hub_url``, until the block ends.

    Its users: ``op<municipality>`` (operator), ``audit<municipality>`` (auditor) and
    ``op<other>``, an operator of another municipality.
    """
    users = (
        _user(f"op{municipality}", "operator", municipality),
        _user(f"audit{municipality}", "auditor", municipality),
        _user(f"op{other}", "operator", other),
    )
    client_secret = secrets.token_urlsafe(24)
    directory = IdpDirectory(
        users=users,
        clients=(
            IdpClient(
                client_id=CLIENT_ID,
                client_secret=SecretStr(client_secret),
                redirect_uris=(f"{hub_url}/login/callback",),
            ),
        ),
    )
    async with running_idp(directory) as provider:
        settings = LoginSettings(
            issuer=provider.issuer,
            client_id=CLIENT_ID,
            client_secret_file=_secret_file(folder / "login-client.secret", client_secret.encode()),
            session_key_file=_secret_file(
                folder / "login-session.key", secrets.token_hex(32).encode()
            ),
            redirect_base_url=hub_url,
        )
        yield DemoLogin(settings, users)
