"""A circuit breaker per external system: stop asking a system that cannot answer.

closed ── failures for longer than ``open_after_s``, or one authorisation error ──▶ open
open ── after the cool-down ──▶ half-open: the next record is the trial
half-open ── trial succeeds ──▶ closed;  trial fails ──▶ open, cool-down doubled (capped)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

__all__ = ["BreakerState", "CircuitBreaker"]


class BreakerState(StrEnum):
    """Where the breaker is."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Opens on a persistent outage or an authorisation error; closes on a success."""

    def __init__(
        self,
        *,
        open_after_s: float,
        cooldown_s: float,
        max_cooldown_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._open_after = open_after_s
        self._base_cooldown = cooldown_s
        self._max_cooldown = max_cooldown_s
        self._clock = clock
        self._failing_since: float | None = None
        self._opened_at: float | None = None
        self._cooldown = cooldown_s
        # For the dashboard: when (epoch seconds) it last opened or closed, and why it
        # last failed (an error class, never an exception's text: that can quote a record).
        self.changed_at: float | None = None
        self.last_error: str | None = None

    @property
    def state(self) -> BreakerState:
        """Closed, open, or half-open once the cool-down has passed."""
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self._cooldown:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    @property
    def seconds_until_trial(self) -> float:
        """How long until a trial is allowed (0 when closed or half-open)."""
        if self._opened_at is None:
            return 0.0
        return max(0.0, self._opened_at + self._cooldown - self._clock())

    def success(self) -> None:
        """A call succeeded: close and forget the failure streak."""
        if self._opened_at is not None:
            self.changed_at = time.time()
        self._failing_since = None
        self._opened_at = None
        self._cooldown = self._base_cooldown

    def failure(self, *, authorisation: bool = False, error: str | None = None) -> bool:
        """A call failed (``error``: its class); return True when the breaker is (now) open."""
        now = self._clock()
        self.last_error = error or self.last_error
        if self._opened_at is not None:  # a failed trial: wait longer next time
            self._cooldown = min(self._max_cooldown, self._cooldown * 2)
            self._opened_at = now
            self.changed_at = time.time()
            return True
        if self._failing_since is None:
            self._failing_since = now
        if authorisation or now - self._failing_since >= self._open_after:
            self._opened_at = now
            self.changed_at = time.time()
            return True
        return False
