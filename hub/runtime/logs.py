"""structlog set-up: one JSON line per event, no frame locals, CPR numbers masked last.

Library logs (FastStream, aiokafka, uvicorn) go through the same pipeline by way of
``ProcessorFormatter``, so the mask covers them too. The mask is the last line of
defence, not the control: code logs ids, never people.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Callable
from typing import Any, Final, TextIO

import structlog
from structlog.processors import ExceptionRenderer
from structlog.tracebacks import ExceptionDictTransformer
from structlog.typing import EventDict, Processor, WrappedLogger

__all__ = [
    "StormFilter",
    "configure_logging",
    "mask_cpr",
    "mask_cpr_text",
    "safe_tracebacks",
    "storm_filter",
]

# DDMMYY-SSSS or DDMMYYSSSS with a plausible day (01-31, or 61-91 for replacement and
# synthetic numbers) and month. It accepts false positives on other ten-digit numbers.
_CPR: Final = re.compile(
    r"(?<![0-9])(?:[0-2][0-9]|3[01]|[6-8][0-9]|9[01])(?:0[1-9]|1[0-2])[0-9]{2}-?[0-9]{4}(?![0-9])"
)
# A CPR-shaped run is masked only where it stands alone: not inside a longer run of hex
# digits and hyphens (a UUID, a hash, a longer id), which the mask would damage beyond
# tracing (``...-d******-****d``). Ids never hold a CPR number (contracts.guards).
_RUN: Final = re.compile(r"[0-9A-Fa-f]+(?:-[0-9A-Fa-f]+)*")
_MASK: Final = "******-****"

safe_tracebacks: Final = ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
"""Tracebacks as data, without frame locals: a local variable may hold a CPR number."""


def mask_cpr_text(text: str) -> str:
    """Replace every CPR-shaped number in ``text`` that stands alone (see ``_RUN``)."""
    if _CPR.search(text) is None:
        return text  # the common case, decided by one scan
    return _RUN.sub(_mask_run, text)


def _mask_run(run: re.Match[str]) -> str:
    text = run.group()
    return _MASK if _CPR.fullmatch(text) else text


def mask_cpr(_logger: WrappedLogger, _method: str, rendered: str | bytes | EventDict) -> Any:  # noqa: ANN401
    """The last processor: mask CPR-shaped numbers in the rendered line, whatever made it."""
    if isinstance(rendered, str):
        return mask_cpr_text(rendered)
    if isinstance(rendered, bytes):
        return mask_cpr_text(rendered.decode()).encode()
    return {key: _mask_value(value) for key, value in rendered.items()}


def _mask_value(value: object) -> object:
    if isinstance(value, str):
        return mask_cpr_text(value)
    if isinstance(value, dict):
        return {k: _mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(v) for v in value]
    return value


class StormFilter(logging.Filter):
    """Collapses a library's error storm: each kind of line once per storm, then a count.

    With the broker away, aiokafka logs every reconnection attempt of every client (282,000
    lines in 8 minutes). A line of a ``loggers`` prefix is passed the first time its kind
    (logger and message template) appears in a storm; repeats are counted, not passed. A
    storm ends after ``quiet_s`` without such a line; the first line after it (a state
    change) says how many were held back. ``suppressed`` counts every line held back.
    """

    def __init__(
        self,
        loggers: tuple[str, ...] = ("aiokafka",),
        *,
        quiet_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._loggers = loggers
        self._quiet_s = quiet_s
        self._clock = clock
        self._seen: set[tuple[str, str]] = set()
        self._held = 0
        self._last = -float("inf")
        self.suppressed = 0
        self._verdict = f"_casehub_storm_{id(self)}"

    def filter(self, record: logging.LogRecord) -> bool:
        """Pass a line unless it repeats a kind already passed in this storm."""
        verdict = getattr(record, self._verdict, None)
        if verdict is None:  # each handler asks; the record is judged once
            verdict = self._judge(record)
            setattr(record, self._verdict, verdict)
        return bool(verdict)

    def _judge(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or not record.name.startswith(self._loggers):
            return True
        now = self._clock()
        if now - self._last > self._quiet_s:
            self._seen.clear()  # a new storm: its lines pass again
        self._last = now
        kind = (record.name, str(record.msg))
        if kind in self._seen:
            self._held += 1
            self.suppressed += 1
            return False
        self._seen.add(kind)
        if self._held:
            record.msg = f"{record.getMessage()} ({self._held} repeated lines held back before)"
            record.args = ()
            self._held = 0
        return True


storm_filter: Final = StormFilter()
"""The one filter every handler of ``configure_logging`` shares (its count is the hub's)."""


def configure_logging(level: str = "INFO", fmt: str = "json", stream: TextIO | None = None) -> None:
    """Route structlog and the standard library through one masked pipeline."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        # Below the level, drop the call before the chain runs (stamping and rendering an
        # event nobody keeps costs as much as handling a record).
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            safe_tracebacks,
            renderer,
            mask_cpr,
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(storm_filter)
    root = logging.getLogger()
    for previous in root.handlers:
        previous.close()  # a file handler of an earlier configuration releases its file
    root.handlers[:] = [handler]
    if copy := os.environ.get("CASEHUB_LOG_COPY"):
        # Every line also to a file, rendered WITHOUT the CPR mask: the test suite scans it
        # for the numbers it used, proving the code never logs one (not just that the mask
        # hid it). Never set this in production.
        unmasked = structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                safe_tracebacks,
                renderer,
            ],
        )
        copy_handler = logging.FileHandler(copy, encoding="utf-8")
        copy_handler.setFormatter(unmasked)
        copy_handler.addFilter(storm_filter)
        root.handlers.append(copy_handler)
    root.setLevel(level)
    # zeep logs whole SOAP envelopes (CPR numbers and names) at DEBUG.
    logging.getLogger("zeep").setLevel(max(logging.INFO, logging.getLevelName(level)))
    # aiokafka is chatty about every rebalance at INFO.
    logging.getLogger("aiokafka").setLevel(max(logging.WARNING, logging.getLevelName(level)))
