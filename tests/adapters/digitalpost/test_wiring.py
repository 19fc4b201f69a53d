"""Letters on the bus and their receipts, with the adapter's stores on a state table.

The sender and the receipt poller run on tables of a ``MemoryChangelog``: several tables on
one changelog are several instances of the hub (or one restarted, its disk gone).
"""

import datetime as dt
import json
import uuid

import pytest

from adapters.digitalpost import DigitalPostUnavailableError, message_uuid
from adapters.digitalpost.errors import NoDocumentStoreError
from adapters.digitalpost.sent import CURSOR_STORE, SENT_STORE, SentLetters
from adapters.digitalpost.standin import InMemoryDigitalPost, Reach
from adapters.digitalpost.wiring import build_letter_sender, read_receipts
from adapters.documents import LocalDocumentStore
from contracts.cpr import Cpr
from contracts.documents import MediaType
from contracts.envelope import follow_up_id, new_event
from contracts.letters import (
    DeliveryChannel,
    LetterDelivered,
    LetterFailed,
    LetterPurpose,
    LetterRequested,
    LetterRequestedV2,
)
from hub.runtime.state import MemoryChangelog, Store, Task, in_task
from tests.adapters.digitalpost.letters import SENDER
from tests.people import CHILD, MOTHER, cpr_for
from tests.state import owned_table

SOURCE = "urn:casehub:digitalpost"
TASKS = [Task("101", 0), Task("101", 1)]


class Instance:
    """One hub instance's Digital Post adapter: its table (owning ``tasks``), sender, bus."""

    def __init__(self, post, table, documents=None):
        self.post = post
        self.table = table
        self.sent = SentLetters(Store(table, SENT_STORE), Store(table, CURSOR_STORE))
        self.published = []
        self._send = build_letter_sender(
            post,
            self.sent,
            self.publish,
            senders=lambda _municipality: SENDER,
            source=SOURCE,
            documents=documents,
        )

    @classmethod
    async def on(cls, post, changelog, tasks=TASKS, documents=None):
        return cls(post, await owned_table("test.digitalpost", changelog, tasks), documents)

    async def publish(self, event):
        self.published.append(event)
        return "topic"

    async def request(self, event, partition):
        """Handle ``event`` as the delivery does, in its record's task."""
        with in_task(Task(event.envelope.municipality, partition)):
            await self._send(event)

    async def poll(self):
        return await read_receipts(self.post, self.sent, self.publish, source=SOURCE)

    def of(self, contract):
        return [e for e in self.published if isinstance(e.data, contract)]


def requested(letter_id="L-1", recipient=MOTHER, case_id="C-1"):
    data = LetterRequested(
        letter_id=letter_id,
        recipient_cpr=Cpr(recipient),
        purpose=LetterPurpose.OTHER,
        title="Underretning modtaget",
        body="Kommunen har modtaget en underretning.",
    )
    return new_event(data, source="urn:test", municipality="101", case_id=case_id)


@pytest.fixture
def post():
    return InMemoryDigitalPost({CHILD: Reach.PRINT_ONLY})


@pytest.fixture
def changelog():
    return MemoryChangelog()


async def test_a_letter_is_durable_before_it_is_sent(post, changelog):
    hub = await Instance.on(post, changelog)
    event = requested()
    seen_at_send = []
    send = post.send

    async def send_and_look(letter):
        seen_at_send.append(dict(changelog.tables.get(TASKS[0], {})))
        return await send(letter)

    post.send = send_and_look
    await hub.request(event, 0)
    (table,) = seen_at_send
    assert f"{SENT_STORE}/{event.envelope.id}" in table  # on the changelog, not only in memory
    assert MOTHER not in repr(hub.sent)


async def test_a_receipt_is_published_once_on_the_letter_s_case(post, changelog):
    hub = await Instance.on(post, changelog)
    event = requested(case_id="C-7")
    await hub.request(event, 1)
    assert await hub.poll() == 1
    assert await hub.poll() == 0  # the cursor passed it
    (delivered,) = hub.of(LetterDelivered)
    assert delivered.envelope.caseid == "C-7"
    assert delivered.envelope.causationid == event.envelope.id
    assert delivered.envelope.correlationid == event.envelope.correlationid
    assert delivered.envelope.id == follow_up_id(event.envelope.id, LetterDelivered.event_type)
    assert delivered.data.letter_id == "L-1"
    assert delivered.data.channel is DeliveryChannel.DIGITAL_POST
    assert hub.sent.find(event.envelope.id, TASKS[1]).settled
    assert {hub.sent.since(task) for task in TASKS} == {1}


async def test_a_print_only_recipient_is_delivered_by_print(post, changelog):
    hub = await Instance.on(post, changelog)
    await hub.request(requested(recipient=CHILD), 0)
    await hub.poll()
    (delivered,) = hub.of(LetterDelivered)
    assert delivered.data.channel is DeliveryChannel.PRINT


