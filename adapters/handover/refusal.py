"""Why a receiver refuses a handover package: one reason, never the package's content.

- ``PackageRefusedError`` (``PermanentError``): the package cannot be taken as it is. Its
  ``reason`` is one ``Refusal``; the message names the reason and, at most, a certificate's
  fingerprint, never a person.
"""

from __future__ import annotations

from enum import StrEnum

from hub.runtime.errors import PermanentError

__all__ = ["PackageRefusedError", "Refusal"]


class Refusal(StrEnum):
    """The reason a package is refused, in the order the receiver checks."""

    MALFORMED = "malformed"  # not a package of this format at all
    WRONG_RECIPIENT = "wrong_recipient"  # encrypted to another key, or addressed elsewhere
    TAMPERED = "tampered"  # the encryption's tag, the signature or a document's hash fails
    UNKNOWN_CA = "unknown_ca"  # the signer's chain does not end at a CA we trust
    CERTIFICATE_EXPIRED = "certificate_expired"  # a certificate of the chain is past its end
    CERTIFICATE_NOT_YET_VALID = "certificate_not_yet_valid"
    UNKNOWN_SENDER = "unknown_sender"  # a valid certificate, but not the sending municipality's
    NOT_SENT = "not_sent"  # an answer to a handover we did not send its signer, for that case
    HANDOVER_ID_TAKEN = "handover_id_taken"  # another sender's handover has this id here


class PackageRefusedError(PermanentError):
    """The package was refused; ``reason`` says why."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        self.reason = reason
        super().__init__(
            f"handover package refused: {reason.value}" + (f" ({detail})" if detail else "")
        )
