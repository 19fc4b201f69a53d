"""Golden events: one valid event per contract version, the same on every run and machine.

Each is drawn from the committed JSON Schema (``hub.conformance.strategies``) with a fixed
seed, so a vendor's test can pin a mapping to it, and wrapped in an envelope for
municipality 101 with a fixed id and time.
"""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime

from hypothesis import HealthCheck, Phase, find, settings

from contracts.base import Contract
from contracts.catalogue import CATALOGUE
from contracts.envelope import Event, new_event
from hub.conformance.strategies import committed_instances

__all__ = ["GOLDEN_MUNICIPALITY", "golden_event"]

GOLDEN_MUNICIPALITY = "101"
_NAMESPACE = uuid.UUID("0b6f6a9e-6c1e-4c53-9d0e-9a51a9b7f0c1")


def golden_event(event_type: str, version: int | None = None) -> Event[Contract]:
    """The golden event of one contract version (the newest when ``version`` is None).

    Raises:
        KeyError: the catalogue has no such type or version.

    """
    if version is None:
        version = max(v for t, v in CATALOGUE if t == event_type)
    return _golden(event_type, version)


@functools.cache
def _golden(event_type: str, version: int) -> Event[Contract]:
    contract = CATALOGUE[event_type, version]
    data = find(
        committed_instances(contract),
        lambda _: True,
        settings=settings(
            database=None,
            derandomize=True,
            max_examples=500,
            phases=[Phase.generate],  # the first valid draw: no shrinking (seconds per type)
            suppress_health_check=list(HealthCheck),
        ),
    )
    event_id = str(uuid.uuid5(_NAMESPACE, f"{event_type}@{version}"))
    return new_event(data, source="urn:casehub:golden", municipality=GOLDEN_MUNICIPALITY,
                     case_id="golden-case", event_id=event_id,
                     time=datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
