"""The receipt: the receiving municipality's signed word that it has the package.

A JWS (``casehub-handover-receipt+jws``) signed by the receiver, over a small JSON object:
the handover, both municipalities, the SHA-256 of the package it took, when, and how many
documents. A replayed package is answered with the first receipt, byte for byte, so the
sender can recognise it as the same acknowledgement.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from adapters.handover.jws import sign_jws, verify_jws
from adapters.handover.keys import Identity, Keyring, thumbprint
from adapters.handover.refusal import PackageRefusedError, Refusal
from contracts.base import Record
from contracts.guards import Timestamp
from contracts.types import Kommunekode, RecordId

__all__ = ["RECEIPT_TYPE", "Receipt", "sign_receipt", "verify_receipt"]

RECEIPT_TYPE = "casehub-handover-receipt+jws"


class Receipt(Record):
    """What the receiver acknowledges."""

    handover_id: RecordId
    from_municipality: Kommunekode
    to_municipality: Kommunekode
    package_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    received_at: Timestamp
    documents: int = Field(ge=0)


def sign_receipt(receipt: Receipt, receiver: Identity) -> bytes:
    """The receipt, signed by the receiving municipality."""
    header = {
        "typ": RECEIPT_TYPE,
        "iss": receipt.to_municipality,
        "aud": receipt.from_municipality,
        "jti": receipt.handover_id,
    }
    return sign_jws(receipt.model_dump_json().encode(), receiver, header)


def verify_receipt(
    data: bytes, keyring: Keyring, now: dt.datetime, *, handover_id: str, receiver: str
) -> Receipt:
    """The receipt ``data``, once it holds and is ``receiver``'s for ``handover_id``.

    Raises:
        PackageRefusedError: the receipt's chain, signature or signer fails (its reason),
            or it acknowledges another handover (``MALFORMED``).

    """
    verified = verify_jws(data, typ=RECEIPT_TYPE, roots=keyring.roots, now=now)
    known = keyring.peers.get(receiver)
    if known is None or thumbprint(known) != thumbprint(verified.signer):
        raise PackageRefusedError(Refusal.UNKNOWN_SENDER, "receipt")
    try:
        receipt = Receipt.model_validate_json(verified.payload)
    except ValueError:
        raise PackageRefusedError(Refusal.MALFORMED, "receipt") from None
    if (receipt.handover_id, receipt.to_municipality) != (handover_id, receiver) or (
        receipt.from_municipality not in keyring.own
    ):
        raise PackageRefusedError(Refusal.MALFORMED, "receipt of another handover")
    return receipt
