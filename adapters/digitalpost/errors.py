"""The errors of the Digital Post port, under ``hub.runtime.errors``.

- ``InvalidMessageError`` (``PermanentError``): the letter cannot be sent as it is.
- ``RecipientRejectedError`` (``PermanentError``): the service will not take this recipient.
- ``NoDocumentStoreError`` (``PermanentError``): a letter with documents, on a hub without
  a document store.
- ``DigitalPostRefusedError`` (``AuthorisationError``): our credentials or agreement are refused.
- ``DigitalPostUnavailableError`` (``UnavailableError``): no usable answer; try again.
  - ``MalformedAnswerError``: an answer came but could not be read safely.

Every message names the operation and a code, never a recipient, a title or a file name.
"""

from __future__ import annotations

from hub.runtime.errors import AuthorisationError, PermanentError, UnavailableError

__all__ = [
    "DigitalPostRefusedError",
    "DigitalPostUnavailableError",
    "InvalidMessageError",
    "MalformedAnswerError",
    "NoDocumentStoreError",
    "RecipientRejectedError",
]


class InvalidMessageError(PermanentError):
    """The letter or its MeMo message is not acceptable; sending it again cannot help."""


class RecipientRejectedError(PermanentError):
    """The service refuses the recipient (for example an unknown CPR number)."""


class NoDocumentStoreError(PermanentError):
    """A letter with documents, and this hub has no document store to read them from."""


class DigitalPostRefusedError(AuthorisationError):
    """The service refuses our credentials, our agreement or our endpoint."""


class DigitalPostUnavailableError(UnavailableError):
    """The service gave no usable answer (refused, timeout, 5xx); try again later."""


class MalformedAnswerError(DigitalPostUnavailableError):
    """The answer was not well-formed or not safe XML.

    Transient on purpose: the letter may have been taken, and a retry carries the same
    MessageUUID, which the service recognises as a duplicate.
    """
