"""Ankestyrelsen: the package, the appeal period, the stand-in, the client and the forwarder."""

import datetime as dt
import json
import re
import uuid
from pathlib import Path

import httpx
import pytest
from structlog.testing import capture_logs

from adapters.appeals.client import AppealsClient
from adapters.appeals.package import PackageError, build_package, forward_id_for, validate_package
from adapters.appeals.port import (
    AppealRejectedError,
    AppealsRefusedError,
    AppealsUnavailableError,
    MalformedAnswerError,
)
from adapters.appeals.standin import AppealsStandin, Failure
from adapters.appeals.wiring import build_appeal_forwarder
from contracts.decision import DecisionUpheld
from contracts.envelope import new_event
from contracts.reporting import AppealForwarded, AppealOutOfTime
from hub.clock import COPENHAGEN

DOC = Path(__file__).resolve().parents[3] / "docs" / "appeals-format.md"
FOUND = re.search(r"<!-- example: appeal -->\n```json\n(.*?)\n```", DOC.read_text(), re.DOTALL)
EXAMPLE = FOUND.group(1) if FOUND else ""
DELIVERED = dt.datetime(2026, 9, 1, 8, 12, tzinfo=COPENHAGEN)
PERIOD_ENDS = dt.datetime(2026, 9, 29, 23, 59, 59, 999999, tzinfo=COPENHAGEN)
NOW = dt.datetime(2026, 10, 1, 12, tzinfo=COPENHAGEN)


def upheld(received_at=dt.datetime(2026, 9, 25, 14, tzinfo=COPENHAGEN), **changes):
    fields = {
        "appeal_id": "a-1",
        "decision_id": "d-1",
        "legal_basis": {"law": "BL", "paragraph": "47"},
        "appellant": "custody_holder",
        "decision_delivered_at": DELIVERED.isoformat(),
        "appeal_received_at": received_at.isoformat(),
        "reviewed_at": NOW.isoformat(),
        "grounds": "Synthetic grounds.",
        "document_ids": ["doc-1", "doc-2"],
    }
    fields.update(changes)
    return DecisionUpheld.model_validate(fields, strict=False)


def event_of(data, event_id=None, municipality="101"):
    return new_event(
        data,
        source="urn:casehub:test",
        municipality=municipality,
        case_id="C-1",
        event_id=event_id or str(uuid.uuid4()),
    )


def package(**changes):
    event = event_of(upheld(**changes))
    return build_package(event, event.data)


def client_for(standin):
    return AppealsClient(httpx.AsyncClient(base_url="http://anke", transport=standin.transport()))


class TestPackage:
    def test_the_documented_example_validates(self):
        assert FOUND is not None
        assert validate_package(EXAMPLE.encode()).appeal_id == "a-77"

    def test_a_built_package_validates_after_the_wire(self):
        built = package()
        assert validate_package(built.model_dump_json().encode()) == built

    def test_the_period_ends_four_weeks_after_delivery_at_the_end_of_the_day(self):
        assert package().appeal_period_ends_at == PERIOD_ENDS

    @pytest.mark.parametrize(("offset", "in_time"), [(-1, True), (1, False)])
    def test_in_time_one_minute_before_the_end_not_one_minute_after(self, offset, in_time):
        received = PERIOD_ENDS + dt.timedelta(minutes=offset)
        assert package(received_at=received).in_time is in_time

    def test_the_forward_id_derives_from_the_event_id(self):
        data = upheld()
        first = build_package(event_of(data, "e-1"), data)
        again = build_package(event_of(data, "e-1"), data)
        assert first.forward_id == again.forward_id == forward_id_for("e-1")

    def test_broken_packages_are_refused_by_path_without_values(self):
        payload = json.loads(EXAMPLE)
        payload["documents"] = []
        payload["grounds"] = ""
        with pytest.raises(PackageError) as caught:
            validate_package(payload)
        assert caught.value.code == "INVALID"
        assert {"documents", "grounds"} <= {p.location for p in caught.value.problems}
        with pytest.raises(PackageError, match="NOT_JSON"):
            validate_package(b"{")

    def test_grounds_stay_out_of_repr(self):
        assert "Synthetic grounds" not in repr(package())


