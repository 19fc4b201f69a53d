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
from typing import Any, Final, TextIO

import structlog
from structlog.processors import ExceptionRenderer
from structlog.tracebacks import ExceptionDictTransformer
from structlog.typing import EventDict, Processor, WrappedLogger

__all__ = ["configure_logging", "mask_cpr", "mask_cpr_text", "safe_tracebacks"]

# DDMMYY-SSSS or DDMMYYSSSS with a plausible day (01-31, or 61-91 for replacement and
# synthetic numbers) and month, not inside a longer run of digits. It accepts false
# positives on other ten-digit numbers.
_CPR: Final = re.compile(
    r"(?<![0-9])(?:[0-2][0-9]|3[01]|[6-8][0-9]|9[01])(?:0[1-9]|1[0-2])[0-9]{2}-?[0-9]{4}(?![0-9])"
)
_MASK: Final = "******-****"

safe_tracebacks: Final = ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
"""Tracebacks as data, without frame locals: a local variable may hold a CPR number."""


def mask_cpr_text(text: str) -> str:
    """Replace everything shaped like a CPR number in ``text``."""
    return _CPR.sub(_MASK, text)


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
        root.handlers.append(copy_handler)
    root.setLevel(level)
    # zeep logs whole SOAP envelopes (CPR numbers and names) at DEBUG.
    logging.getLogger("zeep").setLevel(max(logging.INFO, logging.getLevelName(level)))
    # aiokafka is chatty about every rebalance at INFO.
    logging.getLogger("aiokafka").setLevel(max(logging.WARNING, logging.getLevelName(level)))
