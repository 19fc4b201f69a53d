"""Every contract the hub knows, by type and version: the registry's single source."""

from __future__ import annotations

from types import MappingProxyType

from contracts.base import Contract
from contracts.intake import NotificationReceived
from contracts.person import PersonLookupRequested

__all__ = ["CATALOGUE", "contract_for"]

_ALL: tuple[type[Contract], ...] = (
    NotificationReceived,
    PersonLookupRequested,
)

CATALOGUE = MappingProxyType({(c.event_type, c.event_version): c for c in _ALL})
"""(type, version) → contract class."""


def contract_for(event_type: str, version: int) -> type[Contract] | None:
    """The contract for one type at one version, or None when the hub does not know it."""
    return CATALOGUE.get((event_type, version))
