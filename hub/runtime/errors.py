"""The hub's one error hierarchy; every error the hub raises on purpose is one of these.

- ``HubError``: base class. Its message names the operation and a code, never a person.
  - ``TransientError``: may succeed later (timeout, 5xx, broker unavailable). The message is
    retried with backoff, later events of its case wait behind it, and after the last
    attempt it is quarantined.
    - ``UnavailableError``: the external system did not answer (refused, timeout, 5xx).
      Counts towards the circuit breaker like any transient failure.
  - ``AuthorisationError``: the external system rejects our credentials or agreement. No
    record can succeed until people fix it: the circuit breaker opens at once and the
    subscriber pauses instead of quarantining everything that arrives.
  - ``PermanentError``: can never succeed as it is. The message is quarantined with the
    reason, its original bytes and headers, and can be replayed once the cause is fixed.
    - ``ContractError``: the record does not satisfy its contract (decoding or validation).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AuthorisationError",
    "ContractError",
    "HubError",
    "PermanentError",
    "Problem",
    "TransientError",
    "UnavailableError",
]


class HubError(Exception):
    """Base of every error the hub raises on purpose."""


class TransientError(HubError):
    """The operation may succeed if tried again later."""


class UnavailableError(TransientError):
    """The external system did not answer: connection refused, timeout, 5xx."""


class AuthorisationError(HubError):
    """The external system rejects our credentials or service agreement."""


class PermanentError(HubError):
    """The message can never be handled as it is: quarantine it."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a record fails its contract: where, and what is wrong (never the value)."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ContractError(PermanentError):
    """The record does not satisfy its contract."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))
