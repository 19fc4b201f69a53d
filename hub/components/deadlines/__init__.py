"""The legal clock's engine as a hub component: deadlines set, met, missed, withdrawn.

The descriptor is loaded on first use (PEP 562): ``casehub deadlines`` reads events with
the standard library alone, and importing ``hub.components.deadlines.commands`` must not
pull in pydantic through this package.
"""

from __future__ import annotations

__all__ = ["COMPONENT", "DeadlineSettings"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from hub.components.deadlines import component  # noqa: PLC0415

        return getattr(component, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