class TestClientAndStandIn:
    async def test_an_appeal_is_acknowledged_once(self):
        standin = AppealsStandin(clock=lambda: NOW)
        client = client_for(standin)
        sent = package()
        first = await client.forward(sent)
        again = await client.forward(sent)
        assert (first.duplicate, again.duplicate) == (False, True)
        assert first.acknowledgement_id == again.acknowledgement_id
        assert first.received_at == NOW
        assert standin.appeals == [sent]

    async def test_an_invalid_package_is_rejected_with_a_code(self):
        standin = AppealsStandin()
        answer = standin.answer("POST", "/appeals", b'{"upheld": false}')
        assert answer.status == 422
        assert answer.body is not None
        assert answer.body["codes"] == ["INVALID"]

    @pytest.mark.parametrize(
        ("failure", "error"),
        [
            (Failure.TIMEOUT, AppealsUnavailableError),
            (Failure.SERVER_ERROR, AppealsUnavailableError),
            (Failure.UNAUTHORISED, AppealsRefusedError),
        ],
    )
    async def test_failures_map_onto_the_hub_errors(self, failure, error):
        standin = AppealsStandin()
        standin.failure = failure
        with pytest.raises(error) as caught:
            await client_for(standin).forward(package())
        assert caught.value.__suppress_context__ is True
        assert standin.appeals == []

    async def test_a_rejection_and_an_unreadable_answer(self):
        rejected = httpx.MockTransport(lambda _: httpx.Response(422, json={"codes": ["CLOSED"]}))
        with pytest.raises(AppealRejectedError) as caught:
            await AppealsClient(httpx.AsyncClient(base_url="http://a", transport=rejected)).forward(
                package()
            )
        assert caught.value.codes == ("CLOSED",)
        garbled = httpx.MockTransport(lambda _: httpx.Response(201, content=b"<x/>"))
        with pytest.raises(MalformedAnswerError):
            await AppealsClient(httpx.AsyncClient(base_url="http://a", transport=garbled)).forward(
                package()
            )


class TestForwarder:
    @pytest.fixture
    def setup(self):
        standin = AppealsStandin(clock=lambda: NOW)
        published = []

        async def publish(event):
            published.append(event)
            return "topic"

        handle = build_appeal_forwarder(client_for(standin), publish, source="urn:casehub:appeals")
        return standin, published, handle

    async def test_an_upheld_appeal_is_forwarded_and_published(self, setup):
        standin, published, handle = setup
        event = event_of(upheld())
        with capture_logs() as logs:
            await handle(event)
        (outcome,) = published
        assert isinstance(outcome.data, AppealForwarded)
        assert outcome.data.upheld_after_review is True
        assert outcome.data.forwarded_at == NOW
        assert outcome.data.received_on == dt.date(2026, 9, 25)
        assert outcome.envelope.causationid == event.envelope.id
        assert len(standin.appeals) == 1
        assert "Synthetic grounds" not in repr(logs)
        assert logs[0]["in_time"] is True

    async def test_a_late_appeal_is_forwarded_and_marked_out_of_time(self, setup):
        standin, published, handle = setup
        await handle(event_of(upheld(received_at=PERIOD_ENDS + dt.timedelta(minutes=1))))
        kinds = [type(e.data) for e in published]
        assert kinds == [AppealForwarded, AppealOutOfTime]
        assert published[1].data.period_ended_at == PERIOD_ENDS
        assert standin.appeals[0].in_time is False

    async def test_a_redelivery_is_one_appeal(self, setup):
        standin, published, handle = setup
        event = event_of(upheld())
        await handle(event)
        await handle(event)
        assert len(standin.appeals) == 1
        assert len({e.envelope.id for e in published}) == 1

    async def test_an_unavailable_board_raises_and_publishes_nothing(self, setup):
        standin, published, handle = setup
        standin.failure = Failure.SERVER_ERROR
        with pytest.raises(AppealsUnavailableError):
            await handle(event_of(upheld()))
        assert published == []
