"""Two municipalities, two hubs, two real brokers: a case handed over end to end.

The sending hub runs on the session's broker, the receiving hub on a second broker started
for this module (``tests/broker.py``; with ``CASEHUB_TEST_BOOTSTRAP`` set both share the one
given). Each hub is the real composition root with the handover component; the package goes
over the hub-to-hub HTTP transport on loopback, or over SF2900 (the Serviceplatformen
stand-in: SFTP, DistributionService, the business receipts posted back to each hub), signed
and encrypted with a test CA's certificates.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from contextlib import AsyncExitStack

import pytest

from adapters.documents import LocalDocumentStore
from adapters.handover import (
    HandoverSettings,
    HttpTransport,
    IdentityFiles,
    PeerSettings,
    seal,
)
from adapters.handover.demopki import DemoCa, write_identity
from adapters.handover.jose import from_b64url
from adapters.handover.manifest import HandoverManifest, Party, PartyRole
from adapters.handover.port import Delivery
from adapters.handover.receipt import Receipt
from adapters.handover.reception import received_event_id
from adapters.handover.sf2900.ids import Material
from adapters.handover.sf2900.standin import Hub
from adapters.handover.status import case_handovers
from adapters.registry import COMPONENTS
from adapters.statistics.standin import StatisticsStandin
from contracts.binding import from_kafka, to_kafka
from contracts.case import CaseOpened
from contracts.cpr import Cpr
from contracts.deadlines import DeadlineSetV2, DeadlineWithdrawnV2, WithdrawalReasonV2
from contracts.envelope import new_event
from contracts.handover import (
    HandoverAccepted,
    HandoverAnswered,
    HandoverDelivered,
    HandoverReceived,
    HandoverReceivedV2,
    HandoverStarted,
)
from contracts.reporting import TransferReported
from hub.compose.app import create_app, group_of
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import free_port, serving
from routing.routes import default_routes
from routing.topics import topic, topic_for
from tests.adapters.handover.filed import STATEMENT, STATEMENT_SHA256, file_document, filed
from tests.adapters.handover.sf2900 import serviceplatformen
from tests.broker import kafka_broker
from tests.callers import caller_settings, signing
from tests.factories import notification
from tests.kafka import produce, wait_for_records, wait_until_consumed
from tests.people import CHILD

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def receiving_broker(tmp_path_factory):
    with kafka_broker(tmp_path_factory.mktemp("kafka-receiving")) as bootstrap:
        yield bootstrap


async def send(bootstrap, event):
    record = to_kafka(event)
    await produce(bootstrap, topic_for(event), record.value, key=record.key,
                  headers=record.headers)  # fmt: skip


def decoded(record):
    return from_kafka(record.headers, record.value)


def of(contract, handover_id):
    def match(record):
        event = from_kafka(record.headers, record.value)
        return isinstance(event.data, contract) and event.data.handover_id == handover_id

    return match


def case_opened(municipality, case_id):
    opened = CaseOpened.model_validate_json(
        f'{{"opened_at": "2026-05-01T10:00:00+00:00", "child_cpr": "{CHILD}",'
        ' "sub_process": "measures_and_follow_up", "kle": "27.24.00"}'
    )
    return new_event(opened, source="urn:test:case-system", municipality=municipality,
                     case_id=case_id)  # fmt: skip


def case_events(municipality, case_id):
    """The case opened, and a notification whose clock (24 hours, a receipt) the engine sets."""
    received = notification(received_at=dt.datetime.now(dt.UTC).isoformat())
    return [
        case_opened(municipality, case_id),
        new_event(received, source="urn:test:case-system", municipality=municipality,
                  case_id=case_id),
    ]  # fmt: skip


def deadline_of(contract, case_id):
    def match(record):
        event = from_kafka(record.headers, record.value)
        return isinstance(event.data, contract) and event.envelope.caseid == case_id

    return match


async def replayed_twice(started, case_id, sending, receiving, endpoint):
    """The receipts of the same handover sealed again (other bytes) and delivered twice."""
    sender, receiver = sending.municipality, receiving.municipality
    handover_id, created_at = started.handover_id, started.started_at
    replayed = seal(
        HandoverManifest(
            handover_id=handover_id, case_id=case_id, from_municipality=sender,
            to_municipality=receiver, created_at=created_at, summary="again",
            parties=(Party(role=PartyRole.CHILD, cpr=Cpr(CHILD)),),
        ),
        sending,
        receiving.certificate,
    )  # fmt: skip
    transport = HttpTransport({receiver: endpoint.http_client()})
    try:
        first = await transport.deliver(Delivery(handover_id, sender, receiver, replayed))
        again = await transport.deliver(Delivery(handover_id, sender, receiver, replayed))
    finally:
        await transport.aclose()
    return first, again


@pytest.mark.parametrize("transport", ["direct", "sf2900"])
async def test_started_received_receipted_across_two_hubs_on_two_brokers(  # noqa: PLR0915 - one flow, in order
    hub_settings, fresh_municipality, receiving_broker, tmp_path, transport
):
    sender, receiver = hub_settings.municipalities[0], fresh_municipality()
    ca = DemoCa(dt.datetime.now(dt.UTC))
    sending, receiving = ca.identity(sender), ca.identity(receiver)
    ca_file = ca.write(tmp_path)
    sender_files = write_identity(sending, tmp_path / "sender")
    receiver_files = write_identity(receiving, tmp_path / "receiver")
    routes = default_routes(COMPONENTS)
    sender_port = free_port()  # the receiving hub answers to the sending one, started later
    to_sender = EndpointSettings(base_url=f"http://127.0.0.1:{sender_port}", timeout_s=5.0)
    stack = AsyncExitStack()
    platform = None
    if transport == "sf2900":  # Serviceplatformen between the two, each hub its SFTP user
        platform = await stack.enter_async_context(
            serviceplatformen(tmp_path / "sf2900", (sender, receiver))
        )
    receiving_hub = hub_settings.model_copy(
        update={
            "bootstrap_servers": receiving_broker.hub.bootstrap_servers,
            "kafka_security": receiving_broker.hub.security,
            "municipalities": (receiver,),
            "group_prefix": f"casehub.r{uuid.uuid4().hex[:8]}",  # the hub joins casehub.* only
            "state_dir": tmp_path / "receiver-state",
            "routes": routes,
            # Serviceplatformen posts this hub's receipts as a caller bound to its municipality.
            "callers": caller_settings(tmp_path / "receiver-callers", [receiver]),
            "handover": HandoverSettings(
                own={receiver: IdentityFiles(certificate_file=receiver_files[0],
                                             key_file=receiver_files[1])},
                peers={sender: PeerSettings(certificate_file=sender_files[0],
                                            endpoint=to_sender)},
                trusted_cas=(ca_file,),
                sf2900=None if platform is None else platform.settings[receiver],
            ),
        }
    )  # fmt: skip
    case_id = f"C-{uuid.uuid4().hex[:8]}"
    handover_id = f"ho-{uuid.uuid4().hex[:8]}"
    statistics = StatisticsStandin()
    async with (
        stack,
        serving(statistics.asgi()) as statistics_url,
        serving(
            create_app(
                receiving_hub.model_copy(
                    update={"statistics": EndpointSettings(base_url=statistics_url)}
                )
            )
        ) as receiver_url,
    ):
        to_receiver = EndpointSettings(base_url=receiver_url, timeout_s=5.0)
        sending_hub = hub_settings.model_copy(
            update={
                "routes": routes,
                "handover": HandoverSettings(
                    own={sender: IdentityFiles(certificate_file=sender_files[0],
                                               key_file=sender_files[1])},
                    peers={receiver: PeerSettings(certificate_file=receiver_files[0],
                                                  endpoint=to_receiver)},
                    trusted_cas=(ca_file,),
                    sf2900=None if platform is None else platform.settings[sender],
                ),
            }
        )  # fmt: skip
        if platform is not None:
            platform.standin.hubs.update({
                receiver: Hub(receiver_url, auth=signing()),
                sender: Hub(to_sender.base_url, auth=signing()),
            })  # fmt: skip
        async with serving(create_app(sending_hub), port=sender_port):
            # The case system uploads a statement to the sender's document store and files it.
            sender_documents = LocalDocumentStore(
                sending_hub.state_dir / "documents", municipalities=[sender]
            )
            statement = await file_document(sender_documents, sender)
            seen = [
                *case_events(sender, case_id),
                new_event(filed(statement), source="urn:test:case-system",
                          municipality=sender, case_id=case_id),
            ]  # fmt: skip
            for event in seen:
                await send(sending_hub.kafka, event)
            # The sender's clock sets the notification's deadlines, and its handover
            # component keeps them open for the package.
            sender_set = await wait_for_records(
                sending_hub.kafka, topic("deadline", sender), deadline_of(DeadlineSetV2, case_id),
                count=2, within=60,
            )  # fmt: skip
            await wait_until_consumed(
                sending_hub.kafka,
                group_of(sending_hub, "handover"),
                # what the component reads
                [topic_for(seen[0]), topic_for(seen[-1]), topic("deadline", sender)],
                within=60,
            )
            started = HandoverStarted(
                handover_id=handover_id, from_municipality=sender, to_municipality=receiver,
                started_at=dt.datetime.now(dt.UTC), documents=1, summary="The family moves.",
            )  # fmt: skip
            await send(
                sending_hub.kafka,
                new_event(started, source="urn:test:case-system", municipality=sender,
                          case_id=case_id),
            )  # fmt: skip
            (delivered,) = await wait_for_records(
                sending_hub.kafka,
                topic("handover", sender),
                of(HandoverDelivered, handover_id),
                within=60,
            )
            (received,) = await wait_for_records(
                receiving_broker.hub, topic("handover", receiver),
                of(HandoverReceived, handover_id), within=60,
            )  # fmt: skip
            # A replay of the handover (sealed again, so other bytes) gets the first receipt,
            # which the receiving hub keeps in its broker, not in memory.
            first, again = await replayed_twice(started, case_id, sending, receiving, to_receiver)
            # The receiving municipality's case system opens its case and accepts: its
            # statistics are told (they name the child from the case's CaseOpened).
            new_case = f"N-{case_id}"
            await send(receiving_broker.hub, case_opened(receiver, new_case))
            accepted = HandoverAccepted(
                handover_id=handover_id, accepted_at=dt.datetime.now(dt.UTC), new_case_id=new_case
            )
            await send(
                receiving_broker.hub,
                new_event(accepted, source="urn:test:case-system", municipality=receiver,
                          case_id=new_case),
            )  # fmt: skip
            # The receiver's clock takes the two deadlines (and sets its own statistics one);
            # the sender's withdraws its two.
            receiver_set = await wait_for_records(
                receiving_broker.hub, topic("deadline", receiver),
                deadline_of(DeadlineSetV2, new_case), count=3, within=60,
            )  # fmt: skip
            withdrawn = await wait_for_records(
                sending_hub.kafka, topic("deadline", sender),
                deadline_of(DeadlineWithdrawnV2, case_id), count=2, within=60,
            )  # fmt: skip
            (transfer,) = await wait_for_records(
                receiving_broker.hub, topic("reporting", receiver),
                of(TransferReported, handover_id), within=60,
            )  # fmt: skip
            (answered,) = await wait_for_records(
                sending_hub.kafka, topic("handover", sender),
                of(HandoverAnswered, handover_id), within=60,
            )  # fmt: skip
    delivered_data = from_kafka(delivered.headers, delivered.value).data
    received_event = from_kafka(received.headers, received.value)
    assert isinstance(delivered_data, HandoverDelivered)
    assert delivered_data.to_municipality == receiver
    assert received_event.envelope.municipality == receiver
    assert received_event.envelope.id == received_event_id(sender, handover_id)
    assert isinstance(received_event.data, HandoverReceivedV2)
    assert delivered_data.received_at == received_event.data.received_at
    # The filed statement crossed: in the receiver's own store, the same bytes and SHA-256.
    assert delivered_data.documents == received_event.data.documents == 1
    (arrived,) = received_event.data.references
    receiver_documents = LocalDocumentStore(
        tmp_path / "receiver-state" / "documents", municipalities=[receiver]
    )
    content = await receiver_documents.get(arrived, municipality=receiver)
    assert arrived.sha256 == statement.sha256 == STATEMENT_SHA256
    assert content == STATEMENT
    assert arrived.document_id != statement.document_id
    assert first == again

    receipt = Receipt.model_validate_json(from_b64url(json.loads(first)["payload"]))
    assert receipt.received_at == delivered_data.received_at  # the first receipt
    assert receipt.package_sha256 == delivered_data.package_sha256
    replays = await wait_for_records(
        receiving_broker.hub, topic("handover", receiver), of(HandoverReceived, handover_id),
        within=5,
    )  # fmt: skip
    assert len(replays) == 1  # received once
    assert [getattr(r.record, "handover_ref", None) for r in statistics.reports] == [handover_id]
    assert from_kafka(transfer.headers, transfer.value).envelope.municipality == receiver
    answer = from_kafka(answered.headers, answered.value)
    assert isinstance(answer.data, HandoverAnswered)
    assert answer.data.accepted
    assert answer.data.new_case_id == new_case
    # Deadlines owned by the receiver, same due times; withdrawn at the sender, handed over.
    due = sorted((d.data.rule_id, d.data.due_at) for d in map(decoded, sender_set))
    taken = [decoded(r) for r in receiver_set]
    assert sorted(
        (t.data.rule_id, t.data.due_at) for t in taken
        if t.data.rule_id != "statistics-responsibility-transfer"
    ) == due  # fmt: skip
    assert {t.envelope.municipality for t in taken} == {receiver}
    gone = [decoded(r) for r in withdrawn]
    assert sorted(w.data.deadline_id for w in gone) == sorted(
        decoded(r).data.deadline_id for r in sender_set
    )
    assert {w.data.reason for w in gone} == {WithdrawalReasonV2.HANDED_OVER}
    assert (answer.envelope.municipality, answer.envelope.caseid) == (sender, case_id)
    # `casehub handover status CASE` on both sides.
    sent = await case_handovers(hub_settings.kafka, sender, case_id)
    steps = [line["type"] for line in sent if not line["type"].startswith("deadline-")]
    assert steps == ["started", "delivered", "answered"]
    # The handover's own clock: its receipt and its answer, set and met.
    watch = sorted((line["type"], line["rule_id"]) for line in sent if "rule_id" in line)
    assert watch == [
        ("deadline-met", "handover-answer"), ("deadline-met", "handover-receipt"),
        ("deadline-set", "handover-answer"), ("deadline-set", "handover-receipt"),
    ]  # fmt: skip
    assert all(line["handover_id"] == handover_id for line in sent if "rule_id" not in line)
    there = await case_handovers(receiving_broker.hub, receiver, case_id)
    assert [line["type"] for line in there] == ["received"]
    if platform is not None:  # both ways over SF2900, each distributed once
        materials = [material for _, material in platform.standin.forwarded]
        assert materials == [Material.PACKAGE, Material.ANSWER]