async def test_a_rejected_recipient_is_a_failed_letter_at_once(changelog):
    post = InMemoryDigitalPost(default=None)  # nobody can be reached
    hub = await Instance.on(post, changelog)
    event = requested()
    await hub.request(event, 0)
    (failed,) = hub.of(LetterFailed)
    assert failed.envelope.causationid == event.envelope.id
    assert hub.sent.find(event.envelope.id, TASKS[0]).settled
    assert await hub.poll() == 0


async def test_a_new_instance_on_the_changelog_reports_the_old_one_s_letters(post, changelog):
    old = await Instance.on(post, changelog)
    event = requested()
    await old.request(event, 0)  # sent; then the instance is gone, before any receipt

    new = await Instance.on(post, changelog)
    assert await new.poll() == 1
    (delivered,) = new.of(LetterDelivered)
    assert delivered.envelope.causationid == event.envelope.id


async def test_with_two_instances_each_receipt_is_reported_once_by_its_letter_s_owner(
    post, changelog
):
    first = await Instance.on(post, changelog, tasks=[TASKS[0]])
    second = await Instance.on(post, changelog, tasks=[TASKS[1]])
    on_first = [requested(letter_id=f"A-{n}", case_id=f"C-a{n}") for n in range(3)]
    on_second = [requested(letter_id=f"B-{n}", case_id=f"C-b{n}") for n in range(2)]
    for event in on_first:
        await first.request(event, 0)
    for event in on_second:
        await second.request(event, 1)
    for _ in range(2):  # both poll, twice, in either order
        await second.poll()
        await first.poll()
    assert sorted(e.data.letter_id for e in first.of(LetterDelivered)) == ["A-0", "A-1", "A-2"]
    assert sorted(e.data.letter_id for e in second.of(LetterDelivered)) == ["B-0", "B-1"]
    assert first.sent.since(TASKS[0]) == second.sent.since(TASKS[1]) == 5


async def test_a_task_that_moves_keeps_its_cursor(post, changelog):
    first = await Instance.on(post, changelog, tasks=[TASKS[0]])
    await first.request(requested(letter_id="L-1"), 0)
    assert await first.poll() == 1
    await first.table.revoke([TASKS[0]])  # a rebalance: the task goes to another instance

    second = await Instance.on(post, changelog, tasks=[TASKS[0]])
    assert second.sent.since(TASKS[0]) == 1
    assert await second.poll() == 0, "the receipt was reported by the task's former owner"
    await second.request(requested(letter_id="L-2"), 0)
    assert await second.poll() == 1
    assert [e.data.letter_id for e in second.of(LetterDelivered)] == ["L-2"]


async def test_a_new_task_reads_the_feed_from_its_start_and_reports_only_its_own(post, changelog):
    hub = await Instance.on(post, changelog, tasks=[TASKS[0]])
    await hub.request(requested(letter_id="L-1"), 0)
    await hub.poll()
    # A second task comes to this instance with no cursor: the feed is read again from 0,
    # the letter of the first task is not reported twice.
    await hub.table.assign([TASKS[1]])
    await hub.request(requested(letter_id="L-2", case_id="C-2"), 1)
    assert await hub.poll() == 1
    assert sorted(e.data.letter_id for e in hub.of(LetterDelivered)) == ["L-1", "L-2"]


async def test_a_receipt_of_a_letter_no_task_here_holds_is_passed_over(post, changelog):
    elsewhere = await Instance.on(post, MemoryChangelog())  # another hub on the agreement
    await elsewhere.request(requested(), 0)
    hub = await Instance.on(post, changelog)
    assert await hub.poll() == 0
    assert hub.published == []
    assert {hub.sent.since(task) for task in TASKS} == {1}  # read past it


async def test_the_cursors_are_durable_after_a_round(post, changelog):
    hub = await Instance.on(post, changelog)
    await hub.request(requested(), 0)
    await hub.poll()
    assert hub.table.unflushed == 0
    again = await Instance.on(post, changelog)
    assert await again.poll() == 0
    assert again.published == []


async def test_an_instance_without_tasks_does_not_read_the_feed(post, changelog):
    hub = await Instance.on(post, changelog, tasks=[])
    post.down = True  # it would raise if asked
    assert await hub.poll() == 0


# -- version 2: documents by reference, one message per recipient ----------------------------

FATHER = cpr_for(dt.date(1986, 11, 23), 789)
PDF_BYTES = b"%PDF-1.7\n% synthetic decision\n%%EOF\n"


async def with_documents(store, recipients=(MOTHER, FATHER), letter_id="L-2"):
    main = await store.put(
        PDF_BYTES, media_type=MediaType.PDF, file_name="afgoerelse.pdf", municipality="101"
    )
    record = {
        "letter_id": letter_id,
        "purpose": "decision",
        "recipients": list(recipients),
        "subject": "Afgørelse",
        "main_document": main.model_dump(mode="json"),
    }
    data = LetterRequestedV2.model_validate_json(json.dumps(record))
    return new_event(data, source="urn:test", municipality="101", case_id="C-2")


