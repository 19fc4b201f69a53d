"""Fixtures for the CPR adapter: a stand-in, settings for two municipalities, a client."""

import uuid

import httpx
import pytest

from adapters.cpr import CprClient, CprSettings, InvocationContext, SoapStandin

BASE_URL = "https://cpr.standin.invalid/"


def invocation_context():
    return InvocationContext(
        service_agreement_uuid=uuid.uuid4(), user_system_uuid=uuid.uuid4(), user_uuid=uuid.uuid4()
    )


@pytest.fixture
def cpr_settings():
    return CprSettings(
        base_url=BASE_URL,
        invocation_contexts={"751": invocation_context(), "461": invocation_context()},
        timeout_s=0.5,
    )


@pytest.fixture
def standin():
    return SoapStandin(delay_s=1.0)


@pytest.fixture
async def http(standin):
    async with httpx.AsyncClient(base_url=BASE_URL, transport=standin.transport()) as client:
        yield client


@pytest.fixture
def client(http, cpr_settings):
    return CprClient.connect(http, cpr_settings)


@pytest.fixture
def people(standin):
    return standin.population
