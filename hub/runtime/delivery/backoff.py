"""Exponential backoff with jitter, bounded in delay and in attempts."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Backoff"]


@dataclass(frozen=True, slots=True)
class Backoff:
    """Attempt n waits ``base_s * factor**(n-1)``, capped at ``max_s``, ± ``jitter`` of it.

    Jitter spreads the retries of many records that failed together (an outage), so the
    recovering system is not hit by all of them in the same second.
    """

    base_s: float = 1.0
    factor: float = 2.0
    max_s: float = 300.0
    max_attempts: int = 6
    jitter: float = 0.2

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (attempt 1 is the first try)."""
        plain = min(self.max_s, self.base_s * self.factor ** max(0, attempt - 1))
        return max(0.0, plain * (1 + self.jitter * (2 * rand() - 1)))

    def shortest_budget_s(self) -> float:
        """The least time from a record's first failure to its last attempt (jitter at its low).

        A circuit breaker that opens later than this lets a record fail its last attempt,
        and be quarantined, in an outage the breaker would otherwise have waited out.
        """
        return sum(
            min(self.max_s, self.base_s * self.factor ** (n - 1)) * (1 - self.jitter)
            for n in range(1, self.max_attempts)
        )

    def exhausted(self, attempt: int) -> bool:
        """True when ``attempt`` was the last one allowed."""
        return attempt >= self.max_attempts
