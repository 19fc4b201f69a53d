"""The archiver on the port fake: find or create the case, file once, answer with the follow-up."""

import pytest

from adapters.archive import (
    ArchiveFaultError,
    ArchiveRefusedError,
    ArchiveUnavailableError,
    CasePartyUnknownError,
    InMemoryArchive,
    InMemoryCaseParties,
    SqliteCaseParties,
    build_archiver,
)
from adapters.archive.wiring import case_id_for, entry_id
from contracts.documents import ArchivedEntry, DocumentArchived
from contracts.envelope import follow_up_id
from hub.runtime.errors import AuthorisationError, PermanentError, TransientError
from tests.adapters.archive.events import case_opened, document_filed, journal_note_added
from tests.adapters.archive.helpers import CHILD_CPR, new_case

SOURCE = "urn:casehub:archive"


class Bus:
    def __init__(self):
        self.published = []

    async def publish(self, event):
        self.published.append(event)
        return "topic"


@pytest.fixture
def archive():
    return InMemoryArchive()


@pytest.fixture
def bus():
    return Bus()


@pytest.fixture
async def archiver(archive, bus):
    handler = build_archiver(archive, bus.publish, source=SOURCE, parties=InMemoryCaseParties())
    await handler(case_opened("751", "C-1"))
    return handler


async def test_document_for_a_new_case_creates_it_with_the_expected_number(archiver, archive, bus):
    filed = document_filed("751", "C-1")

    await archiver(filed)

    (follow,) = bus.published
    assert follow.envelope.id == follow_up_id(filed.envelope.id, DocumentArchived.event_type)
    assert follow.envelope.causationid == filed.envelope.id
    data = follow.data
    assert isinstance(data, DocumentArchived)
    assert data.entry is ArchivedEntry.DOCUMENT
    assert data.entry_id == filed.data.document_id
    assert data.archive_case_number == "27.24.03-G01-7-26"
    assert data.archive_case_id == str(case_id_for(filed.envelope.id))
    assert data.archive_document_id == str(entry_id(filed.envelope.id))
    assert data.case_created
    assert data.expected_case_number_matched
    ((case, party),) = archive.cases.values()
    assert party == CHILD_CPR
    assert case.kle == "27.24.03"


async def test_document_goes_to_the_case_the_archive_already_holds(archiver, archive, bus):
    held = await archive.create_case(municipality="751", case=new_case(number="OTHER-1"))

    await archiver(document_filed("751", "C-1"))

    data = bus.published[0].data
    assert data.archive_case_id == str(held.case_id)
    assert data.archive_case_number == "OTHER-1"
    assert not data.case_created
    assert data.expected_case_number_matched is False
    assert len(archive.cases) == 1


async def test_journal_note_is_filed_on_the_running_journal(archiver, archive, bus):
    added = journal_note_added("751", "C-1")

    await archiver(added)

    data = bus.published[0].data
    assert data.entry is ArchivedEntry.JOURNAL_NOTE
    assert data.kle == "27.24.00"
    assert data.entry_id == added.data.note_id
    assert data.expected_case_number_matched is None
    ((_, entry),) = archive.filings.values()
    assert entry.text == added.data.text


async def test_redelivery_files_once_and_repeats_the_same_follow_up(archiver, archive, bus):
    filed = document_filed("751", "C-1")

    await archiver(filed)
    await archiver(filed)

    assert len(archive.filings) == 1
    assert len(archive.cases) == 1
    first, second = bus.published
    assert first.envelope.id == second.envelope.id
    assert second.data.case_created  # the case this event created, found again


async def test_unknown_child_waits_for_the_case_to_open(archive, bus):
    handler = build_archiver(archive, bus.publish, source=SOURCE, parties=InMemoryCaseParties())
    with pytest.raises(CasePartyUnknownError) as caught:
        await handler(document_filed("751", "C-9"))
    assert isinstance(caught.value, TransientError)
    assert archive.calls == 0
    assert bus.published == []


@pytest.mark.parametrize(
    ("switch", "errors"),
    [
        ("down", (ArchiveUnavailableError, TransientError)),
        ("refused", (ArchiveRefusedError, AuthorisationError)),
        ("rejecting", (ArchiveFaultError, PermanentError)),
    ],
)
async def test_failures_reach_the_delivery_policy(archiver, archive, bus, switch, errors):
    error, family = errors
    setattr(archive, switch, True)
    with pytest.raises(error) as caught:
        await archiver(document_filed("751", "C-1"))
    assert isinstance(caught.value, family)
    assert CHILD_CPR.reveal() not in str(caught.value)
    assert bus.published == []


async def test_children_survive_a_restart_in_the_sqlite_store(tmp_path, archive, bus):
    path = tmp_path / "state" / "archive.sqlite3"
    parties = SqliteCaseParties(path)
    handler = build_archiver(archive, bus.publish, source=SOURCE, parties=parties)
    await handler(case_opened("751", "C-2"))
    parties.close()

    reopened = SqliteCaseParties(path)
    try:
        assert await reopened.child_of("751", "C-2") == CHILD_CPR
        assert await reopened.child_of("751", "C-3") is None
        assert await reopened.child_of("461", "C-2") is None
        handler = build_archiver(archive, bus.publish, source=SOURCE, parties=reopened)
        await handler(document_filed("751", "C-2"))
    finally:
        reopened.close()
    assert len(archive.filings) == 1
    assert CHILD_CPR.reveal() not in repr(reopened)


async def test_logs_carry_ids_never_the_child_or_the_content(archiver):
    from structlog.testing import capture_logs

    with capture_logs() as logs:
        await archiver(document_filed("751", "C-1"))
        await archiver(journal_note_added("751", "C-1"))
    text = repr(logs)
    assert [entry["event"] for entry in logs] == ["document_archived", "document_archived"]
    assert CHILD_CPR.reveal() not in text
    assert "Alma" not in text
