"""ID-token validation and the viewer it names: signature from the JWKS, then every claim.

The token must be signed RS256 by a key of the provider's JWKS, be issued by the configured
issuer for this client (``aud``, and ``azp`` when present), not be expired, and carry the
nonce of this sign-in, and name a subject (``sub``) that is printable and holds no CPR
number. Roles and municipalities come from its claims only: an unknown role is ignored, a
municipality that is not a kommunekode is ignored, and a viewer with none sees nothing. The
viewer's subject is the hub's pseudonym of ``sub`` (``hub.web.login.subjects``), never ``sub``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from contracts.guards import has_cpr_shape
from hub.web.viewer import Role, Viewer

__all__ = ["LEEWAY_S", "IdTokenRefusedError", "validate_id_token", "viewer_from_claims"]

LEEWAY_S = 60
"""Clock difference tolerated between the provider and the hub."""

_KOMMUNEKODE = re.compile(r"^[0-9]{3}$")
_SUBJECT = re.compile(r"^[\x21-\x7e]{1,255}$")


class IdTokenRefusedError(Exception):
    """The ID token is not one this hub accepts; the message says which check, not whose."""


def validate_id_token(  # noqa: PLR0913 - each is one thing the token must match
    token: str,
    keys: KeySet,
    *,
    issuer: str,
    audience: str,
    nonce: str,
    now: int | None = None,
) -> dict[str, Any]:
    """The claims of ``token`` once every check passed.

    Raises:
        IdTokenRefusedError: bad signature or algorithm, wrong issuer, audience or nonce,
            expired, or no subject, a malformed one or one holding a CPR number.

    """
    try:
        decoded = jwt.decode(token, keys, algorithms=["RS256"])
    except (JoseError, ValueError) as error:
        msg = f"ID token refused: signature ({type(error).__name__})"
        raise IdTokenRefusedError(msg) from None
    claims = decoded.claims
    registry = jwt.JWTClaimsRegistry(
        now=int(time.time()) if now is None else now,
        leeway=LEEWAY_S,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        exp={"essential": True},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        msg = f"ID token refused: {error}"
        raise IdTokenRefusedError(msg) from None
    if claims.get("azp", audience) != audience:
        msg = "ID token refused: issued to another party (azp)"
        raise IdTokenRefusedError(msg)
    if not isinstance(claims["sub"], str) or not _SUBJECT.fullmatch(claims["sub"]):
        msg = "ID token refused: malformed subject"
        raise IdTokenRefusedError(msg)
    if has_cpr_shape(claims["sub"]):  # a person's CPR number is no subject to show or log
        msg = "ID token refused: CPR-shaped subject"
        raise IdTokenRefusedError(msg)
    return claims


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


def viewer_from_claims(claims: Mapping[str, Any], *, subject: str) -> Viewer:
    """The viewer the validated ``claims`` name, as ``subject``: known roles and kommunekoder only.

    ``subject`` is the session's name for the person: the pseudonym of the claims' ``sub``.
    """
    known = {role.value for role in Role}
    return Viewer(
        subject=subject,
        roles=frozenset(Role(role) for role in _strings(claims.get("roles")) if role in known),
        municipalities=frozenset(
            code for code in _strings(claims.get("municipalities")) if _KOMMUNEKODE.fullmatch(code)
        ),
    )
