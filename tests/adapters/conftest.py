"""Fixtures for the adapters' tests: an HTTP client that the adapter's wire stand-in answers."""

import httpx
import pytest


@pytest.fixture
async def http(standin, standin_url):
    async with httpx.AsyncClient(base_url=standin_url, transport=standin.transport()) as client:
        yield client
