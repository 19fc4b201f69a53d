"""The SF1470 SagDokumentIndeks client: its operations over ``adapters.soap.client``.

zeep reads the WSDL in ``wsdl/`` from disk and posts over the ``httpx.AsyncClient`` it is given,
which carries the base URL, the timeouts and, in production, the mutual-TLS context. The SOAP
plumbing and the translation of errors are ``adapters.soap.client``'s; this module adds the
index's own status codes (``StandardRetur``). The bodies come from ``sagdok``.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Final, Self

import httpx
from lxml import etree
from zeep.proxy import AsyncServiceProxy

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
from adapters.soap.client import REFUSED_CODES, Errors, connect, translate_errors
from contracts.cpr import Cpr

__all__ = ["REFUSED_CODES", "WSDL", "ArchiveClient"]

WSDL: Final = Path(__file__).parent / "wsdl" / "SagDokumentIndeksService.wsdl"
_TNS: Final = "http://stoettesystemerne.dk/sagsogdokumentindeks"
_BINDING: Final = f"{{{_TNS}}}SagDokumentIndeksBinding"
_SERVICE: Final = "SF1470"
# Refused fault codes are ``adapters.soap.client.REFUSED_CODES``, re-exported here.
_ERRORS: Final = Errors(
    unavailable=ArchiveUnavailableError, refused=ArchiveRefusedError, fault=ArchiveFaultError
)
_STATUS_REFUSED: Final = 43
_STATUS_NOT_FOUND: Final = 44
_STATUS_SERVER: Final = 50


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
        # The transport cannot tell the operations apart: what it refuses is an SF1470 "call".
        client = connect(WSDL, http, _ERRORS, service=_SERVICE, operation="call")
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
        with translate_errors(f"{_SERVICE} {operation}", _ERRORS):
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
