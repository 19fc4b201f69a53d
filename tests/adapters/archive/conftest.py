"""Fixtures for the archive adapter: a wire stand-in, settings for two municipalities, a client."""

import pytest

from adapters.archive import ArchiveClient, ArchiveSettings, ArchiveStandin
from tests.adapters.archive.helpers import BASE_URL, agreement


@pytest.fixture
def archive_settings():
    return ArchiveSettings(
        base_url=BASE_URL, agreements={"751": agreement(), "461": agreement()}, timeout_s=0.5
    )


@pytest.fixture
def standin():
    return ArchiveStandin(delay_s=1.0)


@pytest.fixture
def standin_url():
    return BASE_URL


@pytest.fixture
def client(http, archive_settings):
    return ArchiveClient.connect(http, archive_settings)
