"""``casehub conformance run`` against a sample case system on the real broker."""

import asyncio
import sys
from pathlib import Path

import pytest

from hub.conformance.run import run_conformance
from hub.runtime.provision import ensure_topics, hub_topics
from tests.conformance import vendor
from tests.kafka import cli_options

pytestmark = pytest.mark.kafka

CASEHUB = str(Path(sys.executable).with_name("casehub"))


async def conformance_run(broker, municipality, faults, seen):
    # The hub's side runs as the hub's principal, the sample vendor as its municipality's.
    hub = broker.hub
    await ensure_topics(hub, hub_topics([municipality]), partitions=1, replication=1)
    async with vendor.running(broker.case_system(municipality), municipality, faults, seen):
        process = await asyncio.create_subprocess_exec(
            CASEHUB, "conformance", "run", *cli_options(hub),
            "--municipality", municipality, "--cases", "3", "--timeout", "40",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    return process.returncode, out.decode().splitlines(), err.decode()


async def test_a_conforming_case_system_passes_every_check(test_broker, fresh_municipality):
    seen: list[str] = []
    code, lines, err = await conformance_run(test_broker, fresh_municipality(), frozenset(), seen)
    # 3 notifications + 1 redelivered, 3 people + 1, 3 deadlines + 1, 3 letter receipts + 1.
    assert lines[0].startswith("sent 16 deliveries to municipality ")
    assert lines[1:] == ["PASS contract", "PASS answered", "PASS idempotent", "PASS ordering"]
    assert (code, err.strip().splitlines()[-1]) == (0, "conformant")
    # The vendor got what the hub sends besides notifications and persons.
    assert sorted(seen) == ["dk.casehub.deadline.set"] * 4 + ["dk.casehub.letter.delivered"] * 4


async def test_a_broken_case_system_fails_with_a_line_per_problem(test_broker, fresh_municipality):
    # In process (the command's own test is above): the same run, without a second start-up.
    municipality = fresh_municipality()
    faults = frozenset({"wrong_order", "duplicate", "invalid", "no_letters"})
    hub = test_broker.hub
    await ensure_topics(hub, hub_topics([municipality]), partitions=1, replication=1)
    async with vendor.running(test_broker.case_system(municipality), municipality, faults):
        # A person left unanswered keeps the run to its timeout: a short one.
        _, result = await run_conformance(hub, municipality, cases=3, timeout_s=10)
    assert not result.passed
    lines = result.lines()
    failed = [line for line in lines if line.startswith("FAIL")]
    contract = [line for line in failed if line.startswith("FAIL contract:")]
    assert len(contract) == 1
    assert "data.kle" in contract[0]
    assert "not-a-kle" not in contract[0]  # a problem names the field, never the value
    idempotent = [line for line in failed if line.startswith("FAIL idempotent:")]
    assert idempotent  # the redelivered notification was answered under fresh ids
    assert all("delivered 2 times" in line for line in idempotent)
    ordering = [line for line in failed if line.startswith("FAIL ordering:")]
    assert ordering
    assert any("before its CaseOpened" in line for line in ordering)
    answered = [line for line in failed if line.startswith("FAIL answered:")]
    # Letters for the first person resolved only; the invalid CaseOpened is not followed up.
    assert answered
    assert all(line.startswith("FAIL answered: no answer caused by dk.casehub.person.resolved")
               for line in answered)  # fmt: skip
