"""Reading the component's summaries from its changelog, wherever their partitions are owned.

The extract reads each municipality's changelog topic ``<group>.state.<kommunekode>`` to its
end, as a new owner restores it (``KafkaChangelog.restore``), and decodes the summaries of
the ``outcomes`` store. A municipality the component never ran for has no changelog: the
extract says so rather than write an empty extract. A sealed summary (field encryption on)
is opened with the data keys given; one whose key was shredded, or that cannot be opened
(no keys given, a key not here, a value that does not fit), is skipped and counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import ValidationError

from hub.components.outcomes.component import STORE
from hub.components.outcomes.model import CaseKey, CaseOutcomes
from hub.components.outcomes.summary import CASE_PREFIX, decode
from hub.runtime.crypto import DataKeys, KeyShreddedError, is_sealed, open_value
from hub.runtime.errors import HubError
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.state.offline import changelog_partitions, read_changelogs

__all__ = ["Summaries", "missing_state", "read_summaries"]

_PREFIX = f"{STORE}/{CASE_PREFIX}"


@dataclass
class Summaries:
    """The cases' summaries read, the municipalities without any, and what was unreadable."""

    cases: dict[CaseKey, CaseOutcomes] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    """Municipalities without a changelog topic: the component never ran for them."""
    skipped: int = 0
    """Summaries this version cannot read, or sealed ones that cannot be opened (not counted)."""
    shredded: int = 0
    """Sealed summaries whose data key was destroyed (not counted; also in ``skipped``)."""


async def missing_state(
    kafka: KafkaConnection, group: str, municipalities: Iterable[str]
) -> list[str]:
    """The municipalities without the group's changelog (the component never ran for them).

    Raises:
        TransientError: Kafka could not be reached.

    """
    wanted = list(municipalities)
    partitions = await changelog_partitions(kafka, group, wanted)
    return [m for m in wanted if not partitions.get(m)]


async def read_summaries(
    kafka: KafkaConnection,
    group: str,
    municipalities: Iterable[str],
    *,
    keys: DataKeys | None = None,
) -> Summaries:
    """Every case's summary of ``municipalities`` in the group's changelog.

    ``keys``: the data keys that open sealed summaries (None: a sealed one is skipped).

    Raises:
        TransientError: Kafka could not be read.

    """
    wanted = list(municipalities)
    partitions = await changelog_partitions(kafka, group, wanted)
    summaries = Summaries(missing=[m for m in wanted if not partitions.get(m)])
    tables = await read_changelogs(kafka, group, partitions, client_id="casehub-outcomes")
    for task, table in tables.items():
        for key, value in table.items():
            if not key.startswith(_PREFIX):
                continue
            try:
                plain = _opened(keys, task.municipality, key, value)
                summaries.cases[task.municipality, key.removeprefix(_PREFIX)] = decode(plain)
            except KeyShreddedError:
                summaries.shredded += 1
                summaries.skipped += 1
            except (ValidationError, HubError):
                summaries.skipped += 1
    return summaries


def _opened(keys: DataKeys | None, municipality: str, key: str, value: bytes) -> bytes:
    if not is_sealed(value):
        return value
    if keys is None:
        msg = "key_unavailable: a sealed summary and no key directory to open it"
        raise HubError(msg)
    return open_value(keys, municipality, key, value)
