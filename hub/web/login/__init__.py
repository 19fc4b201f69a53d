"""The hub's login: OpenID Connect against the municipality's identity provider (``Login``)."""

from hub.web.login.audit import SessionAction, SessionAudit, SessionEvent, log_sessions
from hub.web.login.cookies import Cookies, Pending, Session
from hub.web.login.login import (
    CALLBACK_PATH,
    SIGN_IN_PATH,
    SIGN_OUT_PATH,
    OidcLogin,
    login_from_settings,
)
from hub.web.login.provider import Provider, ProviderError, ProviderMetadata
from hub.web.login.settings import LoginSettings
from hub.web.login.subjects import SubjectPseudonyms
from hub.web.login.tokens import IdTokenRefusedError, validate_id_token, viewer_from_claims

__all__ = [
    "CALLBACK_PATH",
    "SIGN_IN_PATH",
    "SIGN_OUT_PATH",
    "Cookies",
    "IdTokenRefusedError",
    "LoginSettings",
    "OidcLogin",
    "Pending",
    "Provider",
    "ProviderError",
    "ProviderMetadata",
    "Session",
    "SessionAction",
    "SessionAudit",
    "SessionEvent",
    "SubjectPseudonyms",
    "log_sessions",
    "login_from_settings",
    "validate_id_token",
    "viewer_from_claims",
]
