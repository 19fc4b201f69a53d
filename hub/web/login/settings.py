"""The login's settings (``CASEHUB_LOGIN``): which identity provider, which client, which keys."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["MIN_SESSION_KEY_BYTES", "LoginSettings"]

MIN_SESSION_KEY_BYTES = 32


class LoginSettings(BaseModel):
    """OpenID Connect against the municipality's identity provider; secrets only in files."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    issuer: str = Field(
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description="The provider's issuer URL; its discovery document is read from there.",
    )
    client_id: str = Field(min_length=1, max_length=200, description="The hub's client id.")
    client_secret_file: Path = Field(description="File holding the hub's client secret.")
    session_key_file: Path = Field(
        description="File holding the session key (at least 32 random bytes); every instance "
        "of the hub reads the same one, so a session is good on each."
    )
    redirect_base_url: str = Field(
        pattern=r"^https?://[^\s/?#]+$",
        description="Where people reach the hub (https://hub.example); the provider sends them "
        "back to <this>/login/callback. Its scheme decides the cookies' Secure flag.",
    )
    session_max_age_s: int = Field(
        default=8 * 3600, ge=60, le=24 * 3600, description="How long a sign-in lasts."
    )

    @property
    def secure(self) -> bool:
        """Whether people reach the hub over https (then every cookie is ``Secure``)."""
        return self.redirect_base_url.startswith("https://")

    def client_secret(self) -> str:
        """The client secret from its file (without a trailing newline)."""
        return self.client_secret_file.read_text(encoding="utf-8").strip()

    def session_key(self) -> bytes:
        """The session key from its file.

        Raises:
            ValueError: the file holds fewer than 32 bytes.

        """
        key = self.session_key_file.read_bytes().strip()
        if len(key) < MIN_SESSION_KEY_BYTES:
            msg = f"the session key file must hold at least {MIN_SESSION_KEY_BYTES} bytes"
            raise ValueError(msg)
        return key
