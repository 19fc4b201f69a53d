"""One JSON document POSTed to a receiver that answers with a receipt.

The protocol shared by the Danmarks Statistik and Ankestyrelsen adapters
(``docs/statistics-format.md``, ``docs/appeals-format.md``).

=============================  ===============================================
answer                         raised
=============================  ===============================================
201, 200 (``duplicate: true``) nothing: the receipt is returned
422 with ``codes``             ``errors.rejected(operation, codes)``
401, 403, 404, 405             ``errors.refused``
429, 5xx, timeout, transport   ``errors.unavailable``
other 4xx                      ``errors.rejected`` with ``HTTP_<status>``
unreadable or foreign receipt  ``errors.malformed``
an answer over 1 MiB           ``errors.malformed`` (read while streaming)
=============================  ===============================================

Every failure is raised ``from None`` and names the operation and a code only: httpx and
pydantic messages can quote the request or the answer, and chained exceptions are printed
in tracebacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

import httpx
from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from adapters.capped import AnswerTooLargeError, post_capped

__all__ = ["MAX_ANSWER_BYTES", "Errors", "Receipt", "ReceiptAnswer", "post_json"]

MAX_ANSWER_BYTES: Final = 1024 * 1024
"""A receipt is a few hundred bytes; a larger answer is refused while it streams."""

_REFUSED: Final = frozenset({401, 403, 404, 405})
_CODE: Final = re.compile(r"[A-Za-z0-9._-]{1,32}")


@dataclass(frozen=True, slots=True)
class Errors:
    """The port errors of one adapter, by kind of failure."""

    rejected: Callable[[str, tuple[str, ...]], Exception]
    refused: Callable[[str], Exception]
    unavailable: Callable[[str], Exception]
    malformed: Callable[[str], Exception]


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the receiver answered for the document it took."""

    receipt_id: str
    received_at: AwareDatetime
    duplicate: bool


class ReceiptAnswer(BaseModel):
    """The receiver's answer body; each adapter adds the names of its ids."""

    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    received_at: AwareDatetime
    duplicate: bool = False


class _Rejected(BaseModel):
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    codes: tuple[str, ...]


class _AnswerError(Exception):
    """The answer was not what the protocol promises."""


async def post_json(  # noqa: PLR0913 - the protocol's parts, each named
    http: httpx.AsyncClient,
    path: str,
    body: str,
    *,
    id_header: str,
    document_id: str,
    answer: type[ReceiptAnswer],
    id_field: str,
    receipt_field: str,
    operation: str,
    errors: Errors,
) -> Receipt:
    """Post ``body`` with its id in ``id_header``; the receipt must name the same id."""
    with _translate_errors(operation, errors):
        try:
            response = await post_capped(
                http,
                path,
                content=body,
                headers={"Content-Type": "application/json", id_header: document_id},
                max_bytes=MAX_ANSWER_BYTES,
            )
        except AnswerTooLargeError:
            msg = f"{operation}: answer over {MAX_ANSWER_BYTES} bytes"
            raise errors.malformed(msg) from None
        if response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY:
            raise errors.rejected(operation, _codes(response))
        response.raise_for_status()
        parsed = answer.model_validate_json(response.content)
        if getattr(parsed, id_field) != document_id:
            msg = "receipt names another document"
            raise _AnswerError(msg)
        return Receipt(getattr(parsed, receipt_field), parsed.received_at, parsed.duplicate)


def _codes(response: httpx.Response) -> tuple[str, ...]:
    try:
        codes = _Rejected.model_validate_json(response.content).codes
    except ValidationError:
        return ("UNREADABLE",)
    return tuple(c if _CODE.fullmatch(c) else "UNREADABLE" for c in codes) or ("UNREADABLE",)


@contextmanager
def _translate_errors(operation: str, errors: Errors) -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException:
        msg = f"{operation}: timeout"
        raise errors.unavailable(msg) from None
    except httpx.TransportError as exc:
        msg = f"{operation}: transport error {type(exc).__name__}"
        raise errors.unavailable(msg) from None
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        msg = f"{operation}: HTTP {status}"
        if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise errors.unavailable(msg) from None
        if status in _REFUSED:
            raise errors.refused(msg) from None
        raise errors.rejected(operation, (f"HTTP_{status}",)) from None
    except (ValidationError, _AnswerError):
        msg = f"{operation}: unreadable answer"
        raise errors.malformed(msg) from None
