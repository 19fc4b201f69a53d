"""The sending side's desk for answers: verify the receiver's answer, tell the sender's bus.

A verified answer becomes ``HandoverAnswered`` on the sending municipality's bus, its id
derived from the handover, so an answer delivered twice publishes one id. Nothing is kept:
the event is the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import structlog

from adapters.handover.answer import verify_answer
from adapters.handover.keys import Keyring
from contracts.envelope import follow_up_id, new_event
from contracts.handover import HandoverAnswered
from hub.runtime.seams import Publish

__all__ = ["AnswerDesk"]

log = structlog.get_logger(__name__)


class AnswerDesk:
    """Takes answers for the municipalities of ``keyring.own``."""

    def __init__(
        self, keyring: Keyring, publish: Publish, *, source: str, clock: Callable[[], dt.datetime]
    ) -> None:
        self._keyring = keyring
        self._publish = publish
        self._source = source
        self._clock = clock

    async def take(self, signed: bytes) -> None:
        """Publish the answer ``signed`` once it verifies.

        Raises:
            PackageRefusedError: it does not (the reason).
            TransientError: the broker did not take the event.

        """
        answer = verify_answer(signed, self._keyring, self._clock())
        answered = HandoverAnswered(
            handover_id=answer.handover_id,
            answered_at=answer.answered_at,
            accepted=answer.accepted,
            new_case_id=answer.new_case_id,
            rejection=answer.rejection,
        )
        cause = f"handover-answer:{answer.from_municipality}:{answer.handover_id}"
        event_id = follow_up_id(cause, HandoverAnswered.event_type)
        await self._publish(
            new_event(
                answered,
                source=self._source,
                municipality=answer.to_municipality,
                case_id=answer.case_id,
                event_id=event_id,
                correlation_id=answer.handover_id,
                subject=f"handover/{answer.handover_id}",
                time=answer.answered_at,
            )
        )
        log.info(
            "handover_answered",
            handover_id=answer.handover_id,
            accepted=answer.accepted,
            event_id=event_id,
        )
