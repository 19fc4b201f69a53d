"""The SF1470 SagDokumentIndeks client: the only module that imports zeep; it translates its errors.

zeep reads the WSDL in ``wsdl/`` from disk (its loader has no network) and posts over the
``httpx.AsyncClient`` it is given, which carries the base URL, the timeouts and, in production,
the mutual-TLS context. Parsing uses ``hub.xmlsafe.ZEEP_SETTINGS``; every answer also passes
``hub.xmlsafe.parse_xml`` before zeep sees it. The bodies come from ``sagdok``.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Final, Self

import httpx
import zeep
import zeep.exceptions
from lxml import etree
from zeep.proxy import AsyncServiceProxy
from zeep.transports import AsyncTransport

from adapters.archive import sagdok
from adapters.archive.port import (
    ArchiveCase,
    ArchiveFaultError,
    ArchiveRefusedError,
    ArchiveUnavailableError,
    Entry,
    EntryKind,
    Filing,
    NewCase,
    NoServiceAgreementError,
)
from adapters.archive.settings import ArchiveAgreement, ArchiveSettings
from adapters.soap.settings import http_client
from contracts.cpr import Cpr
from hub.errors import HubError
from hub.xmlsafe import ZEEP_SETTINGS, MalformedXmlError, UnsafeXmlError, parse_xml

__all__ = ["REFUSED_CODES", "WSDL", "ArchiveClient", "archive_http_client"]

WSDL: Final = Path(__file__).parent / "wsdl" / "SagDokumentIndeksService.wsdl"
_TNS: Final = "http://stoettesystemerne.dk/sagsogdokumentindeks"
_BINDING: Final = f"{{{_TNS}}}SagDokumentIndeksBinding"
_FAULT_NS: Final = "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/"
_SERVICE: Final = "SF1470"
_ANY_OPERATION: Final = "call"

# Error codes in a ServiceplatformFault's detail that mean "refused" (the hub's assumption,
# unverified against the real service; the stand-in sends them).
REFUSED_CODES: Final = frozenset({"AccessDenied", "InvalidServiceAgreement", "NotAuthorized"})

# A code is carried only if it looks like a code: never fault text, never a run of digits.
_SAFE_CODE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,63}")
_DIGIT_RUN: Final = re.compile(r"[0-9]{6}")
_HTTP_UNAUTHORISED: Final = frozenset({401, 403})
_HTTP_SERVER_ERROR: Final = 500
_XML_MEDIA_TYPES: Final = frozenset({"text/xml", "application/xml", "application/soap+xml"})
_STATUS_REFUSED: Final = 43
_STATUS_NOT_FOUND: Final = 44
_STATUS_SERVER: Final = 50


def archive_http_client(settings: ArchiveSettings) -> httpx.AsyncClient:
    """The HTTP client for the archive: base URL, timeout and (with cert files) mutual TLS."""
    return http_client(settings)


def _no_fetch(_request: httpx.Request) -> httpx.Response:
    msg = "the SF1470 WSDL is read from disk; nothing is fetched"
    raise RuntimeError(msg)


class _CheckedTransport(AsyncTransport):
    """zeep's transport, with every answer checked before zeep parses it.

    HTTP 401/403 means refused and a 5xx that is not XML means unavailable, whatever the
    body says; every XML answer goes through ``hub.xmlsafe.parse_xml`` first, so a DTD or
    an entity is refused as ``UnsafeXmlError``.
    """

    # zeep is unannotated, and calls through super() escape mypy's untyped_calls_exclude.
    def __init__(self, http: httpx.AsyncClient, loader: httpx.Client) -> None:
        super().__init__(client=http, wsdl_client=loader)  # type: ignore[no-untyped-call]

    async def post(
        self, address: str, message: bytes | str, headers: dict[str, str]
    ) -> httpx.Response:
        response: httpx.Response = await super().post(address, message, headers)  # type: ignore[no-untyped-call]
        status = response.status_code
        if status in _HTTP_UNAUTHORISED:
            raise _http_error(_ANY_OPERATION, status)
        media_type = response.headers.get("content-type", "text/xml").split(";")[0].strip()
        if media_type.lower() not in _XML_MEDIA_TYPES:
            raise _http_error(_ANY_OPERATION, status)
        try:
            parse_xml(response.content)
        except MalformedXmlError:
            if status >= _HTTP_SERVER_ERROR:
                raise _http_error(_ANY_OPERATION, status) from None
            raise
        return response


class ArchiveClient:
    """``Archive`` over SF1470 SagDokumentIndeks v6 (SOAP 1.1, zeep)."""

    def __init__(
        self,
        services: Mapping[str, AsyncServiceProxy],
        agreements: Mapping[str, ArchiveAgreement],
    ) -> None:
        self._services = dict(services)
        self._agreements = dict(agreements)

    @classmethod
    def connect(cls, http: httpx.AsyncClient, settings: ArchiveSettings) -> Self:
        """Build the client from the local WSDL, posting through ``http`` to ``settings.path``.

        A municipality whose agreement names its own ``endpoint`` is called there instead.
        ``http`` stays the caller's to close.
        """
        with httpx.Client(transport=httpx.MockTransport(_no_fetch)) as loader:
            transport = _CheckedTransport(http, loader)
            client = zeep.AsyncClient(
                str(WSDL), transport=transport, settings=zeep.Settings(**ZEEP_SETTINGS)
            )
        binding = client.wsdl.bindings[_BINDING]
        default = str(http.base_url.join(settings.path))
        services = {
            municipality: AsyncServiceProxy(client, binding, address=agreement.endpoint or default)
            for municipality, agreement in settings.agreements.items()
        }
        return cls(services, settings.agreements)

    async def find_case(self, *, municipality: str, kle: str, party: Cpr) -> ArchiveCase | None:
        """The first case of ``party`` under ``kle`` that the index returns, or None."""
        self._agreement(municipality, "fremsoeg")
        output = await self._call(municipality, "fremsoeg", sagdok.search_case(kle, party.reveal()))
        code = sagdok.status_of(output).code
        if code == _STATUS_NOT_FOUND:
            return None
        _check_status("fremsoeg", code)
        try:
            cases = sagdok.found_cases(output, kle)
        except ValueError:
            msg = f"{_SERVICE} fremsoeg: answer off contract"
            raise ArchiveFaultError(msg) from None
        return cases[0] if cases else None

    async def create_case(self, *, municipality: str, case: NewCase) -> ArchiveCase:
        """Import ``case``; the index answering "already there" (49) counts as created."""
        agreement = self._agreement(municipality, "importer")
        output = await self._call(municipality, "importer", sagdok.case_import(case, agreement))
        code = sagdok.status_of(output).code
        if code != sagdok.STATUS_CONFLICT:
            _check_status("importer", code)
        return ArchiveCase(case.case_id, case.case_number, case.kle)

    async def file(self, *, municipality: str, case: ArchiveCase, entry: Entry) -> Filing:
        """Index a document (then) add its journal post; "already there" marks a duplicate."""
        agreement = self._agreement(municipality, "opdater")
        if entry.kind is EntryKind.DOCUMENT:
            output = await self._call(
                municipality, "importer", sagdok.document_import(entry, agreement)
            )
            code = sagdok.status_of(output).code
            if code != sagdok.STATUS_CONFLICT:
                _check_status("importer", code)
        now = dt.datetime.now(dt.UTC)
        post = sagdok.journal_post(case, entry, agreement, now=now)
        output = await self._call(municipality, "opdater", post)
        code = sagdok.status_of(output).code
        duplicate = code == sagdok.STATUS_CONFLICT
        if not duplicate:
            _check_status("opdater", code)
        return Filing(document_id=entry.entry_id, duplicate=duplicate)

    def _agreement(self, municipality: str, operation: str) -> ArchiveAgreement:
        agreement = self._agreements.get(municipality)
        if agreement is None:
            msg = f"{_SERVICE} {operation}: no service agreement for the municipality"
            raise NoServiceAgreementError(msg)
        return agreement

    async def _call(
        self, municipality: str, operation: str, request: etree._Element
    ) -> etree._Element:
        """Send one operation's body; return its output element (rebuilt from zeep's answer)."""
        header = {"header": {"TransactionUUID": str(uuid.uuid4())}}
        with _translate_errors(operation):
            reply = await getattr(self._services[municipality], operation)(
                _value_1=list(request), _soapheaders=header
            )
        output = etree.Element(request.tag.replace("Input", "Output"))
        body = getattr(reply, "response", reply)
        for value in getattr(body, "_value_1", None) or ():
            if isinstance(value, etree._Element):  # noqa: SLF001 - lxml's element type
                output.append(copy.deepcopy(value))
        return output

    def __repr__(self) -> str:
        return f"ArchiveClient(municipalities={len(self._agreements)})"


def _check_status(operation: str, code: int | None) -> None:
    """Raise the hub error for a ``StandardRetur`` status that is not ok (20)."""
    if code == sagdok.STATUS_OK:
        return
    msg = f"{_SERVICE} {operation}: status {code}"
    if code == _STATUS_REFUSED:
        raise ArchiveRefusedError(msg)
    if code is not None and code >= _STATUS_SERVER:
        raise ArchiveUnavailableError(msg)
    raise ArchiveFaultError(msg)


@contextmanager
def _translate_errors(operation: str) -> Iterator[None]:
    """Every zeep and httpx error becomes a hub error carrying a code at most, never content."""
    name = f"{_SERVICE} {operation}"
    try:
        yield
    except zeep.exceptions.Fault as fault:
        raise _fault_error(name, fault) from None
    except (
        zeep.exceptions.DTDForbidden,
        zeep.exceptions.EntitiesForbidden,
        zeep.exceptions.ExternalReferenceForbidden,
    ):
        msg = f"{name}: answer with a DTD or entities refused"
        raise UnsafeXmlError(msg) from None
    except zeep.exceptions.TransportError as exc:
        raise _http_error(operation, exc.status_code) from None
    except httpx.TimeoutException:
        msg = f"{name}: timeout"
        raise ArchiveUnavailableError(msg) from None
    except httpx.TransportError as exc:
        msg = f"{name}: no connection ({type(exc).__name__})"
        raise ArchiveUnavailableError(msg) from None
    except zeep.exceptions.Error as exc:
        msg = f"{name}: answer off contract ({type(exc).__name__})"
        raise ArchiveFaultError(msg) from None


def _http_error(operation: str, status: int | None) -> HubError:
    """The hub error for an HTTP answer that is not a SOAP answer."""
    name = f"{_SERVICE} {operation}"
    if status in _HTTP_UNAUTHORISED:
        return ArchiveRefusedError(f"{name}: HTTP {status}")
    if status is not None and status >= _HTTP_SERVER_ERROR:
        return ArchiveUnavailableError(f"{name}: HTTP {status}")
    return ArchiveFaultError(f"{name}: not a SOAP answer, HTTP {status}")


def _fault_error(name: str, fault: zeep.exceptions.Fault) -> HubError:
    soap_code = _safe_code(fault.code).rpartition(":")[2]
    detail_code = None
    if isinstance(fault.detail, etree._Element):  # noqa: SLF001 - lxml's element type
        detail_code = fault.detail.findtext(f".//{{{_FAULT_NS}}}ErrorCode")
    code = _safe_code(detail_code) if detail_code else soap_code
    msg = f"{name}: SOAP fault {code}"
    if code in REFUSED_CODES:
        return ArchiveRefusedError(msg)
    if soap_code == "Server":
        return ArchiveUnavailableError(msg)
    return ArchiveFaultError(msg)


def _safe_code(code: object) -> str:
    text = str(code).strip() if code is not None else ""
    if _SAFE_CODE.fullmatch(text) and not _DIGIT_RUN.search(text):
        return text
    return "unrecognised"
