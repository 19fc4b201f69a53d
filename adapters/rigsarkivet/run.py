"""One build from the broker: the history of a municipality and period, the documents by port."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from adapters.documents.port import DocumentStore
from adapters.rigsarkivet.build import Built, build_version
from adapters.rigsarkivet.history import Progress
from adapters.rigsarkivet.indices import ArchiveDescription
from adapters.rigsarkivet.reader import RecordDecoder, decode_plain, read_history
from adapters.rigsarkivet.stored import StoredDocuments
from hub.runtime.kafka_access import KafkaConnection

__all__ = ["build_from_topics"]


async def build_from_topics(  # noqa: PLR0913, PLR0917 - the build's separate inputs
    kafka: KafkaConnection,
    municipality: str,
    about: ArchiveDescription,
    store: DocumentStore,
    out: Path,
    standard_schemas: Path,
    *,
    progress: Progress | None = None,
    today: dt.date | None = None,
    decode: RecordDecoder = decode_plain,
) -> Built:
    """Build ``about.avid`` from the cases opened in its period on ``municipality``'s topics.

    ``decode`` turns each record into its event (the seam for decrypting at the edge).

    Raises:
        BuildFailedError: bad items; nothing is left behind.
        DocumentStoreUnavailableError: the store did not answer; nothing is left, run again.

    """
    history = read_history(kafka, municipality, about.period_start, about.period_end, decode=decode)
    documents = StoredDocuments(store, municipality)
    return await build_version(
        history, documents, about, out, standard_schemas, progress=progress, today=today
    )
