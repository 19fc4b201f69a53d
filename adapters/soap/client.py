"""What the SOAP clients share: zeep over our HTTP client, every answer checked, errors translated.

Besides the services' own ``client.py``, the only module that imports zeep. ``connect`` builds
zeep from a WSDL on disk (its loader has no network) over the ``httpx.AsyncClient`` it is given,
through a transport that checks every answer before zeep parses it: HTTP 401/403 means refused
and a 5xx that is not XML means unavailable, whatever the body says, and every XML answer goes
through ``hub.runtime.xmlsafe.parse_xml`` first, so a DTD or an entity is refused as
``UnsafeXmlError``
(zeep's own settings, ``hub.runtime.xmlsafe.ZEEP_SETTINGS``, forbid them too).

``translate_errors`` turns every zeep and httpx error into the service's port error (``Errors``),
raised ``from None`` and carrying a code at most, never content: a fault's text can quote the
request, CPR number included.

==========================================  ======================
answer                                      raised
==========================================  ======================
HTTP 401 or 403                             ``errors.refused``
timeout, no connection, HTTP 5xx (not XML)  ``errors.unavailable``
other HTTP answer that is not SOAP          ``errors.fault``
SOAP fault, code in ``errors.by_code``      that code's error
SOAP fault, code in ``REFUSED_CODES``       ``errors.refused``
SOAP fault ``soap:Server``                  ``errors.unavailable``
any other SOAP fault, answer off contract   ``errors.fault``
an answer with a DTD or entities            ``UnsafeXmlError``
an answer over 64 MiB, cut off at the cap   ``UnsafeXmlError``
==========================================  ======================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import httpx
import zeep
import zeep.exceptions
from lxml import etree
from zeep.transports import AsyncTransport

from adapters.capped import AnswerTooLargeError, post_capped
from hub.runtime.errors import HubError
from hub.runtime.xmlsafe import (
    MAX_BYTES,
    ZEEP_SETTINGS,
    MalformedXmlError,
    UnsafeXmlError,
    parse_xml,
)

__all__ = ["REFUSED_CODES", "Errors", "connect", "translate_errors"]

# Error codes in a ServiceplatformFault's detail that mean "refused". The public contracts list
# none, so these are the hub's assumption (unverified against the real services) and what the
# stand-ins send.
REFUSED_CODES: Final = frozenset({"AccessDenied", "InvalidServiceAgreement", "NotAuthorized"})

_FAULT_NS: Final = "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/"
# A code is only carried if it looks like a code: it starts with a letter and holds no run of
# six digits, so neither a CPR number nor fault text can travel in an exception message.
_SAFE_CODE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,63}")
_DIGIT_RUN: Final = re.compile(r"[0-9]{6}")
_HTTP_UNAUTHORISED: Final = frozenset({401, 403})
_HTTP_SERVER_ERROR: Final = 500
_XML_MEDIA_TYPES: Final = frozenset({"text/xml", "application/xml", "application/soap+xml"})


@dataclass(frozen=True, slots=True)
class Errors:
    """The port errors of one SOAP service, by kind of failure.

    ``by_code`` maps the fault codes that mean something of the service's own (a
    ServiceplatformFault's ``ErrorCode``) to their error.
    """

    unavailable: Callable[[str], HubError]
    refused: Callable[[str], HubError]
    fault: Callable[[str], HubError]
    by_code: Mapping[str, Callable[[str], HubError]] = field(default_factory=dict)


def connect(
    wsdl: Path, http: httpx.AsyncClient, errors: Errors, *, service: str, operation: str
) -> zeep.AsyncClient:
    """The zeep client for ``wsdl``, posting through ``http``; the WSDL and XSDs are read from disk.

    An answer the transport refuses is named ``{service} {operation}`` in its error: a service
    with one operation names it, one with several says what it can (``call``).
    """

    def no_fetch(_request: httpx.Request) -> httpx.Response:
        msg = f"the {service} WSDL is read from disk; nothing is fetched"
        raise RuntimeError(msg)

    # zeep loads the WSDL synchronously; a loader that refuses every request proves (and
    # ensures) that nothing is fetched.
    with httpx.Client(transport=httpx.MockTransport(no_fetch)) as loader:
        transport = _CheckedTransport(http, loader, f"{service} {operation}", errors)
        return zeep.AsyncClient(
            str(wsdl), transport=transport, settings=zeep.Settings(**ZEEP_SETTINGS)
        )


class _CheckedTransport(AsyncTransport):
    """zeep's transport, with every answer checked before zeep parses it."""

    # zeep is unannotated, and calls through super() escape mypy's untyped_calls_exclude.
    def __init__(
        self, http: httpx.AsyncClient, loader: httpx.Client, name: str, errors: Errors
    ) -> None:
        super().__init__(client=http, wsdl_client=loader)  # type: ignore[no-untyped-call]
        self._name = name
        self._errors = errors

    async def post(
        self, address: str, message: bytes | str, headers: dict[str, str]
    ) -> httpx.Response:
        # zeep's own post reads the whole answer into memory first; this one stops at the cap.
        try:
            response = await post_capped(
                self.client, address, content=message, headers=headers, max_bytes=MAX_BYTES
            )
        except AnswerTooLargeError:
            msg = f"{self._name}: answer refused, over {MAX_BYTES} bytes"
            raise UnsafeXmlError(msg) from None
        status = response.status_code
        if status in _HTTP_UNAUTHORISED:
            raise _status_error(self._name, status, self._errors)
        media_type = response.headers.get("content-type", "text/xml").split(";")[0].strip()
        if media_type.lower() not in _XML_MEDIA_TYPES:
            raise _status_error(self._name, status, self._errors)
        try:
            parse_xml(response.content)
        except MalformedXmlError:
            if status >= _HTTP_SERVER_ERROR:
                raise _status_error(self._name, status, self._errors) from None
            raise
        return response


