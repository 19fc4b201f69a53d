"""The sending hub's memory of a case: journal notes kept one per entry, read back in order."""

import datetime as dt
import json

from adapters.handover.manifest import IcsAssessment
from adapters.handover.memory import CaseMemory
from contracts.deadlines import DeadlineSetV2, DeadlineWithdrawnV2
from contracts.decision import PlanCreated, PlanKind, PlanRevised
from contracts.documents import JournalNoteAdded
from contracts.investigation import InvestigationCompleted, InvestigationConclusion
from hub.runtime.state import Store, Task, in_task
from tests.adapters.handover.cases import reference
from tests.adapters.handover.filed import filed
from tests.state import owned_table

TASK = Task("101", 0)
LONG = "Synthetic note. " * 3_000  # 48,000 characters, near a note's limit


def note(n: int, *, hour: int) -> JournalNoteAdded:
    return JournalNoteAdded.model_validate_json(
        json.dumps(
            {
                "note_id": f"n-{n}",
                "written_at": f"2026-05-01T{hour:02d}:00:00+00:00",
                "author_id": "cw-1",
                "text": LONG,
            }
        )
    )


async def test_each_note_is_its_own_entry_so_no_row_grows_with_the_journal():
    table = await owned_table(tasks=[TASK])
    store = Store(table, "cases")
    memory = CaseMemory(store)
    with in_task(TASK):
        for n, hour in enumerate([12, 9, 10, 11, 8, 13, 14, 15, 16, 17]):
            memory.remember("C-1", note(n, hour=hour))
        memory.remember("C-1", note(3, hour=11))  # redelivered: the same entry
        rows = dict(store.items())
        seen = memory.case("C-1")
    # ten notes of ~48,000 characters: one row would be ~480 kB, each entry stays one note
    assert max(len(raw) for raw in rows.values()) < 60_000
    assert len(rows) == 10
    assert [n.note_id for n in seen.journal] == [
        "n-4", "n-1", "n-2", "n-3", "n-0", "n-5", "n-6", "n-7", "n-8", "n-9"
    ]  # fmt: skip
    assert seen.journal[0].written_at == dt.datetime(2026, 5, 1, 8, tzinfo=dt.UTC)


def deadline(contract, deadline_id: str, rule_id: str, **more: str):
    return contract.model_validate_json(
        json.dumps(
            {
                "deadline_id": deadline_id,
                "rule_id": rule_id,
                "trigger_event_id": "e-1",
                "due_at": "2026-09-01T10:00:00+00:00",
                "escalate_at": "2026-08-25T10:00:00+00:00",
                "legal_basis": {"law": "BL", "paragraph": "132"},
                **more,
            }
        )
    )


async def test_the_handovers_own_deadlines_and_withdrawn_ones_are_not_packed():
    table = await owned_table(tasks=[TASK])
    memory = CaseMemory(Store(table, "cases"))
    with in_task(TASK):
        memory.remember("C-1", deadline(DeadlineSetV2, "d-1", "notification-receipt"))
        memory.remember("C-1", deadline(DeadlineSetV2, "d-2", "handover-receipt"))
        memory.remember("C-1", deadline(DeadlineSetV2, "d-3", "follow-up-first"))
        gone = {
            "withdrawn_at": "2026-08-01T10:00:00+00:00",
            "reason": "handed_over",
            "withdrawn_by_event_id": "e-2",
        }
        memory.remember("C-1", deadline(DeadlineWithdrawnV2, "d-3", "follow-up-first", **gone))
        seen = memory.case("C-1")
    assert [d.deadline_id for d in seen.deadlines] == ["d-1"]


async def test_filed_documents_are_kept_by_reference_each_its_own_entry():
    table = await owned_table(tasks=[TASK])
    store = Store(table, "cases")
    memory = CaseMemory(store)
    first, second = (
        reference(b"first"),
        reference(b"second").model_copy(
            update={"document_id": "0b6f3c2a-1d4e-4f5a-8b9c-7d6e5f4a3b2c"}
        ),
    )
    with in_task(TASK):
        memory.remember("C-1", filed(first, "doc-a"))
        memory.remember("C-1", filed(second, "doc-b"))
        memory.remember("C-1", filed(second, "doc-b"))  # redelivered: the same entry
        memory.remember("C-1", filed(None, "doc-c"))  # no bytes named: nothing to pack
        memory.remember("C-2", filed(first, "doc-a"))
        keys = sorted(key for key, _ in store.items(prefix="C-1"))
        seen = memory.case("C-1")
    assert seen.documents == (first, second)
    assert keys == ["C-1/document/doc-a", "C-1/document/doc-b"]  # no file name in a key


AT = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)


def plan(made: dt.datetime, *, revised: bool):
    # Only the fields the memory reads (goals are the plan's document's, not the package's).
    if revised:
        return PlanRevised.model_construct(plan_id="p-1", kind=PlanKind.CHILD_PLAN, revised_at=made)
    return PlanCreated.model_construct(plan_id="p-1", kind=PlanKind.CHILD_PLAN, created_at=made)


def assessment(completed: dt.datetime, summary: str):
    return InvestigationCompleted.model_construct(
        investigation_id="inv-1",
        completed_at=completed,
        conclusion=InvestigationConclusion.SUPPORTING_MEASURES,
        summary=summary,
    )


async def test_plans_and_the_latest_ics_assessment_are_kept_whatever_order_they_arrive_in():
    table = await owned_table(tasks=[TASK])
    memory = CaseMemory(Store(table, "cases"))
    later = AT + dt.timedelta(days=90)
    with in_task(TASK):
        memory.remember("C-1", plan(later, revised=True))
        memory.remember("C-1", plan(AT, revised=False))  # the creation, read after its revision
        memory.remember("C-1", assessment(later, "Syntetisk vurdering, anden."))
        memory.remember("C-1", assessment(AT, "Syntetisk vurdering, første."))
        memory.remember("C-1", assessment(AT, "x" * 20_000))  # an earlier one, read late
        seen = memory.case("C-1")
    assert [(p.plan_id, p.kind, p.made_at) for p in seen.plans] == [
        ("p-1", PlanKind.CHILD_PLAN, later)
    ]
    assert seen.ics is not None
    assert seen.ics.assessed_at == later
    assert seen.ics.conclusion == "supporting_measures: Syntetisk vurdering, anden."


async def test_a_long_assessment_is_cut_to_what_the_package_holds():
    table = await owned_table(tasks=[TASK])
    memory = CaseMemory(Store(table, "cases"))
    with in_task(TASK):
        memory.remember("C-1", assessment(AT, "y" * 20_000))
        seen = memory.case("C-1")
    assert seen.ics is not None
    assert len(seen.ics.conclusion) == 10_000
    assert seen.ics.conclusion.endswith("…")
    IcsAssessment.model_validate(seen.ics.model_dump())  # still a valid package record
