"""Who may call the hub's HTTP endpoints: known callers' signed requests, each for its own.

A caller (an e-form system, a case system) signs every request with HMAC-SHA256 under a
secret it shares with the hub, in three headers:

- ``X-Casehub-Caller``: its id, as configured in ``CASEHUB_CALLERS``;
- ``X-Casehub-Timestamp``: the time of signing, in Unix seconds (ASCII digits);
- ``X-Casehub-Signature``: ``v1=`` and the lower-case hex HMAC-SHA256 of ``canonical(...)``:
  ``v1``, the method, the path as sent (percent-encoded), the query string as sent, the
  timestamp, the hex SHA-256 of the body, and the values of ``Content-Type``,
  ``X-Casehub-Municipality`` and ``X-Casehub-File-Name`` (empty when absent), one per line:
  what a surface acts on is signed, headers included.

``SignedCallers`` wraps every HTTP surface of the hub (the composition root applies it once,
around every component's routes); ``SignedRequests`` is the ``httpx.Auth`` that signs.

- ``config``: ``CASEHUB_CALLERS`` (``CallerSettings``) and the ``Caller`` its files give;
- ``signature``: the canonical request, its HMAC and ``SignedRequests``;
- ``guard``: ``SignedCallers`` and ``acts_for``, which a surface asks for its 403.

==========  ===================================================================================
status      when
==========  ===================================================================================
401         a header is missing or malformed, the caller is unknown, the signature is not the
            caller's, or the timestamp lies outside the window (an old request replayed)
413         the body is larger than the largest any surface takes (checked as it streams in)
==========  ===================================================================================

A verified request carries its ``Caller`` into the surface, which answers 403 (``acts_for``)
when the request names a municipality the caller is not bound to. Replays inside the window
are not refused (remembering every signature would be state on one instance): a replayed
submission has the same event id and is passed over, a replayed upload stores a second copy
that no event refers to; capturing a request needs the TLS in front of the hub broken.
During a secret's rotation the hub accepts a second secret per caller (``next_secret_file``),
so the caller can switch at any moment.
"""

from hub.runtime.callers.config import (
    MIN_SECRET_BYTES,
    Caller,
    CallerSettings,
    SecretFileError,
    is_caller_id,
    load_callers,
)
from hub.runtime.callers.guard import SignedCallers, acts_for
from hub.runtime.callers.signature import (
    CALLER_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignedRequests,
    canonical,
    sign,
)

__all__ = [
    "CALLER_HEADER",
    "MIN_SECRET_BYTES",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "Caller",
    "CallerSettings",
    "SecretFileError",
    "SignedCallers",
    "SignedRequests",
    "acts_for",
    "canonical",
    "is_caller_id",
    "load_callers",
    "sign",
]
