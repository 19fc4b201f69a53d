"""Two hub instances in one Digital Post group on the real broker, one receipt feed.

Each instance owns some of the municipality's partitions (tasks); both poll the same feed.
Every letter is sent once and every receipt is reported once, by the owner of its letter's
task; a third instance, started after both stop, restores their sent letters and cursors
from the changelog and reports nothing again.
"""

import asyncio
import contextlib
from unittest.mock import patch

import pytest

from adapters.cpr.population import synthetic_population
from adapters.digitalpost import COMPONENT
from contracts.binding import from_kafka, to_kafka
from contracts.envelope import new_event
from contracts.letters import LetterDelivered, LetterPurpose, LetterRequested
from hub.compose.app import create_app, group_of
from hub.runtime.component import StandinContext
from hub.runtime.serve import serving
from routing.topics import topic
from tests.kafka import WITHIN_S, produce, read_topic, wait_until_consumed

pytestmark = pytest.mark.kafka

LETTERS = 8


def requested(municipality, number):
    data = LetterRequested(
        letter_id=f"L-{number}",
        recipient_cpr=synthetic_population().mother,  # she has Digital Post at the stand-in
        purpose=LetterPurpose.OTHER,
        title="Underretning modtaget",
        body="Kommunen har modtaget en underretning.",
    )
    return new_event(data, source="urn:test", municipality=municipality, case_id=f"C-post-{number}")


async def until(condition):
    async with asyncio.timeout(WITHIN_S):
        while not condition():
            await asyncio.sleep(0.05)


def table_of(app):
    group = group_of(app.state.settings, COMPONENT.name)
    (table,) = [t for t in app.state.tables if t.group == group]
    return table


async def polled(post, times):
    """Wait until the receipt feed has been read ``times`` more times (by any instance)."""
    with patch.object(post, "answer", wraps=post.answer) as answered:
        await until(
            lambda: len([c for c in answered.call_args_list if c.args[0] == "GET"]) >= times
        )


async def delivered(settings):
    records = await read_topic(settings.kafka, topic("letter", settings.municipalities[0]))
    events = [from_kafka(r.headers, r.value) for r in records]
    return [e for e in events if isinstance(e.data, LetterDelivered)]


async def test_each_receipt_is_reported_once_by_the_owner_of_its_letter(hub_settings):
    municipality = hub_settings.municipalities[0]
    context = StandinContext(municipalities=(municipality,))
    assert COMPONENT.standin is not None
    async with COMPONENT.standin(context) as standin:
        settings = hub_settings.model_copy(update={COMPONENT.name: standin.settings})
        first, second = create_app(settings), create_app(settings)
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(serving(first))
            await stack.enter_async_context(serving(second))
            tables = [table_of(first), table_of(second)]
            partitions = settings.topic_partitions
            # Both instances hold tasks, none twice, all of them between the two.
            await until(
                lambda: (
                    all(t.tasks for t in tables)
                    and len(tables[0].tasks | tables[1].tasks) == partitions
                    and not tables[0].tasks & tables[1].tasks
                )
            )
            owners = {}
            events = [requested(municipality, n) for n in range(LETTERS)]
            for event in events:
                record = to_kafka(event)
                sent = await produce(
                    settings.kafka,
                    topic("letter", municipality),
                    record.value,
                    key=record.key,
                    headers=record.headers,
                )
                owners[event.envelope.id] = next(
                    i
                    for i, t in enumerate(tables)
                    if any(k.partition == sent.partition for k in t.tasks)
                )
            assert set(owners.values()) == {0, 1}, "the letters are on both instances' tasks"
            async with asyncio.timeout(WITHIN_S):
                while len({e.envelope.causationid for e in await delivered(settings)}) < LETTERS:
                    await asyncio.sleep(0.3)
            group = group_of(settings, COMPONENT.name)
            await wait_until_consumed(settings.kafka, group, [topic("letter", municipality)])
            # Two more polls on each instance: a second report of a receipt would show by now.
            await polled(standin.service, 4)
        reports = await delivered(settings)
        assert sorted(e.envelope.causationid for e in reports) == sorted(owners), "each once"
        assert len(standin.service.deliveries) == LETTERS, "each letter delivered once"

        # A new instance, after both are gone: it restores the letters and the cursors.
        third = create_app(settings)
        async with serving(third):
            await until(lambda: len(table_of(third).tasks) == partitions)
            await polled(standin.service, 2)
        assert len(await delivered(settings)) == LETTERS, "nothing reported again"
