"""The base of every canonical event's data: frozen, strict, and quiet about its input."""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from contracts.classification import CLASSIFICATION_KEY, Classification
from contracts.guards import check_id, is_id_field

__all__ = ["Contract", "Record"]


class Record(BaseModel):
    """A frozen part of a contract: unknown fields rejected, input never quoted in errors."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=True,
        hide_input_in_errors=True,
        use_enum_values=False,
    )

    @field_validator("*", mode="after")
    @classmethod
    def _no_cpr_number_in_an_id(cls, value: Any, info: ValidationInfo) -> Any:  # noqa: ANN401 - any field
        """An id travels as a key, a header and a log field: it never holds a CPR number."""
        if info.field_name is not None and is_id_field(info.field_name):
            return check_id(value)
        return value


class Contract(Record):
    """The data of one canonical event type at one version.

    Subclasses set ``event_type`` (stable, past tense: ``dk.casehub.notification.received``),
    ``event_version`` (bumped on an incompatible change) and ``domain`` (its topic family).
    """

    event_type: ClassVar[str]
    event_version: ClassVar[int]
    domain: ClassVar[str]

    @classmethod
    def classification(cls) -> Classification:
        """The most sensitive classification among the contract's fields, nested ones too."""
        return _most_sensitive_cached(cls)  # fields are fixed per class: computed once


@functools.cache
def _most_sensitive_cached(model: type[BaseModel]) -> Classification:
    return _most_sensitive(model)


def _most_sensitive(model: type[BaseModel]) -> Classification:
    found = Classification.PUBLIC
    for field in model.model_fields.values():
        extra: Any = field.json_schema_extra
        if isinstance(extra, dict) and CLASSIFICATION_KEY in extra:
            level = Classification(extra[CLASSIFICATION_KEY])
            found = max(found, level, key=lambda c: c.rank)
        for nested in _models_in(field.annotation):
            found = max(found, _most_sensitive(nested), key=lambda c: c.rank)
    return found


def _models_in(annotation: Any) -> list[type[BaseModel]]:  # noqa: ANN401 - any annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]
