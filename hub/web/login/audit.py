"""Every sign-in and sign-out, to an audit port (by default the hub's log).

The hub's audit topic (``hub.runtime.audit``) records what was done *for a person*, per
municipality and case: a sign-in is neither, so until the audit record has a version with
sign-in actions the login writes its own line per event through this port, naming the person
by the session's subject only: the hub's pseudonym of the provider's ``sub``
(``hub.web.login.subjects``), never the ``sub`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import structlog

__all__ = ["SessionAction", "SessionAudit", "SessionEvent", "log_sessions"]


class SessionAction(StrEnum):
    """What happened to a session."""

    SIGN_IN = "sign-in"
    SIGN_OUT = "sign-out"


@dataclass(frozen=True)
class SessionEvent:
    """A sign-in or sign-out: the pseudonymous subject, roles and municipalities."""

    action: SessionAction
    subject: str
    roles: tuple[str, ...]
    municipalities: tuple[str, ...]


class SessionAudit(Protocol):
    """Where the login reports each sign-in and sign-out, before it answers."""

    async def __call__(self, event: SessionEvent) -> None:
        """Record ``event``."""
        ...


async def log_sessions(event: SessionEvent) -> None:
    """The default audit: one log line per event."""
    await structlog.get_logger("casehub.login").ainfo(
        f"login.{event.action.value}",
        subject=event.subject,
        roles=list(event.roles),
        municipalities=list(event.municipalities),
    )
