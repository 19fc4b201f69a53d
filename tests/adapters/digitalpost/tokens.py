"""A token port on the stand-in for tests: one agreement per CVR, the stand-in's transport."""

from __future__ import annotations

import httpx

from adapters.digitalpost.token import Agreement, ServiceplatformenTokens
from tests.adapters.digitalpost.letters import SENDER

__all__ = ["FakeClock", "tokens_on"]


class FakeClock:
    """Monotonic seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def tokens_on(
    http: httpx.AsyncClient, *cvrs: str, clock=None, margin_s: float = 60.0
) -> ServiceplatformenTokens:
    """Tokens from the service behind ``http`` (STS and token service on one base URL)."""
    agreements = {cvr: Agreement(cvr, "", http, http) for cvr in (cvrs or (SENDER.cvr,))}
    if clock is None:
        return ServiceplatformenTokens(agreements, margin_s=margin_s)
    return ServiceplatformenTokens(agreements, margin_s=margin_s, clock=clock)
