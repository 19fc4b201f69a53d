"""The rows of the facts the sample history lacks: each branch, and a valid version of them."""

from __future__ import annotations

import datetime as dt

from adapters.rigsarkivet import SampleDocuments, build_version, sample_history
from adapters.rigsarkivet.rows import rows_of
from contracts.cpr import Cpr
from contracts.decision import PlanKind, PlanRevised
from contracts.envelope import new_event
from contracts.investigation import (
    InvestigationCompleted,
    InvestigationConclusion,
    ProvisionalAssessmentRecorded,
)
from contracts.letters import LetterFailed, LetterFailure, LetterPurpose, LetterRequested
from contracts.person import PersonResolved, RelatedPerson, Relation
from tests.adapters.rigsarkivet.avid import check_version, standard_schemas, table_rows
from tests.adapters.rigsarkivet.test_sample import ABOUT

AT = dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)
HOLDER = "6105801234"  # synthetic: day + 60
GRANDMOTHER = "6203551234"

FACTS = (
    PersonResolved(
        request_id="lookup-1",
        cpr=Cpr(HOLDER),
        full_name="Syntetisk Modtager",
        birth_date=dt.date(1980, 5, 1),
        address_protected=True,
        related=(
            RelatedPerson(cpr=Cpr(GRANDMOTHER), relation=Relation.CUSTODY_HOLDER, has_custody=True),
        ),
    ),
    ProvisionalAssessmentRecorded(
        investigation_id="inv-1",
        recorded_at=AT,
        expected_completion=dt.date(2025, 7, 1),
        assessment="Syntetisk foreløbig vurdering.",
    ),
    PlanRevised(
        plan_id="case-1-plan-1",
        kind=PlanKind.YOUTH_PLAN,
        revised_at=AT,
        goals=("Den unge har et job.",),
        reason="Syntetisk: opfølgning.",
    ),
    LetterRequested(
        letter_id="letter-v1",
        recipient_cpr=Cpr(HOLDER),
        purpose=LetterPurpose.HEARING,
        title="Partshøring",
        body="Syntetisk brev.",
    ),
    LetterFailed(
        letter_id="letter-v1",
        failed_at=AT,
        failure=LetterFailure.NO_MAILBOX_NO_PRINT,
        code="E-1",
    ),
)


async def test_the_other_facts_make_a_valid_version_with_their_rows(tmp_path):
    schemas = standard_schemas(tmp_path / "standard")
    documents = SampleDocuments()

    async def history():
        async for event in sample_history(documents, cases=1, pages=1):
            yield event
        for data in FACTS:
            yield new_event(data, source="urn:test", municipality="101", case_id="case-1")

    built = await build_version(history(), documents, ABOUT, tmp_path / "out", schemas)

    root = built.version.path
    assert check_version(root, schemas) == []
    parties = [p for p in table_rows(root, "parties") if p["cpr"] in {HOLDER, GRANDMOTHER}]
    assert [(p["role"], p["relation"], p["address_protected"], p["street"]) for p in parties] == [
        ("other", None, "true", None),  # not the case's child: looked up for a letter
        ("custody_holder", "custody_holder", None, None),
    ]
    investigation = table_rows(root, "investigations")[-1]
    assert (investigation["fact"], investigation["expected_completion"]) == (
        "provisional_assessment",
        "2025-07-01",
    )
    plan = table_rows(root, "plans")[-1]
    assert (plan["fact"], plan["kind"], plan["law"], plan["reason"]) == (
        "revised",
        "youth_plan",
        None,
        "Syntetisk: opfølgning.",
    )
    letter = table_rows(root, "letters")[-1]
    assert (letter["letter_id"], letter["kind"], letter["subject"]) == (
        "letter-v1",
        "ordinary",
        "Partshøring",
    )
    receipt = table_rows(root, "letter_receipts")[-1]
    assert (receipt["outcome"], receipt["failure"], receipt["channel"]) == (
        "failed",
        "no_mailbox_no_print",
        None,
    )


def test_a_completed_investigation_is_one_row_with_its_conclusion():
    # Only the fields the row reads; the ICS triangle is not archived as a table (docs).
    completed = InvestigationCompleted.model_construct(
        investigation_id="inv-1",
        completed_at=AT,
        conclusion=InvestigationConclusion.SUPPORTING_MEASURES,
        summary="Syntetisk samlet vurdering.",
    )
    [(table, row)] = list(rows_of(7, "case-1", completed, children=()))
    assert table == "investigations"
    assert row == (7, "inv-1", "case-1", "completed", AT, None, None, None, None, None, None,
                   "supporting_measures", "Syntetisk samlet vurdering.")  # fmt: skip