@pytest.fixture
def documents(tmp_path):
    return LocalDocumentStore(tmp_path / "documents", municipalities=["101"])


async def test_two_custody_holders_get_two_messages_whose_receipts_are_reported_apart(
    post, changelog, documents
):
    hub = await Instance.on(post, changelog, documents=documents)
    event = await with_documents(documents)
    await hub.request(event, 0)
    assert [letter.recipient.reveal() for letter in post.sent] == [MOTHER, FATHER]
    uuids = {letter.message_uuid for letter in post.sent}
    assert uuids == {message_uuid(event.envelope.id, Cpr(p)) for p in (MOTHER, FATHER)}
    assert len(uuids) == 2
    assert await hub.poll() == 2
    delivered = hub.of(LetterDelivered)
    assert {uuid.UUID(e.data.message_uuid) for e in delivered} == uuids
    assert len({e.envelope.id for e in delivered}) == 2  # two facts, not one deduplicated
    assert {e.envelope.causationid for e in delivered} == {event.envelope.id}


async def test_a_redelivery_after_a_partial_send_sends_only_the_recipients_left(
    post, changelog, documents
):
    first = await Instance.on(post, changelog, documents=documents)
    event = await with_documents(documents)
    send = post.send

    async def father_fails(letter):
        if letter.recipient.reveal() == FATHER:
            msg = "in-memory Digital Post send: unavailable"
            raise DigitalPostUnavailableError(msg)
        return await send(letter)

    post.send = father_fails
    with pytest.raises(DigitalPostUnavailableError):
        await first.request(event, 0)
    assert [letter.recipient.reveal() for letter in post.sent] == [MOTHER]
    post.send = send
    # The redelivery reaches another instance (the first crashed): it has only the changelog.
    second = await Instance.on(post, changelog, documents=documents)
    await second.request(event, 0)
    assert [letter.recipient.reveal() for letter in post.sent] == [MOTHER, FATHER]
    assert post.duplicates == 0, "the mother's message was not sent again"
    await second.request(event, 0)  # and once more, after the whole letter was sent
    assert post.duplicates == 0
    assert len(post.sent) == 2


async def test_a_rejected_recipient_fails_alone_and_the_other_is_sent(changelog, documents):
    post = InMemoryDigitalPost({MOTHER: Reach.DIGITAL}, default=None)  # the father: unknown
    hub = await Instance.on(post, changelog, documents=documents)
    event = await with_documents(documents)
    await hub.request(event, 0)
    assert [letter.recipient.reveal() for letter in post.sent] == [MOTHER]
    (failed,) = hub.of(LetterFailed)
    assert failed.envelope.id == follow_up_id(f"{event.envelope.id}/2", LetterFailed.event_type)
    await hub.request(event, 0)
    assert len(hub.of(LetterFailed)) == 1, "a settled recipient is not tried again"


async def test_a_letter_with_documents_on_a_hub_without_a_store_is_refused(
    post, changelog, documents
):
    hub = await Instance.on(post, changelog)  # no document port
    with pytest.raises(NoDocumentStoreError, match="no document store"):
        await hub.request(await with_documents(documents), 0)
    assert post.sent == []


async def test_a_v1_title_with_a_line_break_is_one_line_in_the_memo_label(post, changelog):
    hub = await Instance.on(post, changelog)
    data = LetterRequested(
        letter_id="L-3",
        recipient_cpr=Cpr(MOTHER),
        purpose=LetterPurpose.OTHER,
        title="Underretning\r\nmodtaget",
        body="Kommunen har modtaget en underretning.",
    )
    await hub.request(new_event(data, source="urn:test", municipality="101", case_id="C-3"), 0)
    (sent,) = post.sent
    assert sent.title == "Underretning modtaget"
    assert sent.memo_message_id == sent.message_id  # one recipient: the event id, as before


async def test_a_v2_text_letter_is_sent_as_v1_is_with_its_kind(post, changelog):
    hub = await Instance.on(post, changelog)
    record = {
        "letter_id": "L-4",
        "recipient_cpr": MOTHER,
        "purpose": "decision",
        "title": "Afgørelse",
        "body": "Kommunen har truffet en afgørelse.",
        "kind": "mandatory",
    }
    data = LetterRequestedV2.model_validate_json(json.dumps(record))
    event = new_event(data, source="urn:test", municipality="101", case_id="C-4")
    await hub.request(event, 0)
    (sent,) = post.sent
    assert sent.main_document.filename == "brev.pdf"
    assert sent.mandatory
    assert not sent.legal_notification
    assert sent.memo_message_id == event.envelope.id
