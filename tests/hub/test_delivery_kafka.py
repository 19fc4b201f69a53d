"""Delivery guarantees under faults, on the real broker, through real HTTP on loopback.

Every test counts the events that went in against the effects the external stand-in
applied exactly once plus the records in quarantine: nothing lost, nothing doubled.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from adapters.eform import submission_event_id
from adapters.registry import COMPONENTS
from contracts.binding import to_kafka
from contracts.envelope import follow_up_id
from contracts.person import PersonLookupRequested
from hub.cli.quarantine_ops import Entry, Filters, read_entries, replay
from hub.compose.app import create_app
from hub.runtime.serve import serving
from routing.routes import Route, default_routes
from routing.topics import quarantine_topic, topic
from tests.broker import start_local_broker, stop_local_broker
from tests.callers import signing
from tests.effects import EffectStandIn, recorder
from tests.factories import notification_event, submission
from tests.kafka import cli_options, produce, read_topic, wait_for_records, wait_until_consumed

pytestmark = pytest.mark.kafka

LOOKUP = PersonLookupRequested.event_type
ROUTES = (*default_routes(COMPONENTS), Route(consumer="recorder", event_types=frozenset({LOOKUP})))


def effect_of(body):
    """The effect id the stand-in sees for a submission: derived, so known in advance."""
    return follow_up_id(submission_event_id(body["municipality"], body["submission_id"]), LOOKUP)


async def post_all(url, bodies, *, within=60.0):
    """Post each submission until the intake accepts it (503 or refused: try again)."""
    async with (
        httpx.AsyncClient(base_url=url, timeout=10.0, auth=signing()) as http,
        asyncio.timeout(within),
    ):
        for body in bodies:
            while True:
                try:
                    answer = await http.post("/notifications", json=body)
                except httpx.TransportError:
                    answer = None
                if answer is not None and answer.status_code == 202:
                    break
                assert answer is None or answer.status_code == 503, answer.text
                await asyncio.sleep(0.2)


async def until(condition, *, within=60.0, every=0.1):
    async with asyncio.timeout(within):
        while not condition():
            await asyncio.sleep(every)


async def read_through(settings):
    """Wait until triage has read the intake topic as it is now, then the recorder the person
    topic: every lookup of what was posted is published, and each has its outcome (handled,
    parked or quarantined). What the hub did with them can be counted then, not guessed."""
    municipality = settings.municipalities[0]
    for group, domain in (("triage", "intake"), ("recorder", "person")):
        await wait_until_consumed(
            settings.kafka,
            f"{settings.group_prefix}.{group}",
            [topic(domain, municipality)],
        )


async def quarantined(bootstrap, municipality):
    names = [quarantine_topic(topic(d, municipality)) for d in ("intake", "person")]
    return [r for name in names for r in await read_topic(bootstrap, name)]


@pytest.fixture
async def standin():
    effects = EffectStandIn()
    async with serving(effects.app) as url:
        effects.url = url
        yield effects


@pytest.fixture
def settings(hub_settings):
    return hub_settings.model_copy(update={"routes": ROUTES})


async def test_standin_that_fails_n_times_then_recovers(settings, standin):
    bodies = [submission(settings.municipalities[0]) for _ in range(5)]
    standin.fail_next = 3
    async with serving(create_app(settings, extra=[recorder(standin.url)])) as url:
        await post_all(url, bodies)
        await until(lambda: len(standin.applied) == 5)
        await read_through(settings)  # a call made twice would have been made by now
    assert standin.applied == {effect_of(b): 1 for b in bodies}
    assert sum(standin.calls.values()) == 5 + 3
    assert await quarantined(settings.kafka, settings.municipalities[0]) == []


async def test_poison_record_among_good_ones(settings, standin):
    municipality = settings.municipalities[0]
    bodies = [submission(municipality) for _ in range(6)]
    poison = to_kafka(notification_event(municipality))
    async with serving(create_app(settings, extra=[recorder(standin.url)])) as url:
        await post_all(url, bodies[:3])
        await produce(
            settings.kafka,
            topic("intake", municipality),
            b"{not json",
            key=poison.key,
            headers=poison.headers,
        )
        await post_all(url, bodies[3:])
        await until(lambda: len(standin.applied) == 6)
        triage = f"{settings.group_prefix}.triage".encode()
        await wait_for_records(
            settings.kafka,
            quarantine_topic(topic("intake", municipality)),
            lambda r: dict(r.headers)["quarantine_group"] == triage,
        )
        await read_through(settings)  # a second quarantining would have happened by now
        in_quarantine = await quarantined(settings.kafka, municipality)
    assert standin.applied == {effect_of(b): 1 for b in bodies}
    # Every component reading the intake topic quarantines its own copy, and says so.
    triage_copies = [r for r in in_quarantine if dict(r.headers)["quarantine_group"] == triage]
    assert [r.value for r in triage_copies] == [b"{not json"]
    assert dict(triage_copies[0].headers)["quarantine_error"] == b"ContractError"
    assert {r.value for r in in_quarantine} == {b"{not json"}


async def test_same_case_waits_behind_a_retry_while_other_cases_flow(settings, standin):
    municipality = settings.municipalities[0]
    case = f"X-{uuid.uuid4().hex[:8]}"
    first, second, third = (submission(municipality, case_id=case) for _ in range(3))
    other = submission(municipality)
    # The case's first record fails until the other case has gone through, however long
    # that takes (not quarantined, no breaker meanwhile): no retry delay decides the order.
    standin.unavailable.add(effect_of(first))
    settings = settings.model_copy(update={"retry_attempts": 1000, "breaker_open_after_s": 3600.0})
    app = create_app(settings, extra=[recorder(standin.url)])
    async with serving(app) as url:
        await post_all(url, [first])
        await until(lambda: standin.calls[effect_of(first)] >= 1)
        await post_all(url, [second, third, other])
        await until(lambda: effect_of(other) in standin.applied)
        await read_through(settings)  # the case's other two wait behind its first, untried
        assert app.state.store.parked_count(f"{settings.group_prefix}.recorder") == 3
        assert standin.calls[effect_of(second)] == standin.calls[effect_of(third)] == 0
        standin.unavailable.clear()
        await until(lambda: len(standin.applied) == 4)
    order = [standin.order.index(effect_of(b)) for b in (other, first, second, third)]
    assert order == sorted(order), "the other case went first; the case kept its order"
    assert standin.applied == {effect_of(b): 1 for b in (first, second, third, other)}


async def test_outage_longer_than_the_circuit_threshold_pauses_instead_of_quarantining(
    settings, standin
):
    # Three attempts would be spent in 0.6 s ± 0.12 s of jittered delays (0.2 s, then 0.4 s):
    # never in less than 0.48 s, so the 0.3 s threshold is always passed first and the breaker
    # opens. (At 0.5 s, inside that band, low jitter on a quick machine could spend the three
    # attempts first and quarantine a record: with the jitter at its floor they took 0.506 s.)
    settings = settings.model_copy(
        update={"breaker_open_after_s": 0.3, "breaker_cooldown_s": 0.3, "retry_attempts": 3}
    )
    bodies = [submission(settings.municipalities[0]) for _ in range(6)]
    standin.down_until = time.monotonic() + 4.0
    async with serving(create_app(settings, extra=[recorder(standin.url)])) as url:
        await post_all(url, bodies)
        await until(lambda: len(standin.applied) == 6, within=90)
    assert standin.applied == {effect_of(b): 1 for b in bodies}
    assert await quarantined(settings.kafka, settings.municipalities[0]) == []


async def test_authorisation_error_pauses_until_the_agreement_is_fixed(settings, standin):
    settings = settings.model_copy(update={"breaker_cooldown_s": 0.3, "retry_attempts": 2})
    bodies = [submission(settings.municipalities[0]) for _ in range(4)]
    standin.unauthorised = True
    async with serving(create_app(settings, extra=[recorder(standin.url)])) as url:
        await post_all(url, bodies)
        await until(lambda: sum(standin.calls.values()) >= 2)
        await asyncio.sleep(1.0)
        calls_while_refused = sum(standin.calls.values())
        standin.unauthorised = False
        await until(lambda: len(standin.applied) == 4, within=90)
    assert calls_while_refused <= 6, "paused, not hammering a system that refuses us"
    assert standin.applied == {effect_of(b): 1 for b in bodies}
    assert await quarantined(settings.kafka, settings.municipalities[0]) == []


async def test_replay_after_the_cause_is_fixed_handles_the_record_once_and_then_its_case(
    settings, standin
):
    municipality = settings.municipalities[0]
    case = f"R-{uuid.uuid4().hex[:8]}"
    rejected, behind = (
        submission(municipality, case_id=case),
        submission(municipality, case_id=case),
    )
    other = submission(municipality)
    standin.reject.add(effect_of(rejected))
    async with serving(create_app(settings, extra=[recorder(standin.url)])) as url:
        await post_all(url, [rejected, behind, other])
        await until(lambda: effect_of(other) in standin.applied)
        entries: list[Entry] = []

        async def quarantine_has_it():
            entries[:] = await read_entries(settings.kafka, Filters(case=case))
            return bool(entries)

        async with asyncio.timeout(60):
            while not await quarantine_has_it():
                await asyncio.sleep(0.2)
        await read_through(settings)
        assert effect_of(behind) not in standin.applied, (
            "the case waits behind its quarantined record"
        )
        (entry,) = entries
        assert entry.reason == "effect service rejected the effect: 422"
        listed = await casehub("quarantine", "list", "--case", case, bootstrap=settings.kafka)
        assert entry.source_ref in listed
        standin.reject.clear()  # the cause is fixed
        await casehub(
            "quarantine", "replay", "--case", case, "--yes", "--why", "agreement renewed",
            bootstrap=settings.kafka,
        )  # fmt: skip
        await until(lambda: effect_of(behind) in standin.applied)
        assert (
            await replay(settings.kafka, entries, reason="again", operator="tester") == 1
        )  # a second replay is harmless
        await read_through(settings)  # ... once it has its outcome
        audits = await read_topic(settings.kafka, topic("operations", municipality))
    assert [dict(a.headers)["ce_type"] for a in audits] == [
        b"dk.casehub.operations.message-replayed"
    ] * 2
    assert json.loads(audits[0].value)["reason"] == "agreement renewed"
    assert standin.applied == {effect_of(b): 1 for b in (rejected, behind, other)}
    assert standin.order.index(effect_of(rejected)) < standin.order.index(effect_of(behind))
    assert standin.calls[effect_of(rejected)] == 2


async def casehub(*args, bootstrap):
    """Run the ``casehub`` command line as an operator would; return its standard output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hub.cli.main", *args, *cli_options(bootstrap),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


