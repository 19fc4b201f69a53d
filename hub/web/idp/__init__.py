"""A stand-in identity provider that speaks OpenID Connect (code flow, PKCE S256, RS256)."""

from hub.web.idp.app import CODE_LIFETIME_S, TOKEN_LIFETIME_S, IdentityProvider
from hub.web.idp.running import running_idp
from hub.web.idp.users import IdpClient, IdpDirectory, IdpUser, load_directory

__all__ = [
    "CODE_LIFETIME_S",
    "TOKEN_LIFETIME_S",
    "IdentityProvider",
    "IdpClient",
    "IdpDirectory",
    "IdpUser",
    "load_directory",
    "running_idp",
]
