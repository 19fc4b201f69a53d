"""The failure taxonomy on the bus, as one FastStream middleware every subscriber gets.

=====================  ============================================  ==================
outcome                example                                       Kafka
=====================  ============================================  ==================
handled                a follow-up event published                   offset committed
permanent failure      ``ContractError``, ``PermanentError``          quarantined, committed
unexpected exception   a bug: quarantined, never an endless loop     quarantined, committed
transient failure      ``TransientError``                            not committed, delivered again
=====================  ============================================  ==================

A transient failure pauses briefly before the redelivery, so an outage is not hammered.
"""

from __future__ import annotations

import asyncio
import traceback
from functools import partial
from typing import Any

import structlog
from faststream import BaseMiddleware
from faststream._internal.basic_types import AsyncFuncAny
from faststream.message import StreamMessage

from hub.errors import ContractError, PermanentError, TransientError
from hub.quarantine import Quarantine

__all__ = ["QuarantineMiddleware", "quarantine_middleware"]

log = structlog.get_logger(__name__)


class QuarantineMiddleware(BaseMiddleware):
    """Sends permanent failures to the quarantine; lets transient ones be redelivered."""

    def __init__(
        self,
        msg: Any,  # noqa: ANN401 - FastStream's raw message type
        /,
        *,
        context: Any,  # noqa: ANN401 - FastStream's ContextRepo
        quarantine: Quarantine,
        transient_pause_s: float,
    ) -> None:
        super().__init__(msg, context=context)
        self._quarantine = quarantine
        self._pause = transient_pause_s

    async def consume_scope(self, call_next: AsyncFuncAny, msg: StreamMessage[Any]) -> Any:  # noqa: ANN401
        """Run the handler; decide the message's one outcome from what it raised."""
        try:
            return await call_next(msg)
        except TransientError as exc:
            log.warning("transient_failure", error=type(exc).__name__, reason=str(exc))
            await asyncio.sleep(self._pause)
            raise
        except ContractError as exc:
            await self._quarantine.put(msg.raw_message, error="ContractError", reason=str(exc))
        except PermanentError as exc:
            await self._quarantine.put(msg.raw_message, error=type(exc).__name__, reason=str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must not block the partition
            # A foreign exception's text may quote its input (a name, a CPR number), so
            # neither the message nor the traceback is logged: the type and the line are.
            log.error("handler_bug", error=type(exc).__name__, where=_innermost(exc))  # noqa: TRY400
            await self._quarantine.put(
                msg.raw_message,
                error=type(exc).__name__,
                reason=f"unexpected {type(exc).__name__} in handler",
            )
        return None


def _innermost(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown"


def quarantine_middleware(quarantine: Quarantine, *, transient_pause_s: float) -> Any:  # noqa: ANN401
    """The middleware factory FastStream calls once per message."""
    return partial(QuarantineMiddleware, quarantine=quarantine, transient_pause_s=transient_pause_s)
