"""Plain helpers for the archive tests (conftest.py holds fixtures only and is never imported)."""

import datetime as dt
import uuid

from adapters.archive import ArchiveAgreement, CaseParties, Entry, EntryKind, NewCase
from adapters.archive.parties import STORE
from contracts.cpr import Cpr
from hub.runtime.state import Store, Task, in_task
from tests.people import CHILD, MOTHER
from tests.state import owned_table

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


TASKS = [Task("751", 0), Task("461", 0)]
"""The tasks the offline tests own: partition 0 of the two municipalities they use."""


async def parties_on(changelog=None):
    """The archiver's parties on a table that owns ``TASKS`` (restored from ``changelog``)."""
    table = await owned_table("test.archive", changelog, TASKS)
    return CaseParties(Store(table, STORE)), table


def in_its_task(handler):
    """The handler run as the delivery runs it: inside its record's task (partition 0)."""

    async def handle(event):
        with in_task(Task(event.envelope.municipality, 0)):
            await handler(event)

    return handle
