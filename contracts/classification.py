"""Data classification: how sensitive a field is, machine-readable on every contract field.

The classification travels in each field's JSON Schema as ``x-classification`` and on
every event as the ``ce_classification`` header (the most sensitive field of the event).
Log redaction and field encryption are driven from it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

__all__ = ["CLASSIFICATION_KEY", "Classification", "classified"]

CLASSIFICATION_KEY = "x-classification"


class Classification(StrEnum):
    """How sensitive a value is, from least to most (GDPR art. 6 / art. 9 for the last two)."""

    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"

    @property
    def rank(self) -> int:
        """Order of sensitivity: PUBLIC is 0, SENSITIVE is 3."""
        return list(Classification).index(self)


def classified(
    description: str,
    classification: Classification,
    **kwargs: Any,  # noqa: ANN401 - passed through to pydantic.Field unchanged
) -> Any:  # noqa: ANN401 - pydantic.Field is typed Any for use as a default
    """A contract field with its vendor-facing description and its data classification.

    Personal and sensitive fields are left out of ``repr`` so a logged model never shows them.
    """
    personal = classification.rank >= Classification.PERSONAL.rank
    return Field(
        description=description,
        json_schema_extra={CLASSIFICATION_KEY: classification.value},
        repr=not personal,
        **kwargs,
    )
