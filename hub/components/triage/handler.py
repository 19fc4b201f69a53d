"""Triage: a received notification needs the register's view of the child (or the mother).

The first hop after intake. It answers ``NotificationReceived`` with a
``PersonLookupRequested`` for the person the case is registered on; the CPR adapter
answers that. The follow-up's id derives from the notification's, so a redelivered
notification yields the same request, which consumers recognise.
"""

from __future__ import annotations

from typing import cast

import structlog

from contracts.base import Contract
from contracts.envelope import Event, follow_up
from contracts.intake import NotificationReceived
from contracts.person import LookupPurpose, PersonLookupRequested
from hub.runtime.seams import Handler, Publish

__all__ = ["NAME", "build_triage"]

NAME = "triage"
log = structlog.get_logger(__name__)


def build_triage(publish: Publish, *, source: str) -> Handler:
    """The triage handler; ``publish`` returns once the broker has the follow-up."""

    async def triage(event: Event[Contract]) -> None:
        notification = cast("NotificationReceived", event.data)  # the only type it consumes
        request = PersonLookupRequested(
            cpr=notification.registered_cpr, purpose=LookupPurpose.NOTIFICATION
        )
        # The subject says what the lookup is for; the register's answer keeps it.
        subject = f"notification/{notification.notification_id}"
        follow = follow_up(event, request, source=source, subject=subject)
        topic = await publish(follow)
        log.info(
            "notification_triaged",
            event_id=event.envelope.id,
            case_id=event.envelope.caseid,
            follow_up_id=follow.envelope.id,
            topic=topic,
        )

    return triage
