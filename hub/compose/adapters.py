"""The national-service adapters the settings ask for, as hub components.

Each adapter runs only when its settings are given (``CASEHUB_CPR``, ``CASEHUB_DIGITALPOST``,
``CASEHUB_ARCHIVE``, ``CASEHUB_STATISTICS``, ``CASEHUB_APPEALS``),
so a hub serves exactly the integrations a municipality has agreements for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from adapters.appeals import NAME as APPEALS
from adapters.appeals import AppealsClient, build_appeal_forwarder
from adapters.archive import NAME as ARCHIVE
from adapters.archive import (
    ArchiveClient,
    SqliteCaseParties,
    archive_http_client,
    build_archiver,
)
from adapters.cpr import CprClient, cpr_http_client
from adapters.cpr.wiring import NAME as CPR
from adapters.cpr.wiring import build_person_lookup
from adapters.digitalpost import DigitalPostClient
from adapters.digitalpost.sent import SentLetters
from adapters.digitalpost.wiring import NAME as DIGITALPOST
from adapters.digitalpost.wiring import build_letter_sender, poll_receipts
from adapters.statistics import NAME as STATISTICS
from adapters.statistics import SqliteMemory, StatisticsClient, build_statistics_reporter
from contracts.base import Contract
from contracts.envelope import Event
from hub.compose.settings import Settings
from hub.runtime.component import Component

__all__ = ["adapter_components"]

Publish = Callable[[Event[Contract]], Awaitable[str]]


def adapter_components(settings: Settings, publish: Publish) -> list[Component]:
    """Build the configured adapters; importing this module builds nothing."""
    components = []
    if settings.cpr is not None:
        http = cpr_http_client(settings.cpr)
        register = CprClient.connect(http, settings.cpr)
        handler = build_person_lookup(register, publish, source=f"{settings.source}:cpr")
        components.append(Component(CPR, handler, close=http.aclose))
    if settings.digitalpost is not None:
        config = settings.digitalpost
        post_http = config.http_client()
        post = DigitalPostClient(post_http)
        sent = SentLetters(settings.state_dir / "digitalpost.sqlite3")
        source = f"{settings.source}:digitalpost"

        async def close() -> None:
            await post_http.aclose()
            sent.close()

        async def receipts() -> None:
            await poll_receipts(post, sent, publish, source=source, every_s=config.receipt_poll_s)

        components.append(
            Component(
                DIGITALPOST,
                build_letter_sender(post, sent, publish, sender=config.sender, source=source),
                close=close,
                background=receipts,
            )
        )
    if settings.archive is not None:
        archive_http = archive_http_client(settings.archive)
        archive = ArchiveClient.connect(archive_http, settings.archive)
        parties = SqliteCaseParties(settings.state_dir / "archive.sqlite3")

        async def close_archive() -> None:
            await archive_http.aclose()
            parties.close()

        archiver = build_archiver(
            archive, publish, source=f"{settings.source}:archive", parties=parties
        )
        components.append(Component(ARCHIVE, archiver, close=close_archive))
    if settings.statistics is not None:
        dst_http = settings.statistics.http_client()
        memory = SqliteMemory(settings.state_dir / "statistics.sqlite3")

        async def close_statistics() -> None:
            await dst_http.aclose()
            memory.close()

        reporter = build_statistics_reporter(
            StatisticsClient(dst_http),
            publish,
            source=f"{settings.source}:statistics",
            memory=memory,
        )
        components.append(Component(STATISTICS, reporter, close=close_statistics))
    if settings.appeals is not None:
        anke_http = settings.appeals.http_client()
        forwarder = build_appeal_forwarder(
            AppealsClient(anke_http), publish, source=f"{settings.source}:appeals"
        )
        components.append(Component(APPEALS, forwarder, close=anke_http.aclose))
    return components
