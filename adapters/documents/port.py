"""The document port: a case system's documents stored once, and carried by reference.

Events never carry a document's bytes; they carry a ``DocumentReference`` (id, sha256,
media type, size, file name), the claim check. ``put`` stores the bytes and gives the
reference; ``get`` gives the bytes back only when their size and SHA-256 match it.

A store keeps each document under ``<municipality>/<document-id>``: the kommunekode and a
random UUID, never a name, a CPR number or the file name. A store serves a fixed set of
municipalities, and a document is found only under the municipality it was stored for.

Errors a ``DocumentStore`` may raise:

- ``DocumentNotFoundError`` (``PermanentError``): no document under that municipality and id.
- ``DocumentIntegrityError`` (``PermanentError``): the stored bytes do not match the
  reference (size or SHA-256). Nothing is returned.
- ``DocumentRejectedError`` (``PermanentError``): ``put`` was given something the hub does
  not carry (empty, over 20 MiB, an unsafe file name); ``.problems`` say which field.
- ``MunicipalityNotServedError`` (``PermanentError``): the store does not serve it.
- ``DocumentStoreUnavailableError`` (``UnavailableError``): the store did not answer. Retry.
- ``DocumentStoreRefusedError`` (``AuthorisationError``): the store refuses our credentials.

Messages name the operation, a code and the document id, never a person or a file name.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import Final, Protocol

from pydantic import TypeAdapter, ValidationError

from contracts.documents import MAX_DOCUMENT_BYTES, DocumentReference, MediaType
from contracts.types import Kommunekode
from hub.runtime.errors import AuthorisationError, PermanentError, Problem, UnavailableError

__all__ = [
    "DocumentIntegrityError",
    "DocumentNotFoundError",
    "DocumentRejectedError",
    "DocumentStore",
    "DocumentStoreRefusedError",
    "DocumentStoreUnavailableError",
    "MunicipalityNotServedError",
    "document_key",
    "municipality_set",
    "new_reference",
    "served",
    "verified",
]

_KOMMUNEKODE: Final = TypeAdapter(Kommunekode)


class DocumentNotFoundError(PermanentError):
    """The store has no document under this municipality and id."""


class DocumentIntegrityError(PermanentError):
    """The stored bytes do not match the reference: a different size or SHA-256."""


class DocumentRejectedError(PermanentError):
    """The document cannot be stored as given; ``problems`` name the fields, not values."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("document rejected: " + "; ".join(map(str, self.problems)))


class MunicipalityNotServedError(PermanentError):
    """The store does not serve this municipality."""


class DocumentStoreUnavailableError(UnavailableError):
    """The document store did not answer (refused, timeout, 5xx, disk error)."""


class DocumentStoreRefusedError(AuthorisationError):
    """The document store refuses our credentials: nothing can succeed until people fix it."""


class DocumentStore(Protocol):
    """Where documents are kept, as the hub needs it: store once, read back verified."""

    async def put(
        self, content: bytes, *, media_type: MediaType, file_name: str, municipality: str
    ) -> DocumentReference:
        """Store ``content`` for ``municipality`` under a new id; return its reference.

        Raises:
            DocumentRejectedError: empty, over 20 MiB, or an unsafe file name.
            MunicipalityNotServedError: this store does not serve the municipality.
            DocumentStoreUnavailableError: the store did not answer; nothing is referenced.

        """
        ...

    async def get(self, reference: DocumentReference, *, municipality: str) -> bytes:
        """The document's bytes, after checking them against the reference.

        Raises:
            DocumentNotFoundError: no such document for this municipality.
            DocumentIntegrityError: the bytes differ from the reference (size, SHA-256).
            MunicipalityNotServedError: this store does not serve the municipality.
            DocumentStoreUnavailableError: the store did not answer; try again.

        """
        ...


def new_reference(content: bytes, *, media_type: MediaType, file_name: str) -> DocumentReference:
    """A reference to ``content`` under a fresh random id.

    Raises:
        DocumentRejectedError: the content or the file name cannot be carried.

    """
    if len(content) > MAX_DOCUMENT_BYTES:  # checked before hashing 20 MiB for nothing
        raise DocumentRejectedError([Problem("size", f"over {MAX_DOCUMENT_BYTES} bytes")])
    try:
        return DocumentReference.model_validate(
            {
                "document_id": str(uuid.uuid4()),
                "sha256": hashlib.sha256(content).hexdigest(),
                "media_type": MediaType(media_type),
                "size": len(content),
                "file_name": file_name,
            }
        )
    except ValidationError as exc:
        raise DocumentRejectedError(
            Problem(".".join(map(str, error["loc"])), error["msg"])
            for error in exc.errors(include_input=False, include_url=False)
        ) from None


def verified(content: bytes, reference: DocumentReference) -> bytes:
    """``content`` when its size and SHA-256 are the reference's.

    Raises:
        DocumentIntegrityError: they are not.

    """
    if len(content) != reference.size:
        msg = f"document {reference.document_id}: size differs from its reference"
        raise DocumentIntegrityError(msg)
    if hashlib.sha256(content).hexdigest() != reference.sha256:
        msg = f"document {reference.document_id}: sha256 differs from its reference"
        raise DocumentIntegrityError(msg)
    return content


def document_key(municipality: str, reference: DocumentReference | str) -> str:
    """The store's key of a document: ``<kommunekode>/<document-id>``, nothing personal."""
    document_id = reference if isinstance(reference, str) else reference.document_id
    return f"{municipality}/{document_id}"


def served(municipality: str, municipalities: frozenset[str]) -> str:
    """``municipality`` when the store serves it.

    Raises:
        MunicipalityNotServedError: it does not (or it is no kommunekode at all).

    """
    if municipality not in municipalities:
        msg = "the document store does not serve this municipality"
        raise MunicipalityNotServedError(msg)
    return municipality


def municipality_set(municipalities: Iterable[str]) -> frozenset[str]:
    """The kommunekoder a store serves, each checked; at least one."""
    codes = frozenset(municipalities)
    if not codes:
        msg = "a document store serves at least one municipality"
        raise ValueError(msg)
    for code in codes:
        _KOMMUNEKODE.validate_python(code)
    return codes
