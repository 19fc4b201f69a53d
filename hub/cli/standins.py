"""The national services' stand-ins, together on loopback ports: ``casehub standins``.

Every registered component that talks to an external service brings a stand-in of it
(``ComponentSpec.standin``): the CPR register, Digital Post, the ESDH archive, Danmarks
Statistik and Ankestyrelsen today. Used by ``make demo``, the end-to-end tests and vendors;
every person is synthetic (CPR day + 60).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from pydantic import BaseModel

from adapters.registry import COMPONENTS
from hub.runtime.component import ComponentSpec, Standin, StandinContext

__all__ = ["RunningStandins", "running_standins"]


class RunningStandins(Mapping[str, Standin]):
    """The running stand-ins by component name, and the settings that point a hub at them."""

    def __init__(self, standins: Mapping[str, Standin]) -> None:
        self._standins = dict(standins)

    def __getitem__(self, name: str) -> Standin:
        return self._standins[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._standins)

    def __len__(self) -> int:
        return len(self._standins)

    def settings(self) -> dict[str, BaseModel]:
        """Each component's settings against its stand-in, keyed as the hub's settings are."""
        return {name: standin.settings for name, standin in self._standins.items()}

    def environment(self) -> dict[str, str]:
        """The same settings as ``CASEHUB_*`` variables."""
        return {
            f"CASEHUB_{name.upper()}": settings.model_dump_json()
            for name, settings in self.settings().items()
        }


@asynccontextmanager
async def running_standins(
    municipalities: Iterable[str] = ("101",),
    components: Sequence[ComponentSpec[Any]] = COMPONENTS,
) -> AsyncIterator[RunningStandins]:
    """Serve the stand-in of every component that has one, until the block ends."""
    context = StandinContext(municipalities=tuple(municipalities))
    async with AsyncExitStack() as stack:
        running = {
            spec.name: await stack.enter_async_context(spec.standin(context))
            for spec in components
            if spec.standin is not None
        }
        yield RunningStandins(running)
