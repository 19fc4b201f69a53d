"""The client and the fakes fit the port (the exports are guarded by tests/test_packages.py)."""

from __future__ import annotations

from adapters.digitalpost.client import DigitalPostClient
from adapters.digitalpost.port import DigitalPost
from adapters.digitalpost.standin import DigitalPostStandin, InMemoryDigitalPost
from adapters.digitalpost.token import ServiceplatformenTokens, TokenPort


def check(port: DigitalPost) -> DigitalPost:
    return port


def check_tokens(port: TokenPort) -> TokenPort:
    return port


def test_the_token_client_fits_the_token_port_for_mypy():
    assert check_tokens(ServiceplatformenTokens({})) is not None


def test_the_client_and_the_fake_fit_the_port_for_mypy():
    # mypy checks these calls; at run time they only prove the names import.
    assert check(InMemoryDigitalPost()) is not None
    assert DigitalPostStandin({}).transport() is not None
    assert DigitalPostClient is not None
