"""A validation error as problems that name fields and rules, never anything from the input.

Pydantic's locations quote the input where the input chose them: an unknown key (which
a hostile sender can make a CPR number) and a union member's tag. So a location keeps
only list indexes and names of fields the model itself declares; an unknown key is
reported at its parent, without its name; a rule over several fields (raised with
``cross_field``) names them.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

__all__ = ["UNKNOWN_FIELD", "cross_field", "problems_of"]

UNKNOWN_FIELD: Final = "unknown field (its name is not repeated)"
_CROSS_FIELD: Final = "cross_field"


def cross_field(message: str, *fields: str) -> PydanticCustomError:
    """The error of a rule over several fields; raise it in a model validator."""
    return PydanticCustomError(_CROSS_FIELD, message, {"fields": ",".join(fields)})


def problems_of(
    exc: ValidationError, model: type[BaseModel], *, prefix: str = ""
) -> list[tuple[str, str]]:
    """``(location, message)`` for each error; locations only name the model's fields."""
    known = _field_names(model)
    found = []
    for error in exc.errors(include_input=False, include_url=False):
        loc = error["loc"]
        unknown = error["type"] == "extra_forbidden"
        parts = [str(p) for p in (loc[:-1] if unknown else loc) if isinstance(p, int) or p in known]
        where = ".".join(parts)
        context: dict[str, Any] = dict(error.get("ctx") or {})
        if error["type"] == _CROSS_FIELD and context.get("fields"):
            base = f"{where}." if where else ""
            where = ", ".join(prefix + base + name for name in str(context["fields"]).split(","))
        else:
            where = prefix + where if where else prefix.rstrip("._ ")
        found.append((where, UNKNOWN_FIELD if unknown else error["msg"]))
    return found


@functools.cache
def _field_names(model: type[BaseModel]) -> frozenset[str]:
    names: set[str] = set()
    stack: list[Any] = [model]
    seen: set[Any] = set()
    while stack:
        item = stack.pop()
        if item in seen:
            continue
        seen.add(item)
        if isinstance(item, type) and issubclass(item, BaseModel):
            for name, field in item.model_fields.items():
                names.add(name)
                stack.append(field.annotation)
        stack.extend(getattr(item, "__args__", ()) or ())
    return frozenset(names)
