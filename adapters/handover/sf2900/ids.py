"""The ids of a distribution, derived from the handover: a retry is the same distribution.

SF2900 keys a distribution by the sender's ``AnvenderTransaktionsID`` (a UUID). Deriving it
from the sending municipality, the kind of material and the handover id means every retry of
a delivery (after a crash, a lost receipt, a redelivered ``HandoverStarted``) names the same
transaction, which Serviceplatformen distributes once. The file on the SFTP server is named
after it, so neither carries a person or a case.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Final

__all__ = ["Material", "file_name", "material_of", "transaction_id"]

_NAMESPACE: Final = uuid.UUID("6f1d4c52-7a0e-5b8e-9c61-2b7d0e3a9f40")
"""The hub's namespace for distribution ids (a fixed random UUID: ids never change)."""


class Material(StrEnum):
    """What a distribution carries; the file's suffix says it to the receiving side."""

    PACKAGE = "package.jwe"  # the sealed handover package (adapters.handover.sealing)
    ANSWER = "answer.jws"  # the receiver's signed business answer (adapters.handover.answer)


def transaction_id(material: Material, sender: str, handover_id: str) -> str:
    """The ``AnvenderTransaktionsID`` of ``material`` for ``handover_id`` from ``sender``."""
    return str(uuid.uuid5(_NAMESPACE, f"casehub.handover:{material.name}:{sender}:{handover_id}"))


def file_name(material: Material, transaction: str) -> str:
    """The file's name on the SFTP server (``DokumentFilNavn``)."""
    return f"{transaction}.{material.value}"


def material_of(name: str) -> tuple[str, Material] | None:
    """The transaction and material a file name names; None for any other name."""
    for material in Material:
        transaction, dot, suffix = name.partition(".")
        if dot and suffix == material.value and _is_uuid(transaction):
            return transaction, material
    return None


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False