def hub_process(settings, standin, log):
    env = {
        **os.environ,
        **settings.kafka.environment(),
        "CASEHUB_MUNICIPALITIES": json.dumps(list(settings.municipalities)),
        "CASEHUB_GROUP_PREFIX": settings.group_prefix,
        "CASEHUB_STATE_DIR": str(settings.state_dir),
        "CASEHUB_HTTP_PORT": "0",
        "CASEHUB_ROUTES": json.dumps([r.model_dump(mode="json") for r in ROUTES]),
        "CASEHUB_RETRY_BASE_S": "0.2",
        "CASEHUB_RETRY_MAX_S": "1",
        "CASEHUB_CALLERS": json.dumps(
            {name: caller.model_dump(mode="json") for name, caller in settings.callers.items()}
        ),
        "EFFECTS_URL": standin.url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fault_hub"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://"), "the hub process did not start"
    return process, url


async def test_kill_9_mid_stream_and_restart(settings, standin, tmp_path):
    standin.latency_s = 0.05  # effects take time, so the kill lands mid-stream
    bodies = [submission(settings.municipalities[0]) for _ in range(30)]
    with (tmp_path / "hub.log").open("w") as log:
        process, url = await asyncio.to_thread(hub_process, settings, standin, log)
        try:
            await post_all(url, bodies)
            await until(lambda: len(standin.applied) >= 5)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            process.stdout.close()
            applied_at_kill = len(standin.applied)
            process, _url = await asyncio.to_thread(hub_process, settings, standin, log)
            await until(lambda: len(standin.applied) == 30, within=90)
        finally:
            process.kill()
            process.wait(timeout=10)
            process.stdout.close()
    assert applied_at_kill < 30, "the kill landed mid-stream"
    assert standin.applied == {effect_of(b): 1 for b in bodies}
    assert await quarantined(settings.kafka, settings.municipalities[0]) == []


async def test_broker_stop_and_restart_mid_stream(settings, standin, tmp_path):
    data = tmp_path / "own-broker"
    own = (await asyncio.to_thread(start_local_broker, data)).hub
    settings = settings.model_copy(
        update={"bootstrap_servers": own.bootstrap_servers, "kafka_security": own.security}
    )
    bodies = [submission(settings.municipalities[0]) for _ in range(20)]
    try:
        async with serving(create_app(settings, extra=[recorder(standin.url)])) as url:
            await post_all(url, bodies[:10])
            await asyncio.to_thread(stop_local_broker, data)
            posting = asyncio.create_task(post_all(url, bodies[10:], within=120))
            await asyncio.sleep(3.0)
            await asyncio.to_thread(start_local_broker, data)
            await posting
            await until(lambda: len(standin.applied) == 20, within=120)
    finally:
        await asyncio.to_thread(stop_local_broker, data)
    assert standin.applied == {effect_of(b): 1 for b in bodies}
