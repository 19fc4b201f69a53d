"""The archiver on the port fake: find or create the case, file once, answer with the follow-up."""

import pytest

from adapters.archive import (
    ArchiveFaultError,
    ArchiveRefusedError,
    ArchiveUnavailableError,
    CasePartyUnknownError,
    InMemoryArchive,
    build_archiver,
)
from adapters.archive.wiring import case_id_for, entry_id
from contracts.documents import ArchivedEntry, DocumentArchived
from contracts.envelope import follow_up_id
from hub.runtime.errors import AuthorisationError, PermanentError, TransientError
from hub.runtime.state import MemoryChangelog, Task
from tests.adapters.archive.events import case_opened, document_filed, journal_note_added
from tests.adapters.archive.helpers import CHILD_CPR, in_its_task, new_case, parties_on

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
    parties, _table = await parties_on()
    handler = in_its_task(build_archiver(archive, bus.publish, source=SOURCE, parties=parties))
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
    parties, _table = await parties_on()
    handler = in_its_task(build_archiver(archive, bus.publish, source=SOURCE, parties=parties))
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


async def test_a_new_instance_on_the_changelog_knows_the_children(archive, bus):
    changelog = MemoryChangelog()
    parties, table = await parties_on(changelog)
    handler = in_its_task(build_archiver(archive, bus.publish, source=SOURCE, parties=parties))
    await handler(case_opened("751", "C-2"))
    await table.flush()  # what the delivery does before it commits the CaseOpened's offset

    # Another instance (or this one restarted, its disk gone) restores the same table.
    again, _ = await parties_on(changelog)
    handler = in_its_task(build_archiver(archive, bus.publish, source=SOURCE, parties=again))
    await handler(document_filed("751", "C-2"))

    assert len(archive.filings) == 1
    assert len(bus.published) == 1
    # Keyed by the case id: the child's number is a value, never a key, and not in repr.
    assert list(changelog.tables[Task("751", 0)]) == ["parties/C-2"]
    assert CHILD_CPR.reveal() not in repr(again)


async def test_children_are_kept_per_municipality(archive, bus):
    parties, _table = await parties_on()
    handler = in_its_task(build_archiver(archive, bus.publish, source=SOURCE, parties=parties))
    await handler(case_opened("751", "C-2"))
    with pytest.raises(CasePartyUnknownError):
        await handler(document_filed("461", "C-2"))  # another municipality's case C-2
    with pytest.raises(CasePartyUnknownError):
        await handler(document_filed("751", "C-3"))
    assert archive.calls == 0


async def test_logs_carry_ids_never_the_child_or_the_content(archiver):
    from structlog.testing import capture_logs

    with capture_logs() as logs:
        await archiver(document_filed("751", "C-1"))
        await archiver(journal_note_added("751", "C-1"))
    text = repr(logs)
    assert [entry["event"] for entry in logs] == ["document_archived", "document_archived"]
    assert CHILD_CPR.reveal() not in text
    assert "Alma" not in text
