"""The hub's one error hierarchy; every error the hub raises on purpose is one of these.

- ``HubError``: base class. Its message names the operation and a code, never a person.
  - ``TransientError``: may succeed later (timeout, 5xx, broker unavailable). The message is
    not committed and is delivered again.
  - ``PermanentError``: can never succeed as it is. The message is quarantined with the
    reason, its original bytes and headers, and can be replayed once the cause is fixed.
    - ``ContractError``: the record does not satisfy its contract (decoding or validation).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ContractError", "HubError", "PermanentError", "Problem", "TransientError"]


class HubError(Exception):
    """Base of every error the hub raises on purpose."""


class TransientError(HubError):
    """The operation may succeed if tried again later."""


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
