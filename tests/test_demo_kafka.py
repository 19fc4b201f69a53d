"""`make demo` on the real broker: every hop of the demo notification is seen, in order."""

import re

import pytest

from hub.cli.demo import MUNICIPALITY, run_demo

pytestmark = pytest.mark.kafka


async def test_the_demo_walks_every_hop(test_broker, capsys):
    # As `make demo`: the hub as itself, the case system as its municipality's principal.
    assert await run_demo(test_broker.hub, test_broker.case_system(MUNICIPALITY))
    out = capsys.readouterr().out
    steps = [int(n) for n in re.findall(r"^(\d+)\. ", out, flags=re.MULTILINE)]
    assert steps == list(range(1, 15))
    assert "-> met" in out  # the 24-hour assessment, recorded in the demo, met its deadline
    # the forged letter: quarantined with its reason, and the sign-in to find it printed
    assert "quarantined, nothing sent: tenant_mismatch" in out
    assert re.search(r"^   op101 / \S+  \(operator of 101\)$", out, flags=re.MULTILINE)
    assert out.rstrip().splitlines()[-1].startswith("demo complete")
    # Field encryption is on in the demo: the notification's sensitive fields travel sealed.
    assert "   sealed reasons, acute, summary under data key " in out
