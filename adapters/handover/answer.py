"""The business answer: the receiving municipality accepted or rejected the handover.

The receiver's case system publishes ``HandoverAccepted`` or ``HandoverRejected`` on its own
bus; its hub signs an answer (``casehub-handover-answer+jws``: ``iss`` the receiver, ``aud``
the sender, ``jti`` the handover) and delivers it to the sending hub, which verifies it and
publishes ``HandoverAnswered`` on the sender's bus. It carries no personal data (the
rejection's free-text note stays home: the answer is signed, not encrypted).
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from adapters.handover.jws import sign_jws, verify_jws
from adapters.handover.keys import Identity, Keyring, thumbprint
from adapters.handover.refusal import PackageRefusedError, Refusal
from contracts.base import Record
from contracts.guards import Timestamp
from contracts.handover import HandoverRejection
from contracts.types import CaseId, Kommunekode, RecordId

__all__ = ["ANSWER_TYPE", "Answer", "sign_answer", "verify_answer"]

ANSWER_TYPE = "casehub-handover-answer+jws"


class Answer(Record):
    """What the receiving municipality decided."""

    handover_id: RecordId
    from_municipality: Kommunekode
    """The municipality answering (the handover's receiver)."""
    to_municipality: Kommunekode
    """The municipality that sent the package."""
    case_id: CaseId
    """The sender's case id, from the manifest."""
    answered_at: Timestamp
    accepted: bool
    new_case_id: RecordId | None = None
    rejection: HandoverRejection | None = Field(default=None)


def sign_answer(answer: Answer, receiver: Identity) -> bytes:
    """The answer, signed by the receiving municipality."""
    header = {
        "typ": ANSWER_TYPE,
        "iss": answer.from_municipality,
        "aud": answer.to_municipality,
        "jti": answer.handover_id,
    }
    return sign_jws(answer.model_dump_json().encode(), receiver, header)


def verify_answer(data: bytes, keyring: Keyring, now: dt.datetime) -> Answer:
    """The answer ``data`` once it is a peer's, to one of our municipalities.

    Raises:
        PackageRefusedError: its chain, signature or signer fails (the reason), or it is for
            a municipality this hub does not serve (``WRONG_RECIPIENT``).

    """
    verified = verify_jws(data, typ=ANSWER_TYPE, roots=keyring.roots, now=now)
    issuer = verified.header.get("iss")
    known = keyring.peers.get(issuer) if isinstance(issuer, str) else None
    if known is None or thumbprint(known) != thumbprint(verified.signer):
        raise PackageRefusedError(Refusal.UNKNOWN_SENDER, "answer")
    try:
        answer = Answer.model_validate_json(verified.payload)
    except ValueError:
        raise PackageRefusedError(Refusal.MALFORMED, "answer") from None
    if answer.from_municipality != issuer or answer.to_municipality != verified.header.get("aud"):
        raise PackageRefusedError(Refusal.MALFORMED, "the answer differs from its header")
    if answer.to_municipality not in keyring.own:
        raise PackageRefusedError(Refusal.WRONG_RECIPIENT, "answer")
    return answer
