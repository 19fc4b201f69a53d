"""Appeals to Ankestyrelsen over HTTPS: ``POST /appeals`` with the package as JSON.

=============================  =========================================
answer                         result
=============================  =========================================
201, 200 ``duplicate: true``   ``Acknowledgement``
422 with ``codes``             ``AppealRejectedError``
401, 403, 404, 405             ``AppealsRefusedError``
429, 5xx, timeout, transport   ``AppealsUnavailableError``
unreadable answer              ``MalformedAnswerError`` (transient)
other 4xx                      ``AppealRejectedError`` with ``HTTP_<status>``
=============================  =========================================
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Final

import httpx
from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from adapters.appeals.package import AppealPackage
from adapters.appeals.port import (
    Acknowledgement,
    AppealRejectedError,
    AppealsRefusedError,
    AppealsUnavailableError,
    MalformedAnswerError,
)

__all__ = ["APPEALS_PATH", "AppealsClient"]

APPEALS_PATH: Final = "/appeals"
_REFUSED: Final = frozenset({401, 403, 404, 405})
_CODE: Final = re.compile(r"[A-Za-z0-9._-]{1,32}")
_OPERATION: Final = "Ankestyrelsen forward"


class _Acknowledged(BaseModel):
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    forward_id: str
    acknowledgement_id: str
    received_at: AwareDatetime
    duplicate: bool = False


class _Rejected(BaseModel):
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    codes: tuple[str, ...]


class _AnswerError(Exception):
    """The answer was not what the protocol promises."""


class AppealsClient:
    """The ``AppealsBoard`` port over HTTP."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def forward(self, package: AppealPackage) -> Acknowledgement:
        """Post the package; see the module table for the errors."""
        with _translate_errors(_OPERATION):
            response = await self._http.post(
                APPEALS_PATH,
                content=package.model_dump_json(),
                headers={"Content-Type": "application/json", "X-Forward-Id": package.forward_id},
            )
            if response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY:
                raise AppealRejectedError(_OPERATION, _codes(response))
            response.raise_for_status()
            answer = _Acknowledged.model_validate_json(response.content)
            if answer.forward_id != package.forward_id:
                msg = "acknowledgement names another forward"
                raise _AnswerError(msg)
            return Acknowledgement(
                package.forward_id, answer.acknowledgement_id, answer.received_at, answer.duplicate
            )

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()


def _codes(response: httpx.Response) -> tuple[str, ...]:
    try:
        codes = _Rejected.model_validate_json(response.content).codes
    except ValidationError:
        return ("UNREADABLE",)
    return tuple(c if _CODE.fullmatch(c) else "UNREADABLE" for c in codes) or ("UNREADABLE",)


@contextmanager
def _translate_errors(operation: str) -> Iterator[None]:
    """Every failure below becomes a port error naming the operation and a code, ``from None``."""
    try:
        yield
    except httpx.TimeoutException:
        msg = f"{operation}: timeout"
        raise AppealsUnavailableError(msg) from None
    except httpx.TransportError as exc:
        msg = f"{operation}: transport error {type(exc).__name__}"
        raise AppealsUnavailableError(msg) from None
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        msg = f"{operation}: HTTP {status}"
        if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise AppealsUnavailableError(msg) from None
        if status in _REFUSED:
            raise AppealsRefusedError(msg) from None
        raise AppealRejectedError(operation, (f"HTTP_{status}",)) from None
    except (ValidationError, _AnswerError):
        msg = f"{operation}: unreadable answer"
        raise MalformedAnswerError(msg) from None
