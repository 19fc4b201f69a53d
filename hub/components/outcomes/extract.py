"""The outcome extract: audited, read from the topics, pseudonymised, suppressed, written.

Each extract writes one ``AuditRecordedV2`` (action ``outcomes-extract``) to every included
municipality's audit topic *before* it reads a case, and waits for the broker: no extract
without its audit record. The record names the operator, the recipient, the period and the
extract's id, never a child. Then the cases' summaries are read: from the ``outcomes``
component's changelog (``state``; the default), or, as the fallback where the component
does not run, by folding the topics' whole history (``history``). Each scope's tables are
built (every municipality, and ``national`` for all of them together), small
cells are suppressed, with the cells that would give them back by subtraction from the
national row (``complementary``), and CSV, Parquet and the data dictionary are written.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaProducer

from contracts.binding import KafkaRecord, to_kafka
from contracts.envelope import new_event
from contracts.operations import AuditActionV2, AuditRecordedV2
from hub.components.outcomes.aggregates import Period, tables
from hub.components.outcomes.complementary import complementary
from hub.components.outcomes.files import write_dictionary, write_table
from hub.components.outcomes.history import read_history
from hub.components.outcomes.model import CaseKey, CaseOutcomes, OutcomeModel
from hub.components.outcomes.state import missing_state, read_summaries
from hub.components.outcomes.table import DEFAULT_THRESHOLD, Table, suppress
from hub.runtime.audit import operator_principal
from hub.runtime.crypto import DataKeys, KeyDirectory
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.pseudonym import pseudonymiser
from hub.runtime.state import GlobalTable
from routing.topics import AUDIT_DOMAIN, topic

__all__ = ["NATIONAL", "SOURCE", "ExtractReport", "ExtractRequest", "run_extract"]

_KEY_RECORD_BYTES = 1_048_588

NATIONAL = "national"
SOURCE = "urn:casehub:outcomes"


@dataclass(frozen=True)
class ExtractRequest:
    """What to extract, for whom, and who asks why."""

    municipalities: tuple[str, ...]
    period: Period
    recipient: str
    key: bytes = field(repr=False)
    out: Path
    operator: str
    reason: str
    threshold: int = DEFAULT_THRESHOLD
    state_group: str | None = None
    """The ``outcomes`` component's consumer group: read its summaries; None: fold the
    history (the fallback)."""
    key_dir: Path | None = None
    """The hub's key directory (``CASEHUB_ENCRYPTION``): opens sealed summaries."""
    key_group: str = "casehub.keys"
    """The hub's key table (``<group prefix>.keys``), with ``key_dir``."""


@dataclass(frozen=True)
class ExtractReport:
    """What was written."""

    extract_id: str
    files: list[Path]
    rows: dict[tuple[str, str], int]
    """(scope, table) → rows."""
    skipped: int
    """Records on the topics that were not valid events, or summaries in the state this
    version cannot read or open (not counted)."""
    shredded: int = 0
    """Sealed summaries whose data key was destroyed (not counted; also in ``skipped``)."""


async def run_extract(kafka: KafkaConnection, request: ExtractRequest) -> ExtractReport:
    """Audit, read, fold, build and write one extract.

    Raises:
        ValueError: the operator, recipient or reason cannot go into an audit record, the
            key is too short, or the component's state is missing for a municipality
            (before anything is read).

    """
    pseudonym = pseudonymiser(request.key)
    extract_id = str(uuid.uuid4())
    audits = [_audit(request, municipality, extract_id) for municipality in request.municipalities]
    if request.state_group is not None and (
        missing := await missing_state(kafka, request.state_group, request.municipalities)
    ):
        msg = (f"no outcomes state for {', '.join(missing)} in {request.state_group}: run the "
               "outcomes component (CASEHUB_OUTCOMES=true), or read the history")  # fmt: skip
        raise ValueError(msg)
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for municipality, record in zip(request.municipalities, audits, strict=True):
            await producer.send_and_wait(topic(AUDIT_DOMAIN, municipality), record.value,
                                         key=record.key, headers=list(record.headers))  # fmt: skip
    finally:
        await producer.stop()
    cases, skipped, shredded = await _cases(kafka, request)
    scopes = {m: {k: c for k, c in cases.items() if k[0] == m}
              for m in request.municipalities}  # fmt: skip
    scopes[NATIONAL] = dict(cases)
    built = {scope: tables(cases, request.period, pseudonym) for scope, cases in scopes.items()}
    files: list[Path] = []
    rows: dict[tuple[str, str], int] = {}
    written: list[Table] = []
    for scope, final in _suppressed(built, request.threshold):
        files += write_table(request.out / scope, final)
        rows[scope, final.name] = len(final.rows)
        written.append(final)
    files += write_dictionary(request.out, written)
    return ExtractReport(extract_id, files, rows, skipped, shredded)


def _suppressed(built: dict[str, list[Table]], threshold: int) -> Iterator[tuple[str, Table]]:
    """Every scope's tables, small rows blanked, and the rows that would give them back."""
    municipal = {scope: found for scope, found in built.items() if scope != NATIONAL}
    for at, national in enumerate(built[NATIONAL]):
        blank, blank_national = complementary(
            {scope: found[at] for scope, found in municipal.items()}, national, threshold
        )
        for scope, found in municipal.items():
            yield scope, suppress(found[at], threshold, also=blank[scope])
        yield NATIONAL, suppress(national, threshold, also=blank_national)


async def _cases(
    kafka: KafkaConnection, request: ExtractRequest
) -> tuple[dict[CaseKey, CaseOutcomes], int, int]:
    """The cases' summaries, how many could not be read, and how many were shredded."""
    async with _data_keys(kafka, request) as keys:
        if request.state_group is not None:
            summaries = await read_summaries(
                kafka, request.state_group, request.municipalities, keys=keys
            )
            return summaries.cases, summaries.skipped, summaries.shredded
        history = await read_history(kafka, request.municipalities, keys=keys)
    model = OutcomeModel()
    for event in sorted(history.events, key=lambda e: e.envelope.time):
        model.apply(event)
    return model.cases, history.skipped, 0


@contextlib.asynccontextmanager
async def _data_keys(
    kafka: KafkaConnection, request: ExtractRequest
) -> AsyncIterator[DataKeys | None]:
    """The hub's data keys with ``key_dir`` (its key table read whole); else None."""
    if request.key_dir is None:
        yield None
        return
    table = GlobalTable(
        kafka, request.key_group, request.municipalities, replication=1,
        max_record_bytes=_KEY_RECORD_BYTES, client_id="casehub-outcomes-keys",
    )  # fmt: skip
    await table.start()
    try:
        yield DataKeys(table, KeyDirectory(request.key_dir, rescan_s=0.0))
    finally:
        await table.close()


def _audit(request: ExtractRequest, municipality: str, extract_id: str) -> KafkaRecord:
    period = f"{request.period.start.isoformat()}..{request.period.end.isoformat()}"
    data = AuditRecordedV2(
        action=AuditActionV2.OUTCOMES_EXTRACT,
        principal=operator_principal(request.operator),
        subject_ref=f"outcomes-extract:{extract_id}",
        reason=f"{request.reason} (recipient {request.recipient}, period {period})",
        recorded_at=datetime.now(UTC),
    )
    event = new_event(data, source=SOURCE, municipality=municipality,
                      case_id=f"outcomes-extract-{extract_id}")  # fmt: skip
    return to_kafka(event)
