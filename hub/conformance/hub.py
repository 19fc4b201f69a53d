"""A running hub for a vendor's test suite: in process, on the vendor's broker, at the stand-ins.

``running_hub`` builds the hub's settings as ``casehub run`` does (the ``CASEHUB_*``
environment), then sets what the kit decides: the broker and the hub principal's
credentials, the municipalities, a free HTTP port, and every component that has a stand-in
pointed at it. It serves the hub (its components consuming, its HTTP intake listening) until
the block ends. The pytest plugin runs it on an event loop of its own (``casehub_hub``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from hub.compose.settings import Settings
    from hub.runtime.kafka_access import KafkaConnection

__all__ = ["RunningHub", "running_hub"]


@dataclass(frozen=True)
class RunningHub:
    """The hub serving: where its HTTP intake listens, and the settings it runs with."""

    url: str
    settings: Settings


@asynccontextmanager
async def running_hub(
    kafka: KafkaConnection,
    municipalities: Iterable[str],
    standin_settings: Mapping[str, BaseModel],
    **overrides: Any,  # noqa: ANN401 - any of the hub's settings
) -> AsyncIterator[RunningHub]:
    """Serve a hub on ``kafka`` for ``municipalities``, its components at the stand-ins."""
    # Imported here: the plugin imports this module in every vendor session.
    from hub.compose.app import create_app  # noqa: PLC0415
    from hub.compose.settings import Settings  # noqa: PLC0415
    from hub.runtime.kafka_access import verify_access  # noqa: PLC0415
    from hub.runtime.serve import serving  # noqa: PLC0415

    settings = Settings(
        bootstrap_servers=kafka.bootstrap_servers,
        kafka_security=kafka.security,
        municipalities=tuple(municipalities),
        http_port=0,
        **dict(standin_settings),
        **overrides,
    )
    await verify_access(settings.kafka)  # a refused password fails here, in one line
    async with serving(create_app(settings), settings.http_host, settings.http_port) as url:
        yield RunningHub(url, settings)
