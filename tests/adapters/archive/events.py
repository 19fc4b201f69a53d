"""Canonical events for the archive tests, built from synthetic people."""

import datetime as dt
import uuid

from contracts.case import CaseOpened, SubProcess
from contracts.documents import DocumentFiled, DocumentKind, JournalNoteAdded
from contracts.envelope import new_event
from tests.adapters.archive.helpers import CHILD_CPR

WHEN = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def case_opened(municipality, case_id, kle="27.24.03"):
    data = CaseOpened(
        opened_at=WHEN,
        child_cpr=CHILD_CPR,
        sub_process=SubProcess.INVESTIGATION,
        kle=kle,
    )
    return new_event(data, source="urn:casehub:test", municipality=municipality, case_id=case_id)


def document_filed(municipality, case_id, *, kle="27.24.03", number="27.24.03-G01-7-26"):
    data = DocumentFiled(
        document_id=f"doc-{uuid.uuid4().hex[:8]}",
        esdh_case_number=number,
        kle=kle,
        kind=DocumentKind.INVESTIGATION,
        title="Børnefaglig undersøgelse af Alma",
        filed_at=WHEN,
        sha256="ab" * 32,
    )
    return new_event(data, source="urn:casehub:test", municipality=municipality, case_id=case_id)


def journal_note_added(municipality, case_id):
    data = JournalNoteAdded(
        note_id=f"note-{uuid.uuid4().hex[:8]}",
        written_at=WHEN,
        author_id="cw-17",
        text="Samtale med skolen om Alma.",
    )
    return new_event(data, source="urn:casehub:test", municipality=municipality, case_id=case_id)
