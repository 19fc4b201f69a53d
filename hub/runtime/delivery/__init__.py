"""Delivery guarantees: retries with backoff, a circuit breaker, per-case order, idempotency."""

from hub.runtime.delivery.backoff import Backoff
from hub.runtime.delivery.breaker import BreakerState, CircuitBreaker
from hub.runtime.delivery.policy import REPLAY_HEADER, Delivery, stored_record
from hub.runtime.delivery.rebalance import StateRebalance, tasks_of
from hub.runtime.delivery.store import (
    DeliveryStore,
    DeliveryStores,
    Parked,
    ParkedState,
    RowTooLargeError,
    StoredRecord,
)
from hub.runtime.delivery.subscribe import subscribe

__all__ = [
    "REPLAY_HEADER",
    "Backoff",
    "BreakerState",
    "CircuitBreaker",
    "Delivery",
    "DeliveryStore",
    "DeliveryStores",
    "Parked",
    "ParkedState",
    "RowTooLargeError",
    "StateRebalance",
    "StoredRecord",
    "stored_record",
    "subscribe",
    "tasks_of",
]
