"""The appeal forwarder on the bus: an upheld appeal goes to Ankestyrelsen with its material.

On ``DecisionUpheld`` it builds the package (appeal period checked with ``hub.clock``),
forwards it and publishes ``AppealForwarded``, plus ``AppealOutOfTime`` when the appeal came
after the period. A rejected package raises ``AppealRejectedError`` (permanent: the record is
quarantined for people to look at); unavailable and refused boards raise for the delivery
policy. Logs carry ids only.
"""

from __future__ import annotations

from typing import cast

import structlog

from adapters.appeals.package import build_package
from adapters.appeals.port import AppealsBoard
from contracts.base import Contract
from contracts.decision import DecisionUpheld
from contracts.envelope import Event, follow_up
from contracts.reporting import AppealForwarded, AppealOutOfTime
from hub.clock.localtime import local_date
from hub.runtime.seams import Handler, Publish

__all__ = ["NAME", "build_appeal_forwarder"]

NAME = "appeals"

log = structlog.get_logger(__name__)


def build_appeal_forwarder(board: AppealsBoard, publish: Publish, *, source: str) -> Handler:
    """The forwarder; ``publish`` returns once the broker has the follow-up."""

    async def forward(event: Event[Contract]) -> None:
        data = cast("DecisionUpheld", event.data)  # the only type it consumes
        package = build_package(event, data)
        acknowledged = await board.forward(package)
        forwarded = AppealForwarded(
            appeal_id=data.appeal_id,
            decision_id=data.decision_id,
            received_on=local_date(data.appeal_received_at),
            forwarded_at=acknowledged.received_at,
            upheld_after_review=True,
            summary=data.grounds,
        )
        await publish(follow_up(event, forwarded, source=source))
        if not package.in_time:
            late = AppealOutOfTime(
                appeal_id=data.appeal_id,
                decision_id=data.decision_id,
                period_ended_at=package.appeal_period_ends_at,
                received_at=data.appeal_received_at,
            )
            await publish(follow_up(event, late, source=source))
        log.info(
            "appeal_forwarded",
            event_id=event.envelope.id,
            case_id=event.envelope.caseid,
            appeal_id=data.appeal_id,
            forward_id=package.forward_id,
            in_time=package.in_time,
            duplicate=acknowledged.duplicate,
        )

    return forward
