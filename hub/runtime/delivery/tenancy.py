"""The tenant boundary on records: a record belongs to its topic's municipality and domain.

A producer with write access to one municipality's topic can claim any municipality in
``ce_municipality``; acted on, such a record would look a person up with another
municipality's agreement, report to Danmarks Statistik as it, or file in its archive. So
the topic decides, and a record that disagrees with it is quarantined, never handled:

==================================  ============================================
what the record claims              reason in quarantine
==================================  ============================================
another municipality than its topic ``tenant_mismatch: ...`` (names both codes)
a type of another domain            ``wrong_topic: ...`` (names both domains)
a topic not named by the hub        ``wrong_topic: ...``
==================================  ============================================

Both are checked after the contract (the municipality must first be a kommunekode). The
claimed municipality is also checked before the record is decoded (``check_claim``): a
sealed record names its data key by its ``ce_municipality``, so another municipality's
claim must be refused before any key of that municipality is looked up or used.
"""

from __future__ import annotations

from collections.abc import Sequence

from contracts.base import Contract
from contracts.envelope import Event
from hub.runtime.errors import PermanentError
from routing.topics import parse_topic

__all__ = ["BoundaryError", "check_boundary", "check_claim"]


class BoundaryError(PermanentError):
    """The record claims a municipality or domain its topic does not carry."""


def check_boundary(topic: str, event: Event[Contract]) -> None:
    """Raise ``BoundaryError`` unless ``event`` belongs on ``topic``.

    Raises:
        BoundaryError: its municipality or its contract's domain is not the topic's.

    """
    name = parse_topic(topic)
    if name is None:
        msg = "wrong_topic: the topic is not a casehub business topic"
        raise BoundaryError(msg)
    claimed = event.envelope.municipality
    if claimed != name.municipality:
        msg = f"tenant_mismatch: ce_municipality {claimed} on a topic of {name.municipality}"
        raise BoundaryError(msg)
    domain = type(event.data).domain
    if domain != name.domain:
        msg = f"wrong_topic: {event.envelope.type} belongs to {domain}, not {name.domain}"
        raise BoundaryError(msg)


def check_claim(topic: str, headers: Sequence[tuple[str, bytes | None]]) -> None:
    """Raise ``BoundaryError`` when the raw ``ce_municipality`` header is not the topic's.

    Before decoding (and decrypting): what is absent or malformed is left to the contract.

    Raises:
        BoundaryError: the topic is not the hub's, or the header names another municipality.

    """
    name = parse_topic(topic)
    if name is None:
        msg = "wrong_topic: the topic is not a casehub business topic"
        raise BoundaryError(msg)
    claims = [value for key, value in headers if key == "ce_municipality"]
    for raw in claims:
        claimed = (raw or b"").decode(errors="replace")
        if claimed.isascii() and claimed.isdigit() and claimed != name.municipality:
            msg = f"tenant_mismatch: ce_municipality {claimed} on a topic of {name.municipality}"
            raise BoundaryError(msg)
