"""``casehub demo``: one notification through the real hub on a real broker, hop by hop.

It starts the hub (HTTP intake + components) against the given broker, watches the
topics with a consumer of its own, posts a synthetic notification as an e-form system
would, prints each hop the notification takes, shows a rejected submission, and stops.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import click
import httpx
from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker, KafkaMessage

from hub.app import create_app
from hub.serve import serving
from hub.settings import Settings
from routing.topics import domain_topics

__all__ = ["run_demo", "synthetic_cpr"]

MUNICIPALITY = "101"
TIMEOUT_S = 60.0


def synthetic_cpr(birth: dt.date, serial: int) -> str:
    """A CPR number that cannot be a real person's: day + 60 (DOMAIN.md §4)."""
    digit7 = 4 if birth.year >= 2000 else 0  # noqa: PLR2004 - the century rule's split
    return f"{birth.day + 60:02d}{birth.month:02d}{birth.year % 100:02d}{digit7}{serial:03d}"


@dataclass(frozen=True)
class Hop:
    """One record the demo saw on a topic."""

    topic: str
    partition: int
    offset: int
    key: str
    headers: dict[str, str]


def demo_submission(submission_id: str) -> dict[str, Any]:
    """What an e-form system posts: a school's notification about a synthetic child."""
    return {
        "submission_id": submission_id,
        "municipality": MUNICIPALITY,
        "child_cpr": synthetic_cpr(dt.date(2016, 3, 14), 123),
        "notifier": {"kind": "professional", "relation": "school", "organisation": "Demo School"},
        "reasons": ["school_absence", "neglect"],
        "channel": "eform",
        "summary": "The child has been absent for three weeks and seems hungry when present.",
    }


async def run_demo(bootstrap: str) -> bool:
    """Run the slice once; True when every expected hop was seen."""
    state = Path(tempfile.mkdtemp(prefix="casehub-demo-"))
    settings = Settings(
        bootstrap_servers=bootstrap,
        state_dir=state,
        municipalities=(MUNICIPALITY,),
        http_port=0,
        log_level="WARNING",
        transient_pause_s=0.2,
    )
    watch = Watch()
    watcher = KafkaBroker(bootstrap, logger=None)
    watched = (*domain_topics("intake", [MUNICIPALITY]), *domain_topics("person", [MUNICIPALITY]))

    # A fresh group from the start of the topics: nothing is missed however late it joins;
    # hops are picked out by the flow's correlation id.
    @watcher.subscriber(
        *watched, group_id=f"casehub.demo.{uuid.uuid4()}", auto_offset_reset="earliest"
    )
    async def record_hop(_body: bytes, message: KafkaMessage) -> None:
        raw = cast("ConsumerRecord[bytes, bytes]", message.raw_message)
        headers = {k: (v or b"").decode(errors="replace") for k, v in raw.headers}
        await watch.arrivals.put(
            Hop(raw.topic, raw.partition, raw.offset, (raw.key or b"").decode(), headers)
        )

    app = create_app(settings)
    async with serving(app, port=0) as url, watcher, httpx.AsyncClient(base_url=url) as http:
        await watcher.start()
        click.echo(f"hub up: intake at {url}/notifications, broker {bootstrap}")
        submission = demo_submission(f"demo-{uuid.uuid4()}")
        answer = await http.post("/notifications", json=submission)
        click.echo(f"1. e-form  POST /notifications -> {answer.status_code} {answer.json()}")
        ok = answer.status_code == 202  # noqa: PLR2004
        flow = answer.json().get("event_id", "")
        expected = ["dk.casehub.notification.received", "dk.casehub.person.lookup-requested"]
        for step, wanted in enumerate(expected, start=2):
            hop = await watch.next(wanted, flow)
            if hop is None:
                click.echo(f"{step}. no {wanted} within {TIMEOUT_S:.0f} s", err=True)
                return False
            h = hop.headers
            click.echo(
                f"{step}. {h['ce_source']:<24} {h['ce_type']} v{h['ce_contractversion']}\n"
                f"   topic {hop.topic} partition {hop.partition} offset {hop.offset}"
                f" key {hop.key}\n   id {h['ce_id']} causation {h.get('ce_causationid', '-')}"
                f" classification {h['ce_classification']}"
            )
        bad = dict(submission, child_cpr="3213xx-1234", reasons=[])
        answer = await http.post("/notifications", json=bad)
        click.echo(f"4. a bad submission -> {answer.status_code} {answer.json()['problems']}")
        ok = ok and answer.status_code == 422  # noqa: PLR2004
    click.echo("demo complete: intake -> NotificationReceived -> triage -> PersonLookupRequested")
    return ok


class Watch:
    """The records the watcher saw, picked out by type and flow.

    The watcher reads two topics, and Kafka orders records only within a partition, so a
    later hop may arrive first: it is kept until asked for, never dropped.
    """

    def __init__(self) -> None:
        self.arrivals: asyncio.Queue[Hop] = asyncio.Queue()
        self._seen: list[Hop] = []

    async def next(self, event_type: str, flow: str) -> Hop | None:
        """The flow's hop of ``event_type``, or None after the timeout."""
        try:
            async with asyncio.timeout(TIMEOUT_S):
                while True:
                    for hop in self._seen:
                        h = hop.headers
                        if h.get("ce_type") == event_type and h.get("ce_correlationid") == flow:
                            self._seen.remove(hop)
                            return hop
                    self._seen.append(await self.arrivals.get())
        except TimeoutError:
            return None
