"""A case's summary as the component keeps it in its store: JSON, one value per case.

The store's key is ``case/<case id>`` (a case id is never personal). The value holds the
child's CPR number, which the pseudonym needs under each recipient's key: it is in the
group's changelog topic, which only the hub's principal may read (``hub.compose.grants``),
as the number is on the case topic in ``CaseOpened``.
"""

from __future__ import annotations

from typing import Final

from pydantic import TypeAdapter

from hub.components.outcomes.model import CaseOutcomes

__all__ = ["CASE_PREFIX", "case_key", "decode", "encode"]

CASE_PREFIX: Final = "case/"
_SUMMARY: Final = TypeAdapter(CaseOutcomes)


def case_key(case_id: str) -> str:
    """The store key of a case's summary."""
    return f"{CASE_PREFIX}{case_id}"


def encode(case: CaseOutcomes) -> bytes:
    """The stored form of a case's summary."""
    return _SUMMARY.dump_json(case)


def decode(value: bytes) -> CaseOutcomes:
    """A case's summary from its stored form.

    Raises:
        pydantic.ValidationError: not a summary this version can read.

    """
    return _SUMMARY.validate_json(value)