@contextmanager
def translate_errors(name: str, errors: Errors) -> Iterator[None]:
    """Every zeep and httpx error becomes a hub error named ``name``, carrying a code at most."""
    try:
        yield
    except zeep.exceptions.Fault as fault:
        raise _fault_error(name, fault, errors) from None
    except (
        zeep.exceptions.DTDForbidden,
        zeep.exceptions.EntitiesForbidden,
        zeep.exceptions.ExternalReferenceForbidden,
    ):
        msg = f"{name}: answer with a DTD or entities refused"
        raise UnsafeXmlError(msg) from None
    except zeep.exceptions.TransportError as exc:
        raise _status_error(name, exc.status_code, errors) from None
    except httpx.TimeoutException:
        msg = f"{name}: timeout"
        raise errors.unavailable(msg) from None
    except httpx.TransportError as exc:
        msg = f"{name}: no connection ({type(exc).__name__})"
        raise errors.unavailable(msg) from None
    except zeep.exceptions.Error as exc:
        msg = f"{name}: answer off contract ({type(exc).__name__})"
        raise errors.fault(msg) from None


def _status_error(name: str, status: int | None, errors: Errors) -> HubError:
    """The hub error for an HTTP answer that is not a SOAP answer."""
    if status in _HTTP_UNAUTHORISED:
        return errors.refused(f"{name}: HTTP {status}")
    if status is not None and status >= _HTTP_SERVER_ERROR:
        return errors.unavailable(f"{name}: HTTP {status}")
    return errors.fault(f"{name}: not a SOAP answer, HTTP {status}")


def _fault_error(name: str, fault: zeep.exceptions.Fault, errors: Errors) -> HubError:
    soap_code = _safe_code(fault.code).rpartition(":")[2]
    detail_code = None
    if isinstance(fault.detail, etree._Element):  # noqa: SLF001 - lxml's element type
        detail_code = fault.detail.findtext(f".//{{{_FAULT_NS}}}ErrorCode")
    code = _safe_code(detail_code) if detail_code else soap_code
    msg = f"{name}: SOAP fault {code}"
    own = errors.by_code.get(code)
    if own is not None:
        return own(msg)
    if code in REFUSED_CODES:
        return errors.refused(msg)
    if soap_code == "Server":
        return errors.unavailable(msg)
    return errors.fault(msg)


def _safe_code(code: object) -> str:
    text = str(code).strip() if code is not None else ""
    if _SAFE_CODE.fullmatch(text) and not _DIGIT_RUN.search(text):
        return text
    return "unrecognised"
