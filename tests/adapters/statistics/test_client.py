"""The client against the wire stand-in: acceptance, duplicates, rejections and failures."""

import datetime as dt
import json
from typing import cast

import httpx
import pytest
from pydantic import BaseModel, ConfigDict

from adapters.statistics.client import StatisticsClient
from adapters.statistics.format import Report, validate_report
from adapters.statistics.port import (
    MalformedAnswerError,
    ReportRejectedError,
    StatisticsRefusedError,
    StatisticsUnavailableError,
)
from adapters.statistics.standin import Failure, StatisticsStandin
from hub.clock import COPENHAGEN
from hub.runtime.serve import serving
from tests.adapters.statistics.test_format import example

ON = dt.datetime(2026, 9, 20, 12, tzinfo=COPENHAGEN)


def report(name="form-1", **changes):
    payload = example(name)
    payload.update(changes)
    return validate_report(payload)


def client_for(standin):
    return StatisticsClient(httpx.AsyncClient(base_url="http://dst", transport=standin.transport()))


@pytest.fixture
def standin():
    return StatisticsStandin(clock=lambda: ON)


async def test_a_valid_report_is_accepted_and_kept(standin):
    acceptance = await client_for(standin).send(report())
    assert acceptance.duplicate is False
    assert acceptance.received_at == ON
    assert [r.report_id for r in standin.reports] == [acceptance.report_id]


async def test_a_redelivered_report_is_recognised_by_its_id_and_not_kept_again(standin):
    client = client_for(standin)
    first = await client.send(report())
    again = await client.send(report())
    assert again.duplicate is True
    assert again.receipt_id == first.receipt_id
    assert len(standin.reports) == 1
    assert standin.duplicates == 1


async def test_a_correction_is_kept_beside_the_report_it_corrects(standin):
    client = client_for(standin)
    await client.send(report("form-1"))
    await client.send(report("correction"))
    original, correction = standin.reports
    assert correction.corrects == original.report_id
    assert original == report("form-1"), "the corrected report stays as it was"


async def test_a_correction_of_an_unknown_report_is_rejected(standin):
    with pytest.raises(ReportRejectedError) as caught:
        await client_for(standin).send(report("correction"))
    assert caught.value.codes == ("UNKNOWN_CORRECTED",)
    assert standin.reports == []


async def test_a_content_rejection_carries_dsts_code(standin):
    rejected = report("notification")
    standin.reject[rejected.report_id] = "CPR_UNKNOWN"
    with pytest.raises(ReportRejectedError) as caught:
        await client_for(standin).send(rejected)
    assert caught.value.codes == ("CPR_UNKNOWN",)
    assert "7403164123" not in str(caught.value)


async def test_the_receiver_takes_the_previous_version_during_the_overlap_only():
    old = report("notification-unborn")  # 2026-01
    early = StatisticsStandin(clock=lambda: dt.datetime(2026, 7, 2, tzinfo=COPENHAGEN))
    assert (await client_for(early).send(old)).duplicate is False
    late = StatisticsStandin(clock=lambda: dt.datetime(2026, 8, 2, tzinfo=COPENHAGEN))
    with pytest.raises(ReportRejectedError) as caught:
        await client_for(late).send(old)
    assert caught.value.codes == ("VERSION_NOT_LIVE",)


async def test_a_version_not_yet_in_force_is_rejected():
    early = StatisticsStandin(clock=lambda: dt.datetime(2026, 6, 30, 23, 59, tzinfo=COPENHAGEN))
    with pytest.raises(ReportRejectedError) as caught:
        await client_for(early).send(report("form-1"))  # 2026-07
    assert caught.value.codes == ("VERSION_NOT_LIVE",)


class _PlacementFormBefore(BaseModel):
    """A report as a sender that names only the case would make it: no ``child``."""

    model_config = ConfigDict(extra="allow")
    report_id: str


@pytest.mark.parametrize("name", ["form-1", "form-2", "form-2-committee", "form-3"])
async def test_the_standin_refuses_a_placement_form_without_the_child(standin, name):
    payload = example(name)
    del payload["record"]["child"]
    answer = standin.answer("POST", "/reports", json.dumps(payload).encode())
    assert answer.status == 422
    assert answer.body == {"codes": ["CHILD_MISSING"], "where": ["record.placement.child"]}
    legacy = cast("Report", _PlacementFormBefore.model_validate(payload))
    with pytest.raises(ReportRejectedError) as caught:
        await client_for(standin).send(legacy)
    assert caught.value.codes == ("CHILD_MISSING",)  # the reporter publishes StatisticsRejected
    assert standin.reports == []


