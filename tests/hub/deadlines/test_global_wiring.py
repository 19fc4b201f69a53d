"""The hub opens the deadline engine's global table: the composition root, offline."""

from hub.components.deadlines.component import COMPONENT
from hub.compose.app import create_app
from hub.compose.settings import Settings


def test_the_hub_opens_the_engines_global_table_and_is_not_ready_before_it(tmp_path):
    settings = Settings(
        bootstrap_servers="127.0.0.1:9",  # never reached: nothing is started
        municipalities=("101", "147"),
        group_prefix="casehub",
        state_dir=tmp_path,
    )
    routes = tuple(route for route in settings.routes if route.consumer == COMPONENT.name)
    app = create_app(settings.model_copy(update={"routes": routes}), components=(COMPONENT,))
    (table,) = app.state.global_tables.values()
    assert table.group == "casehub.deadlines"
    assert [table.topic(code) for code in ("101", "147")] == [
        "casehub.deadlines.global.101",
        "casehub.deadlines.global.147",
    ]
    assert not table.ready
