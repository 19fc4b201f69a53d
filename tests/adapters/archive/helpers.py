"""Plain helpers for the archive tests (conftest.py holds fixtures only and is never imported)."""

import datetime as dt
import uuid

from adapters.archive import ArchiveAgreement, Entry, EntryKind, NewCase
from contracts.cpr import Cpr
from tests.people import CHILD, MOTHER

BASE_URL = "https://sagdok.standin.invalid/"
CHILD_CPR = Cpr(CHILD)
OTHER_CPR = Cpr(MOTHER)
WHEN = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def agreement():
    return ArchiveAgreement(
        service_agreement_uuid=uuid.uuid4(),
        it_system_uuid=uuid.uuid4(),
        organisation_uuid=uuid.uuid4(),
        responsible_unit_uuid=uuid.uuid4(),
    )


def new_case(kle="27.24.03", party=CHILD_CPR, number="27.24.03-G01-7-26"):
    return NewCase(
        case_id=uuid.uuid4(),
        kle=kle,
        party=party,
        case_number=number,
        title="Børnesag 27.24.03",
        opened_at=WHEN,
    )


def document(party=CHILD_CPR, entry_id=None):
    return Entry(
        entry_id=entry_id or uuid.uuid4(),
        kind=EntryKind.DOCUMENT,
        reference="doc-1",
        title="Børnefaglig undersøgelse af Alma",
        filed_at=WHEN,
        party=party,
        document_type="Rapport",
        sha256="ab" * 32,
    )


def note(party=CHILD_CPR, entry_id=None):
    return Entry(
        entry_id=entry_id or uuid.uuid4(),
        kind=EntryKind.JOURNAL_NOTE,
        reference="note-1",
        title="Journalnotat",
        filed_at=WHEN,
        party=party,
        text="Samtale med skolen om Alma.",
    )
