"""Build one archival version from a history: every item in, or the build fails with the list.

The history is an async stream of items: decoded events, or ``BadItem``s for records that
could not be decoded. Nothing is kept per event; the version is written as the stream is
read and finished (indices, context documentation, ``fileIndex.xml``, rename) only when no
item was bad. A failed build leaves no folder behind and raises ``BuildFailedError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from adapters.rigsarkivet.history import BadItem, DocumentSource, Progress, Projector
from adapters.rigsarkivet.indices import ArchiveDescription
from adapters.rigsarkivet.tiff import DPI
from adapters.rigsarkivet.writer import COLLECTION_SIZE, Finished, open_version
from contracts.base import Contract
from contracts.envelope import Event
from hub.runtime.errors import PermanentError

__all__ = ["BuildFailedError", "Built", "build_version"]

_SHOWN = 20
"""How many bad items the error's message lists; ``.bad`` holds all of them."""


class BuildFailedError(PermanentError):
    """Some items could not be archived; ``bad`` lists each with its reason. No version left."""

    def __init__(self, bad: Sequence[BadItem]) -> None:
        self.bad = tuple(bad)
        shown = "; ".join(map(str, self.bad[:_SHOWN]))
        more = f" (and {len(self.bad) - _SHOWN} more)" if len(self.bad) > _SHOWN else ""
        super().__init__(f"archival version not built, {len(self.bad)} bad items: {shown}{more}")


class _Failed(Exception):  # noqa: N818 - internal: unwinds the version so it is removed
    pass


@dataclass(frozen=True)
class Built:
    """A finished version and what it holds."""

    version: Finished
    cases: int
    documents: int
    pages: int
    case_ids: frozenset[str] = frozenset()
    """The cases in the version (already held while building: one id each)."""


async def build_version(  # noqa: PLR0913 - each is a separate input of the build
    history: AsyncIterable[Event[Contract] | BadItem],
    documents: DocumentSource,
    about: ArchiveDescription,
    out: Path,
    standard_schemas: Path,
    *,
    progress: Progress | None = None,
    today: dt.date | None = None,
    collection_size: int = COLLECTION_SIZE,
    dpi: int = DPI,
) -> Built:
    """Write the version ``about.avid`` into ``out``; return it with what it holds.

    Raises:
        BuildFailedError: one or more items were bad; nothing is left in ``out``.
        VersionExistsError: ``out/<avid>`` exists already.
        MissingStandardSchemaError: the standard schemas folder is incomplete.

    """
    day = today or dt.datetime.now(dt.UTC).date()
    projector: Projector | None = None
    try:
        with open_version(
            out, about, standard_schemas, today=day, collection_size=collection_size, dpi=dpi
        ) as (version, result):
            projector = Projector(version, documents, progress)
            async for item in history:
                if isinstance(item, BadItem):
                    projector.reject(item)
                else:
                    await projector.add(item)
            if projector.bad:
                raise _Failed  # noqa: TRY301 - inside the block, so the version is removed
    except _Failed:
        raise BuildFailedError(projector.bad if projector else ()) from None
    return Built(result[0], projector.cases, version.documents, version.pages, projector.case_ids)
