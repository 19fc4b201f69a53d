"""The composition root refuses configurations it cannot run correctly."""

import pytest

from hub.components.deadlines.engine import NAME as DEADLINES
from hub.compose.app import create_app
from hub.runtime.component import Component


async def _handle(_event):
    return None


def test_an_extra_component_may_not_take_a_built_in_name(hub_settings):
    # Two engines in one consumer group would split its partitions and both fire deadlines.
    with pytest.raises(ValueError, match=f"components named {DEADLINES} more than once"):
        create_app(hub_settings, extra=[Component(DEADLINES, _handle)])


def test_it_may_once_the_built_in_one_is_switched_off(hub_settings):
    settings = hub_settings.model_copy(update={"deadlines": False})
    app = create_app(settings, extra=[Component(DEADLINES, _handle)])
    assert app.state.settings.deadlines is False
