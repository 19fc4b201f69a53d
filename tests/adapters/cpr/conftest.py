"""Fixtures for the CPR adapter: a stand-in, settings for two municipalities, a client."""

import pytest

from adapters.cpr import CprClient, CprSettings, CprStandin
from tests.adapters.cpr.helpers import BASE_URL, invocation_context


@pytest.fixture
def cpr_settings():
    return CprSettings(
        base_url=BASE_URL,
        invocation_contexts={"751": invocation_context(), "461": invocation_context()},
        timeout_s=0.5,
    )


@pytest.fixture
def standin():
    return CprStandin(delay_s=1.0)


@pytest.fixture
def standin_url():
    return BASE_URL


@pytest.fixture
def client(http, cpr_settings):
    return CprClient.connect(http, cpr_settings)


@pytest.fixture
def people(standin):
    return standin.population
