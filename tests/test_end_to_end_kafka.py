"""End to end on the real broker, over real HTTP and SOAP on loopback:
e-form intake → triage → CPR (SF1520 stand-in) → case system → Digital Post (SF1601 stand-in)
→ delivery receipts → ESDH archive (SF1470 stand-in), with outages of all three services that
recover, and the case system sending everything twice: nothing lost, nothing done twice.
"""

import asyncio
import json
from datetime import UTC, datetime
from unittest.mock import patch

import httpx
import pytest

from adapters.archive import Failure as ArchiveFailure
from adapters.cpr import Failure as CprFailure
from adapters.digitalpost.standin import Failure as PostFailure
from contracts.base import Contract
from contracts.binding import from_kafka, to_kafka
from contracts.case import CaseOpened, SubProcess
from contracts.documents import DocumentFiled, DocumentKind
from contracts.envelope import follow_up_id, new_event
from contracts.letters import LetterPurpose, LetterRequested
from contracts.person import PersonResolved
from hub.cli.standins import running_standins
from hub.compose.app import create_app
from hub.runtime.serve import serving
from routing.topics import quarantine_topic, topic, topic_for
from tests.callers import signing
from tests.factories import submission
from tests.kafka import WITHIN_S, produce, read_topic, wait_for_records, wait_until_consumed

pytestmark = pytest.mark.kafka


def of_type(name):
    return lambda r: dict(r.headers).get("ce_type", b"").decode() == name


async def until(condition):
    async with asyncio.timeout(WITHIN_S):
        while not condition():
            await asyncio.sleep(0.05)


async def duplicates_would_show(app, standins):
    """Wait until a duplicate would have shown up: every request sent twice has its outcome
    (none waits for a retry), and the receipt poller has read the receipts twice more."""
    settings, store = app.state.settings, app.state.store
    municipality = settings.municipalities[0]
    for component, domains in {"digitalpost": ["letter"], "archive": ["case", "document"]}.items():
        group = f"{settings.group_prefix}.{component}"
        topics = [topic(d, municipality) for d in domains]
        await wait_until_consumed(settings.kafka, group, topics)
        assert store.parked_count(group) == 0
    post = standins["digitalpost"].service
    with patch.object(post, "answer", wraps=post.answer) as answered:
        await until(lambda: len([c for c in answered.call_args_list if c.args[0] == "GET"]) >= 2)


async def test_notification_to_delivered_letters_through_outages(hub_settings):
    municipality = hub_settings.municipalities[0]
    bootstrap = hub_settings.kafka
    async with running_standins((municipality,)) as standins:
        settings = hub_settings.model_copy(
            update={
                "cpr": standins["cpr"].settings,
                "digitalpost": standins["digitalpost"].settings,
                "archive": standins["archive"].settings,
            }
        )
        child = standins["cpr"].service.population.child.reveal()
        standins["cpr"].service.failure = CprFailure.SERVER_ERROR  # the register is down at first
        app = create_app(settings)
        store = app.state.store
        async with serving(app) as url, httpx.AsyncClient(base_url=url, auth=signing()) as http:
            answer = await http.post(
                "/notifications", json=submission(municipality, child_cpr=child)
            )
            assert answer.status_code == 202
            await until(
                lambda: standins["cpr"].service.received
            )  # the lookup found the register down
            standins["cpr"].service.failure = CprFailure.NONE  # ... and recovers
            (resolved_record,) = await wait_for_records(
                bootstrap, topic("person", municipality), of_type("dk.casehub.person.resolved")
            )
            resolved = from_kafka(resolved_record.headers, resolved_record.value)
            assert isinstance(resolved.data, PersonResolved)
            custody = [r for r in resolved.data.related if r.has_custody]
            assert len(custody) == 2
            assert resolved.data.address is not None

            standins[
                "digitalpost"
            ].service.failure = PostFailure.SERVER_ERROR  # Digital Post is down
            for number, person in enumerate(custody):
                letter = LetterRequested(
                    letter_id=f"L-{number}",
                    recipient_cpr=person.cpr,
                    purpose=LetterPurpose.OTHER,
                    title="Underretning modtaget",
                    body="Kommunen har modtaget en underretning.",
                )
                event = new_event(
                    letter,
                    source="urn:test:case-system",
                    municipality=municipality,
                    case_id=resolved.envelope.caseid,
                    event_id=follow_up_id(resolved.envelope.id, f"letter/{number}"),
                    correlation_id=resolved.envelope.correlationid,
                )
                record = to_kafka(event)
                # Sent twice, as a case system retrying after a timeout would.
                for _ in range(2):
                    await produce(
                        bootstrap,
                        topic("letter", municipality),
                        record.value,
                        key=record.key,
                        headers=record.headers,
                    )
            # The first letter found Digital Post down: it waits for a retry (the rest behind).
            await until(lambda: store.parked_count(f"{settings.group_prefix}.digitalpost"))
            standins["digitalpost"].service.failure = PostFailure.NONE  # ... and recovers
            delivered = await wait_for_records(
                bootstrap,
                topic("letter", municipality),
                of_type("dk.casehub.letter.delivered"),
                count=2,
                within=60,
            )
            # The case system opens the case and files the notification, twice over.
            standins["archive"].service.failure = ArchiveFailure.SERVER_ERROR  # the archive is down
            opened = CaseOpened(
                opened_at=datetime.now(UTC), child_cpr=resolved.data.cpr,
                sub_process=SubProcess.CLARIFICATION, kle="27.24.00",
            )  # fmt: skip
            filed = DocumentFiled(
                document_id="D-1", esdh_case_number="27.24.00-G01-1-26", kle="27.24.00",
                kind=DocumentKind.NOTIFICATION, title="Underretning",
                filed_at=datetime.now(UTC), sha256="0" * 64,
            )  # fmt: skip
            case_events: list[Contract] = [opened, filed]
            for number, data in enumerate(case_events):
                case_event = new_event(
                    data, source="urn:test:case-system", municipality=municipality,
                    case_id=resolved.envelope.caseid,
                    event_id=follow_up_id(resolved.envelope.id, f"case/{number}"),
                )  # fmt: skip
                record = to_kafka(case_event)
                for _ in range(2):
                    await produce(
                        bootstrap,
                        topic_for(case_event),
                        record.value,
                        key=record.key,
                        headers=record.headers,
                    )
            await until(lambda: standins["archive"].service.received)  # the document found it down
            standins["archive"].service.failure = ArchiveFailure.NONE  # ... and recovers
            await wait_for_records(
                bootstrap,
                topic("document", municipality),
                of_type("dk.casehub.document.archived"),
                within=60,
            )
            await duplicates_would_show(app, standins)
            delivered = [
                r
                for r in await read_topic(bootstrap, topic("letter", municipality))
                if of_type("dk.casehub.letter.delivered")(r)
            ]
        channels = sorted(json.loads(r.value)["channel"] for r in delivered)
        assert channels == ["digital_post", "print"]  # the father has no Digital Post
        assert len(standins["digitalpost"].service.deliveries) == 2, "each letter delivered once"
        assert len(standins["archive"].service.filings) == 1, "the document filed once"
        archived = [
            r
            for r in await read_topic(bootstrap, topic("document", municipality))
            if of_type("dk.casehub.document.archived")(r)
        ]
        assert len({dict(r.headers)["ce_id"] for r in archived}) == 1
        for name in ("intake", "person", "letter", "case", "document"):
            assert await read_topic(bootstrap, quarantine_topic(topic(name, municipality))) == []