async def test_the_standin_refuses_a_placement_child_that_is_not_a_cpr_number(standin):
    payload = example("form-1")
    payload["record"]["child"]["cpr"] = "7413164123"  # month 13
    answer = standin.answer("POST", "/reports", json.dumps(payload).encode())
    assert answer.status == 422
    assert answer.body == {"codes": ["CPR_INVALID"], "where": ["record.placement.child.cpr"]}
    assert "7413164123" not in json.dumps(answer.body)


async def test_the_standin_checks_the_body_it_receives(standin):
    answer = standin.answer("POST", "/reports", b'{"format_version": "2026-07"}')
    assert answer.status == 422
    assert answer.body["codes"] == ["INVALID"]
    assert "report_id" in answer.body["where"]


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure.TIMEOUT, StatisticsUnavailableError),
        (Failure.SERVER_ERROR, StatisticsUnavailableError),
        (Failure.UNAUTHORISED, StatisticsRefusedError),
    ],
)
async def test_failures_map_onto_the_hub_errors(standin, failure, error):
    standin.failure = failure
    with pytest.raises(error) as caught:
        await client_for(standin).send(report())
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__ is True
    standin.failure = Failure.NONE
    assert (await client_for(standin).send(report())).duplicate is False


async def test_a_connection_failure_is_unavailable():
    def refuse(request):
        raise httpx.ConnectError("refused", request=request)

    http = httpx.AsyncClient(base_url="http://dst", transport=httpx.MockTransport(refuse))
    with pytest.raises(StatisticsUnavailableError, match="ConnectError"):
        await StatisticsClient(http).send(report())


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(201, content=b"<html>"),
        httpx.Response(
            201, json={"report_id": "other", "receipt_id": "r", "received_at": ON.isoformat()}
        ),
    ],
)
async def test_an_unreadable_answer_is_transient(answer):
    http = httpx.AsyncClient(base_url="http://dst", transport=httpx.MockTransport(lambda _: answer))
    with pytest.raises(MalformedAnswerError):
        await StatisticsClient(http).send(report())


async def test_an_unreadable_rejection_still_rejects():
    answer = httpx.Response(422, content=b"nope")
    http = httpx.AsyncClient(base_url="http://dst", transport=httpx.MockTransport(lambda _: answer))
    with pytest.raises(ReportRejectedError) as caught:
        await StatisticsClient(http).send(report())
    assert caught.value.codes == ("UNREADABLE",)


async def test_the_request_carries_the_report_as_json_and_its_id():
    seen = []

    def capture(request):
        seen.append(request)
        body = json.loads(request.content)
        return httpx.Response(
            201,
            json={
                "report_id": body["report_id"],
                "receipt_id": "r-1",
                "received_at": ON.isoformat(),
            },
        )

    http = httpx.AsyncClient(base_url="http://dst", transport=httpx.MockTransport(capture))
    sent = report()
    await StatisticsClient(http).send(sent)
    assert seen[0].headers["x-report-id"] == sent.report_id
    assert validate_report(seen[0].content) == sent


async def test_on_loopback_a_hanging_receiver_is_a_timeout_and_a_5xx_is_unavailable():
    standin = StatisticsStandin(hang_seconds=2.0)
    async with (
        serving(standin.asgi()) as url,
        httpx.AsyncClient(base_url=url, timeout=0.3) as http,
    ):
        client = StatisticsClient(http)
        standin.failure = Failure.TIMEOUT
        with pytest.raises(StatisticsUnavailableError, match="timeout"):
            await client.send(report())
        standin.failure = Failure.SERVER_ERROR
        with pytest.raises(StatisticsUnavailableError, match="HTTP 503"):
            await client.send(report())
        standin.failure = Failure.NONE
        assert (await client.send(report())).duplicate is False


async def test_a_huge_answer_is_refused_while_it_streams():
    from adapters.jsonpost import MAX_ANSWER_BYTES
    from tests.adapters.cpr.test_client import Endless

    body = Endless(50 * 1024 * 1024, chunk=64 * 1024, head=b"{")
    transport = httpx.MockTransport(lambda _: httpx.Response(201, content=body))
    http = httpx.AsyncClient(base_url="http://dst", transport=transport)
    with pytest.raises(MalformedAnswerError, match="over"):
        await StatisticsClient(http).send(report())
    assert MAX_ANSWER_BYTES - body.chunk < body.sent <= MAX_ANSWER_BYTES + body.chunk
