"""Several hub processes in one consumer group, for the fault tests (tests.fault_hub each).

Each process has its own client id (so the group's members can be told apart) and its own
state directory (deleted between restarts by one test: nothing may live only there).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
from aiokafka.admin import AIOKafkaAdminClient

from hub.compose.settings import Settings
from tests.kafka import WITHIN_S

__all__ = ["Fleet", "HubProcess"]


@dataclass
class HubProcess:
    name: str
    process: subprocess.Popen[str]
    url: str
    log: IO[str]

    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Fleet:
    """Hub processes of one settings: start, stop (SIGTERM), kill (SIGKILL), who holds what."""

    settings: Settings
    env: Mapping[str, str]
    work: Path
    hubs: dict[str, HubProcess] = field(default_factory=dict)

    def _environment(self, name: str) -> dict[str, str]:
        s = self.settings
        return {
            **os.environ,
            **self.env,
            **s.kafka.environment(),
            "CASEHUB_MUNICIPALITIES": json.dumps(list(s.municipalities)),
            "CASEHUB_GROUP_PREFIX": s.group_prefix,
            "CASEHUB_CLIENT_ID": name,
            "CASEHUB_STATE_DIR": str(self.state_dir(name)),
            "CASEHUB_HTTP_PORT": "0",
            "CASEHUB_LOG_LEVEL": "INFO",
        }

    def state_dir(self, name: str) -> Path:
        return self.work / name / "state"

    def _spawn(self, name: str) -> HubProcess:
        (self.work / name).mkdir(parents=True, exist_ok=True)
        log = (self.work / name / "hub.log").open("a")
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.fault_hub"],
            env=self._environment(name),
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://"), f"hub {name} did not start (see {log.name})"
        return HubProcess(name, process, url, log)

    async def start(self, *names: str) -> None:
        """Start these hubs and wait until each is ready (partitions assigned, restored)."""
        started = await asyncio.gather(*(asyncio.to_thread(self._spawn, n) for n in names))
        for hub in started:
            self.hubs[hub.name] = hub
        await self.ready(*names)

    async def ready(self, *names: str, within: float = WITHIN_S) -> None:
        """Wait until every named hub answers ``/health/ready`` with 200."""
        async with httpx.AsyncClient(timeout=2.0) as http, asyncio.timeout(within):
            for name in names:
                while True:
                    hub = self.hubs[name]
                    assert hub.alive(), f"hub {name} died (see {hub.log.name})"
                    try:
                        if (await http.get(hub.url + "/health/ready")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.2)

    def _end(self, name: str, sig: signal.Signals) -> None:
        hub = self.hubs.pop(name)
        hub.process.send_signal(sig)
        hub.process.wait(timeout=60)
        assert hub.process.stdout is not None
        hub.process.stdout.close()
        hub.log.close()

    async def kill(self, name: str) -> None:
        """SIGKILL: the process dies at once, nothing is committed or handed over."""
        await asyncio.to_thread(self._end, name, signal.SIGKILL)

    async def stop(self, name: str) -> None:
        """SIGTERM: the hub stops as under an orchestrator (commits, leaves the group)."""
        await asyncio.to_thread(self._end, name, signal.SIGTERM)

    async def close(self) -> None:
        for name in list(self.hubs):
            await self.kill(name)

    async def owners(self, group: str) -> dict[str, set[tuple[str, int]]]:
        """Which member (client id) holds which (topic, partition) of ``group`` now."""
        admin = AIOKafkaAdminClient(**self.settings.kafka.client_options())
        await admin.start()
        try:
            (described,) = await admin.describe_consumer_groups([group])
        finally:
            await admin.close()
        held: dict[str, set[tuple[str, int]]] = {}
        (answer,) = described.to_object()["groups"]
        for member in answer["members"]:
            assignment = member["member_assignment"]
            held[member["client_id"]] = _partitions(assignment)
        return held


def _partitions(assignment: bytes) -> set[tuple[str, int]]:
    from aiokafka.protocol.group import MemberAssignment

    decoded = MemberAssignment.decode(assignment)
    return {(topic, p) for topic, partitions in decoded.assignment for p in partitions}
