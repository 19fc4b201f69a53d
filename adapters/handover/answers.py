"""The sending side's desk for answers: verify the receiver's answer, tell the sender's bus.

A verified answer becomes ``HandoverAnswered`` on the sending municipality's bus, its id
derived from the handover, so an answer delivered twice publishes one id. It must answer a
handover this hub sent to the answer's signer, for the answer's case: the sending component
writes each delivery's receiver and case to the global store ``sent`` before it delivers (any
instance may take the answer). An answer for one it has not read yet is transient (503: the
receiver sends it again); one for another receiver or case is refused (``not_sent``), so no
peer can answer another's handover. Nothing else is kept: the event is the record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import structlog

from adapters.handover.answer import verify_answer
from adapters.handover.keys import Keyring
from adapters.handover.reception import Receipts
from adapters.handover.refusal import PackageRefusedError, Refusal
from contracts.envelope import follow_up_id, new_event
from contracts.handover import HandoverAnswered
from hub.runtime.errors import TransientError
from hub.runtime.seams import Publish

__all__ = ["AnswerDesk", "sent_record"]

log = structlog.get_logger(__name__)


class AnswerDesk:
    """Takes answers for the municipalities of ``keyring.own``."""

    def __init__(
        self,
        keyring: Keyring,
        publish: Publish,
        *,
        source: str,
        clock: Callable[[], dt.datetime],
        sent: Receipts | None = None,
    ) -> None:
        self._keyring = keyring
        self._sent = sent  # the sending component's deliveries (a global store); None: unchecked
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
        if self._sent is not None:
            kept = self._sent.get(answer.to_municipality, answer.handover_id)
            if kept is None:
                msg = "handover answer: no delivery of that handover read yet; send it again"
                raise TransientError(msg)
            if json.loads(kept) != sent_record(answer.from_municipality, answer.case_id):
                raise PackageRefusedError(Refusal.NOT_SENT, "an answer to another's handover")
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


def sent_record(receiver: str, case_id: str) -> dict[str, str]:
    """What ``sent`` keeps of a delivery: to whom, for which of our cases."""
    return {"to": receiver, "case": case_id}
