"""The dashboard tests' effect service: a stand-in that refuses an effect until told not to."""

import pytest

from hub.runtime.serve import serving
from tests.effects import EffectStandIn


@pytest.fixture
async def standin():
    effects = EffectStandIn()
    async with serving(effects.app) as url:
        effects.url = url
        yield effects
