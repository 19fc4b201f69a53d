"""``casehub archive sample`` and ``casehub archive build``: an archival version for Rigsarkivet.

``archive`` is free on the command line (the ESDH adapter, ``adapters/archive``, has no
commands), and it is the word archivists use. Both print one summary line and show a
progress bar of cases, documents and pages on stderr; a failed build prints each bad item.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hub.runtime.kafka_cli import kafka_options

if TYPE_CHECKING:  # the build's libraries load only when a command runs
    from adapters.rigsarkivet.build import Built
    from adapters.rigsarkivet.reader import RecordDecoder
    from hub.compose.settings import CoreSettings
    from hub.runtime.kafka_access import KafkaConnection

__all__ = ["archive"]

_SCHEMAS = click.option(
    "--standard-schemas",
    "schemas",
    required=True,
    envvar="CASEHUB_AVID_STANDARD_SCHEMAS",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder with Rigsarkivet's official XSDs (archiveIndex.xsd ... XMLSchema.xsd); "
    "copied into Schemas/standard/. The project ships no copies of them.",
)
_OUT = click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder the AVID folder is written into (never overwritten).",
)
_AVID = click.option(
    "--avid",
    default="AVID.SA.1.1",
    show_default=True,
    help="The version's folder name AVID.<ARK>.<serial>.<media>, as Rigsarkivet assigns it.",
)


@click.group()
def archive() -> None:
    """Rigsarkivet: the archival version (arkiveringsversion, BKG 128) of the case history."""


class _Bar:
    """A progress line of cases, documents and pages on stderr."""

    def __init__(self) -> None:
        self.last = (0, 0, 0)

    def __call__(self, cases: int, documents: int, pages: int) -> None:
        if (cases, documents, pages) != self.last and (
            documents != self.last[1] or cases % 50 == 0
        ):
            click.echo(f"\rcases {cases}  documents {documents}  pages {pages}", nl=False, err=True)
        self.last = (cases, documents, pages)


@archive.command()
@click.option("--cases", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--pages", type=click.IntRange(min=1), default=2, show_default=True,
              help="Pages per synthetic document.")  # fmt: skip
@_OUT
@_SCHEMAS
@_AVID
def sample(cases: int, pages: int, out: Path, schemas: Path, avid: str) -> None:
    """Build a version from a synthetic history (synthetic CPR numbers and PDFs); no broker."""
    from adapters.rigsarkivet.build import BuildFailedError, build_version  # noqa: PLC0415
    from adapters.rigsarkivet.indices import ArchiveDescription  # noqa: PLC0415
    from adapters.rigsarkivet.sample import SampleDocuments, sample_history  # noqa: PLC0415
    from hub.runtime.errors import PermanentError  # noqa: PLC0415

    start, end = dt.date(2024, 1, 1), dt.date(2025, 12, 31)
    about = ArchiveDescription(avid, "Eksempelkommune (syntetiske data)", start, end)
    documents = SampleDocuments()
    history = sample_history(documents, cases=cases, pages=pages, start=start, end=end)
    try:
        built = asyncio.run(build_version(history, documents, about, out, schemas, progress=_Bar()))
    except BuildFailedError as exc:
        _report(exc)
    except (PermanentError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    _summary(built)


def _report(exc: BaseException) -> None:
    bad = getattr(exc, "bad", ())
    click.echo("", err=True)
    for item in bad:
        click.echo(f"bad: {item}", err=True)
    click.echo(f"archival version not built: {len(bad)} bad item(s)", err=True)
    sys.exit(1)


def _summary(built: Built) -> None:
    version = built.version
    click.echo("", err=True)
    click.echo(
        f"{version.path}  cases={built.cases} documents={built.documents} pages={built.pages} "
        f"files={version.files} bytes={version.size_bytes} fileIndex.md5={version.file_index_md5}"
    )


@archive.command()
@click.option("--municipality", required=True, help="The kommunekode whose cases to archive.")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="First day: cases opened on or after it.")  # fmt: skip
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Last day: cases opened on or before it.")  # fmt: skip
@click.option("--creator", required=True, help="The archive creator (arkivskaber), e.g. the "
              "municipality's name.")  # fmt: skip
@_OUT
@_SCHEMAS
@_AVID
@kafka_options
def build(  # noqa: PLR0913, PLR0917 - one option each
    kafka: KafkaConnection,
    municipality: str,
    start: dt.datetime,
    end: dt.datetime,
    creator: str,
    out: Path,
    schemas: Path,
    avid: str,
) -> None:
    """Build a version from the hub's topics and its document store (CASEHUB_* settings)."""
    sys.exit(
        asyncio.run(
            _build(kafka, municipality, start.date(), end.date(), creator, out, schemas, avid)
        )
    )


@contextlib.asynccontextmanager
async def _decoder(settings: CoreSettings) -> AsyncIterator[RecordDecoder]:
    """The hub's decoder: with ``CASEHUB_ENCRYPTION`` set, one that opens sealed fields."""
    from adapters.rigsarkivet.reader import decode_plain, opening  # noqa: PLC0415
    from hub.compose.app import global_table  # noqa: PLC0415
    from hub.runtime.crypto import KEY_TABLE, DataKeys, KeyDirectory  # noqa: PLC0415

    if settings.encryption is None:
        yield decode_plain
        return
    provider = KeyDirectory(settings.encryption.key_dir, rescan_s=settings.encryption.rescan_s)
    provider.check(tuple(settings.municipalities))  # a bad key file: one line
    table = global_table(settings, KEY_TABLE)
    await table.start()
    try:
        yield opening(DataKeys(table, provider))
    finally:
        await table.close()


async def _build(  # noqa: PLR0913, PLR0917 - the command's options
    kafka: KafkaConnection,
    municipality: str,
    start: dt.date,
    end: dt.date,
    creator: str,
    out: Path,
    schemas: Path,
    avid: str,
) -> int:
    # The hub's settings, imported here: they are derived from the registry, which imports
    # this package.
    from adapters.documents.factory import open_document_store  # noqa: PLC0415
    from adapters.documents.settings import DocumentStoreSettings  # noqa: PLC0415
    from adapters.rigsarkivet.build import BuildFailedError  # noqa: PLC0415
    from adapters.rigsarkivet.indices import ArchiveDescription  # noqa: PLC0415
    from adapters.rigsarkivet.run import build_from_topics  # noqa: PLC0415
    from hub.compose.settings import Settings  # noqa: PLC0415
    from hub.runtime.errors import HubError  # noqa: PLC0415

    settings = Settings()
    documents = getattr(settings, "documents", None) or DocumentStoreSettings()
    about = ArchiveDescription(avid, creator, start, end)
    try:
        async with (
            _decoder(settings) as decode,
            open_document_store(
                documents, state_dir=settings.state_dir, municipalities=settings.municipalities
            ) as store,
        ):
            built = await build_from_topics(
                kafka, municipality, about, store, out, schemas,
                progress=_Bar(), decode=decode,
            )  # fmt: skip
    except BuildFailedError as exc:
        _report(exc)
        return 1
    except (HubError, ValueError, OSError) as exc:
        click.echo(f"archival version not built: {exc}", err=True)
        return 1
    _summary(built)
    return 0
