"""The engine without a broker, shared by the engine's unit tests.

Each test module defines its own ``clock`` fixture (the moment its story starts); the
engine, its changelog and what it published come from here.
"""

import pytest

from tests.hub.deadlines.casework import CaseFile
from tests.hub.deadlines.recording import Published, RecordingChangelog, engine_on


@pytest.fixture
def published():
    return Published()


@pytest.fixture
def changelog():
    return RecordingChangelog()


@pytest.fixture
async def engine(changelog, published, clock):
    return await engine_on(changelog, published, clock)


@pytest.fixture
def case():
    return CaseFile()
