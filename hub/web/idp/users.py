"""The stand-in identity provider's users and clients, read from a file (never real people).

A user has a pseudonymous subject (a letter first, so never a CPR number), roles and
municipalities, which the provider puts into the ID token as they are: the relying party
decides what it accepts. No user has a CPR number or a real name.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

__all__ = ["IdpClient", "IdpDirectory", "IdpUser", "load_directory"]

_STRICT = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


class IdpUser(BaseModel):
    """One person who can sign in at the stand-in."""

    model_config = _STRICT

    username: str = Field(pattern=r"^[a-z][a-z0-9._-]{1,63}$")
    password: SecretStr = Field(min_length=1)
    subject: str = Field(
        pattern=r"^[a-z][a-z0-9-]{3,63}$", description="Pseudonymous: the ID token's sub."
    )
    roles: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()


class IdpClient(BaseModel):
    """A relying party registered at the stand-in: its id, secret and redirect URIs."""

    model_config = _STRICT

    client_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")
    client_secret: SecretStr = Field(min_length=16)
    redirect_uris: tuple[str, ...] = Field(min_length=1)


class IdpDirectory(BaseModel):
    """What the stand-in knows: its users and its clients."""

    model_config = _STRICT

    users: tuple[IdpUser, ...] = ()
    clients: tuple[IdpClient, ...] = ()

    def user(self, username: str) -> IdpUser | None:
        """The user signing in as ``username``, if there is one."""
        return next((user for user in self.users if user.username == username), None)

    def client(self, client_id: str) -> IdpClient | None:
        """The registered client ``client_id``, if there is one."""
        return next((client for client in self.clients if client.client_id == client_id), None)


def load_directory(path: Path) -> IdpDirectory:
    """The users and clients in the JSON file ``path`` (``{"users": [...], "clients": [...]}``)."""
    return IdpDirectory.model_validate_json(path.read_bytes())
