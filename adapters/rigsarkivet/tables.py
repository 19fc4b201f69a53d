"""The tables of the archival version: the case history as an archivist and a researcher read it.

Every table has a primary key; every foreign key names the whole key of one table; every
column that holds codes refers to a code list, which is a table of its own (code and its
meaning), so the version can be read without the case system.

=======================  ===================================================================
table                    one row per
=======================  ===================================================================
``cases``                case (one DUBU sub-process; a child's cases together are the main
                         process), with the child, the KLE number and when it was opened
``children``             child a case is about, with the CPR number
``case_closures``        closed case: when and why
``journal``              event of the case's history, in the order it was read (the journal)
``decisions``            measure decided, its legal basis in both numberings (BL and SEL)
``documents``            filed document; ``document_no`` is its ``dID`` in ``docIndex.xml``
``deadlines``            deadline fact: set, approaching, met, missed or withdrawn
``parties``              person of a CPR answer for a case: the child, a parent, a custody
                         holder; the address only when it is not protected
``investigations``       investigation fact: started, child heard, provisional assessment,
                         completed (BL § 20)
``plans``                child's plan or youth plan made or revised (BL §§ 91, 108)
``plan_goals``           goal of a plan as made or revised
``letters``              letter requested (Digital Post, text or document form)
``letter_recipients``    recipient of a letter
``letter_receipts``      Digital Post's answer to a letter: delivered (MeMo message UUID) or
                         failed
``code_*``               code of one code list and what it means
=======================  ===================================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Final

from adapters.rigsarkivet.schema import Column, ForeignKey, Table
from contracts.case import CaseClosure, SubProcess
from contracts.catalogue import CATALOGUE
from contracts.decision import MeasureKind, PlanKind
from contracts.documents import DocumentKind
from contracts.investigation import HearingForm, InvestigationConclusion
from contracts.legal import Act
from contracts.letters import DeliveryChannel, LetterFailure, LetterKind, LetterPurpose
from contracts.person import Relation

__all__ = [
    "CODE_LISTS",
    "TABLES",
    "DeadlineFact",
    "InvestigationFact",
    "PartyRole",
    "PlanFact",
    "ReceiptOutcome",
    "code_rows",
    "event_types",
]


class DeadlineFact(StrEnum):
    """What happened to a deadline (the contract's type, as a code)."""

    SET = "set"
    APPROACHING = "approaching"
    MET = "met"
    MISSED = "missed"
    WITHDRAWN = "withdrawn"


class PartyRole(StrEnum):
    """The part a person plays in a child's case (BL: the child, its parents, custody holders)."""

    CHILD = "child"
    PARENT = "parent"
    CUSTODY_HOLDER = "custody_holder"
    OTHER = "other"  # looked up for the case (a letter's recipient), no relation in the answer


class InvestigationFact(StrEnum):
    """What happened in a child-welfare investigation (the contract's type, as a code)."""

    STARTED = "started"
    CHILD_HEARD = "child_heard"
    PROVISIONAL_ASSESSMENT = "provisional_assessment"
    COMPLETED = "completed"


class PlanFact(StrEnum):
    """What happened to a plan."""

    CREATED = "created"
    REVISED = "revised"


class ReceiptOutcome(StrEnum):
    """Digital Post's answer to a letter."""

    DELIVERED = "delivered"
    FAILED = "failed"


_ROLE: Final = {
    PartyRole.CHILD: "Barnet sagen handler om",
    PartyRole.PARENT: "Forælder (mor, far eller medmor)",
    PartyRole.CUSTODY_HOLDER: "Indehaver af forældremyndighed, der ikke er forælder",
    PartyRole.OTHER: "Anden person slået op til sagen (fx en modtager af et brev)",
}
_PLAN_KIND: Final = {
    PlanKind.CHILD_PLAN: "Barnets plan (BL § 91, SEL § 140)",
    PlanKind.YOUTH_PLAN: "Ungeplan (BL § 108)",
}
_SUB_PROCESS: Final = {
    SubProcess.CLARIFICATION: "Afklaring",
    SubProcess.INVESTIGATION: "Børnefaglig undersøgelse (BL § 20)",
    SubProcess.VISITATION: "Visitation: indsats og handleplan",
    SubProcess.MEASURES_AND_FOLLOW_UP: "Indsats og opfølgning",
}
_LAW: Final = {
    Act.SEL: "Serviceloven (sager fra før 1. januar 2024)",
    Act.BL: "Barnets Lov (fra 1. januar 2024)",
    Act.RSL: "Retssikkerhedsloven",
    Act.DATABEK: "Bekendtgørelse om dataindberetninger på socialområdet",
}


def event_types() -> tuple[str, ...]:
    """Every event type the hub knows (each version's type once), in the catalogue's order."""
    return tuple(dict.fromkeys(event_type for event_type, _ in CATALOGUE))


def _code(name: str, description: str) -> Table:
    return Table(
        name=name,
        description=description,
        columns=(
            Column("code", "VARCHAR(64)", "The code as the columns that refer to it hold it."),
            Column("meaning", "VARCHAR(500)", "What the code means."),
        ),
        primary_key=("code",),
    )


CODE_LISTS: Final[dict[str, tuple[str, dict[str, str]]]] = {
    "code_sub_process": (
        "Code list: the DUBU sub-process a case handles.",
        {code.value: _SUB_PROCESS[code] for code in SubProcess},
    ),
    "code_closure": (
        "Code list: why a case was closed.",
        {code.value: code.value.replace("_", " ") for code in CaseClosure},
    ),
    "code_measure_kind": (
        "Code list: the measure decided (BL § 32 stk. 1 nr. 1-8, placements §§ 46, 47, 49).",
        {code.value: code.value.replace("_", " ") for code in MeasureKind},
    ),
    "code_document_kind": (
        "Code list: what a filed document is.",
        {code.value: code.value.replace("_", " ") for code in DocumentKind},
    ),
    "code_deadline_fact": (
        "Code list: what happened to a deadline.",
        {code.value: code.value for code in DeadlineFact},
    ),
    "code_party_role": (
        "Code list: the part a person plays in the case.",
        {code.value: _ROLE[code] for code in PartyRole},
    ),
    "code_relation": (
        "Code list: how a related person relates to the child (the CPR register's answer).",
        {code.value: code.value.replace("_", " ") for code in Relation},
    ),
    "code_investigation_fact": (
        "Code list: what happened in an investigation.",
        {code.value: code.value.replace("_", " ") for code in InvestigationFact},
    ),
    "code_hearing_form": (
        "Code list: how the child's view was obtained (BL § 5).",
        {code.value: code.value for code in HearingForm},
    ),
    "code_conclusion": (
        "Code list: what an investigation concluded about the need for support.",
        {code.value: code.value.replace("_", " ") for code in InvestigationConclusion},
    ),
    "code_plan_fact": (
        "Code list: what happened to a plan.",
        {code.value: code.value for code in PlanFact},
    ),
    "code_plan_kind": (
        "Code list: the kind of plan.",
        {code.value: _PLAN_KIND[code] for code in PlanKind},
    ),
    "code_letter_purpose": (
        "Code list: why a letter was sent.",
        {code.value: code.value for code in LetterPurpose},
    ),
    "code_letter_kind": (
        "Code list: the kind of Digital Post message (MeMo 1.2).",
        {code.value: code.value.replace("_", " ") for code in LetterKind},
    ),
    "code_receipt_outcome": (
        "Code list: Digital Post's answer to a letter.",
        {code.value: code.value for code in ReceiptOutcome},
    ),
    "code_delivery_channel": (
        "Code list: where a letter was delivered.",
        {code.value: code.value.replace("_", " ") for code in DeliveryChannel},
    ),
    "code_letter_failure": (
        "Code list: why a letter could not be delivered.",
        {code.value: code.value.replace("_", " ") for code in LetterFailure},
    ),
    "code_law": (
        "Code list: the act or order a legal basis cites.",
        {code.value: _LAW[code] for code in Act},
    ),
    "code_event_type": (
        "Code list: the event types of the case journal (CloudEvents type names).",
        {name: name.removeprefix("dk.casehub.") for name in event_types()},
    ),
}
"""Each code list: its table's description and its codes with their meaning."""


def code_rows(name: str) -> Iterator[tuple[str, str]]:
    """The rows of one code list."""
    yield from CODE_LISTS[name][1].items()


def _case(column: str = "case_id") -> Column:
    return Column(column, "VARCHAR(64)", "The hub's case id.", functional=("Sagsidentifikation",))


def _event_no() -> Column:
    return Column("event_no", "INTEGER", "The event's number in the journal.")


_TO_CASE: Final = ForeignKey(("case_id",), "cases")
_TO_JOURNAL: Final = ForeignKey(("event_no",), "journal")

_DATA: Final = (
    Table(
        "cases",
        "One row per case: a DUBU sub-process about one child.",
        (
            _case(),
            Column(
                "municipality",
                "CHAR(3)",
                "The municipality's kommunekode.",
                functional=("Myndighedsidentifikation",),
            ),
            Column("child_no", "INTEGER", "The child the case is about (children.child_no)."),
            Column("sub_process", "VARCHAR(64)", "The sub-process (code_sub_process)."),
            Column("kle", "VARCHAR(16)", "The case's KLE number, e.g. 27.24.00."),
            Column("opened_at", "TIMESTAMP", "When the case was opened."),
            Column("cause_id", "VARCHAR(64)", "The notification that led to it.", nullable=True),
        ),
        ("case_id",),
        (
            ForeignKey(("child_no",), "children"),
            ForeignKey(("sub_process",), "code_sub_process"),
        ),
    ),
    Table(
        "children",
        "One row per child a case is about.",
        (
            Column("child_no", "INTEGER", "The child's number in this version."),
            Column("cpr", "CHAR(10)", "The child's CPR number."),
        ),
        ("child_no",),
    ),
    Table(
        "case_closures",
        "One row per closed case.",
        (
            _case(),
            Column("closed_at", "TIMESTAMP", "When the case was closed."),
            Column("closure", "VARCHAR(64)", "Why (code_closure)."),
            Column("note", "VARCHAR(20000)", "The case worker's closing note.", nullable=True),
        ),
        ("case_id",),
        (_TO_CASE, ForeignKey(("closure",), "code_closure")),
    ),
    Table(
        "journal",
        "The case journal: one row per event of a case, in the order read.",
        (
            _event_no(),
            Column("event_id", "VARCHAR(256)", "The event's CloudEvents id."),
            _case(),
            Column("event_type", "VARCHAR(128)", "What happened (code_event_type)."),
            Column("contract_version", "INTEGER", "The version of the event's contract."),
            Column("occurred_at", "TIMESTAMP", "When it happened."),
            Column("source", "VARCHAR(256)", "Which system reported it (CloudEvents source)."),
        ),
        ("event_no",),
        (_TO_CASE, ForeignKey(("event_type",), "code_event_type")),
    ),
    Table(
        "decisions",
        "One row per measure decided, with its legal basis in both numberings.",
        (
            _event_no(),
            Column("decision_id", "VARCHAR(64)", "The decision's id."),
            _case(),
            Column("measure_id", "VARCHAR(64)", "The measure's id."),
            Column("decided_at", "TIMESTAMP", "When it was decided."),
            Column("measure_kind", "VARCHAR(64)", "The measure (code_measure_kind)."),
            Column("law", "VARCHAR(16)", "The act the basis cites (code_law)."),
            Column("legal_basis", "VARCHAR(64)", "The basis, e.g. BL §32 stk. 1 nr. 3."),
            Column("sel_basis", "VARCHAR(64)", "The Serviceloven equivalent.", nullable=True),
            Column("period_start", "DATE", "First day of the measure."),
            Column("period_end", "DATE", "Last day; NULL when open-ended.", nullable=True),
            Column("consent", "BOOLEAN", "The custody holders (and a child of 15+) consented."),
            Column("reasoning", "VARCHAR(50000)", "The decision's reasoning."),
        ),
        ("event_no",),
        (
            _TO_JOURNAL,
            _TO_CASE,
            ForeignKey(("measure_kind",), "code_measure_kind"),
            ForeignKey(("law",), "code_law"),
        ),
    ),
    Table(
        "documents",
        "One row per filed document; its pages are Documents/docCollectionN/<document_no>/.",
        (
            Column(
                "document_no",
                "INTEGER",
                "The document's dID in docIndex.xml.",
                functional=("Dokumentidentifikation",),
            ),
            _event_no(),
            _case(),
            Column("document_id", "VARCHAR(64)", "The hub's id of the document."),
            Column("esdh_case_number", "VARCHAR(64)", "The ESDH case it was filed in."),
            Column("kind", "VARCHAR(64)", "What it is (code_document_kind)."),
            Column("title", "VARCHAR(500)", "Its title.", functional=("Dokumenttitel",)),
            Column("filed_at", "TIMESTAMP", "When it was filed.", functional=("Dokumentdato",)),
            Column("sha256", "CHAR(64)", "SHA-256 of the original file, hex."),
            Column("pages", "INTEGER", "Its number of pages (TIFF files)."),
        ),
        ("document_no",),
        (_TO_JOURNAL, _TO_CASE, ForeignKey(("kind",), "code_document_kind")),
    ),
    Table(
        "deadlines",
        "One row per deadline fact: set, approaching, met, missed or withdrawn.",
        (
            _event_no(),
            Column("deadline_id", "VARCHAR(64)", "The deadline's id."),
            _case(),
            Column("fact", "VARCHAR(16)", "What happened (code_deadline_fact)."),
            Column("rule_id", "VARCHAR(64)", "The rule that set it."),
            Column("due_at", "TIMESTAMP", "When it is due."),
            Column("law", "VARCHAR(16)", "The act it rests on (code_law)."),
            Column("legal_basis", "VARCHAR(64)", "The basis, e.g. BL §20 stk. 3."),
        ),
        ("event_no",),
        (
            _TO_JOURNAL,
            _TO_CASE,
            ForeignKey(("fact",), "code_deadline_fact"),
            ForeignKey(("law",), "code_law"),
        ),
    ),
    Table(
        "parties",
        "One row per person in a CPR answer for a case: the person looked up (the child, or "
        "e.g. a letter's recipient) and the child's parents and custody holders. The address "
        "is the one registered then, and only when the person has no address protection.",
        (
            _event_no(),
            Column(
                "party_no",
                "INTEGER",
                "The person's place in the answer: 1 the person looked up, then the related.",
            ),
            _case(),
            Column("role", "VARCHAR(16)", "The part the person plays (code_party_role)."),
            Column(
                "relation",
                "VARCHAR(16)",
                "How they relate to the child (code_relation); NULL for the person looked up.",
                nullable=True,
            ),
            Column(
                "has_custody",
                "BOOLEAN",
                "They hold custody; NULL for the person looked up (not in the answer).",
                nullable=True,
            ),
            Column("cpr", "CHAR(10)", "The person's CPR number."),
            Column(
                "full_name",
                "VARCHAR(300)",
                "Name as registered; NULL for a related person (not in the answer).",
                nullable=True,
            ),
            Column(
                "address_protected",
                "BOOLEAN",
                "The person has address protection; NULL for a related person.",
                nullable=True,
            ),
            Column("street", "VARCHAR(200)", "Street and number; NULL if none.", nullable=True),
            Column("postal_code", "CHAR(4)", "Postal code; NULL if none.", nullable=True),
            Column("city", "VARCHAR(100)", "Postal district; NULL if none.", nullable=True),
            Column(
                "residence_municipality",
                "CHAR(3)",
                "Kommunekode of residence; NULL if no address.",
                nullable=True,
            ),
        ),
        ("event_no", "party_no"),
        (
            _TO_JOURNAL,
            _TO_CASE,
            ForeignKey(("role",), "code_party_role"),
            ForeignKey(("relation",), "code_relation"),
        ),
    ),
    Table(
        "investigations",
        "One row per investigation fact (BL § 20): started, child heard, provisional "
        "assessment, completed.",
        (
            _event_no(),
            Column(
                "investigation_id",
                "VARCHAR(64)",
                "The investigation's id; NULL for a hearing (its event names none).",
                nullable=True,
            ),
            _case(),
            Column("fact", "VARCHAR(32)", "What happened (code_investigation_fact)."),
            Column("at", "TIMESTAMP", "When."),
            Column("law", "VARCHAR(16)", "Started: the act (code_law).", nullable=True),
            Column("legal_basis", "VARCHAR(64)", "Started: BL § 20 or SEL § 50.", nullable=True),
            Column("aware_since", "DATE", "Started: when the authority knew.", nullable=True),
            Column(
                "hearing_form",
                "VARCHAR(16)",
                "Child heard: how (code_hearing_form).",
                nullable=True,
            ),
            Column(
                "support_person_present",
                "BOOLEAN",
                "Child heard: a support person was present.",
                nullable=True,
            ),
            Column(
                "expected_completion",
                "DATE",
                "Provisional assessment: expected end.",
                nullable=True,
            ),
            Column(
                "conclusion",
                "VARCHAR(32)",
                "Completed: the conclusion (code_conclusion).",
                nullable=True,
            ),
            Column(
                "text",
                "VARCHAR(20000)",
                "The reason (started), summary (heard, completed) or assessment.",
                nullable=True,
            ),
        ),
        ("event_no",),
        (
            _TO_JOURNAL,
            _TO_CASE,
            ForeignKey(("fact",), "code_investigation_fact"),
            ForeignKey(("law",), "code_law"),
            ForeignKey(("hearing_form",), "code_hearing_form"),
            ForeignKey(("conclusion",), "code_conclusion"),
        ),
    ),
    Table(
        "plans",
        "One row per plan made or revised: the child's plan (BL § 91) or youth plan (§ 108).",
        (
            _event_no(),
            Column("plan_id", "VARCHAR(64)", "The plan's id."),
            _case(),
            Column("fact", "VARCHAR(16)", "Made or revised (code_plan_fact)."),
            Column("kind", "VARCHAR(16)", "The kind of plan (code_plan_kind)."),
            Column("at", "TIMESTAMP", "When it was made or revised."),
            Column("law", "VARCHAR(16)", "Made: the act (code_law).", nullable=True),
            Column("legal_basis", "VARCHAR(64)", "Made: e.g. BL §91.", nullable=True),
            Column("reason", "VARCHAR(20000)", "Revised: why.", nullable=True),
        ),
        ("event_no",),
        (
            _TO_JOURNAL,
            _TO_CASE,
            ForeignKey(("fact",), "code_plan_fact"),
            ForeignKey(("kind",), "code_plan_kind"),
            ForeignKey(("law",), "code_law"),
        ),
    ),
    Table(
        "plan_goals",
        "One row per goal of a plan as made or revised (plans.event_no).",
        (
            _event_no(),
            Column("goal_no", "INTEGER", "The goal's place in the plan, from 1."),
            Column("goal", "VARCHAR(2000)", "The goal in words."),
        ),
        ("event_no", "goal_no"),
        (ForeignKey(("event_no",), "plans"),),
    ),
    Table(
        "letters",
        "One row per letter requested (Digital Post); its receipts share its letter_id.",
        (
            _event_no(),
            Column("letter_id", "VARCHAR(64)", "The letter's id."),
            _case(),
            Column("purpose", "VARCHAR(16)", "Why it was sent (code_letter_purpose)."),
            Column("kind", "VARCHAR(32)", "The kind of message (code_letter_kind)."),
            Column("decision_id", "VARCHAR(64)", "The decision it carries.", nullable=True),
            Column(
                "subject", "VARCHAR(200)", "Its subject or title.", functional=("Dokumenttitel",)
            ),
            Column("body", "VARCHAR(100000)", "Text form: its text.", nullable=True),
            Column(
                "main_document_sha256",
                "CHAR(64)",
                "Document form: SHA-256 of the letter's document (also in documents when filed).",
                nullable=True,
            ),
            Column("attachments", "INTEGER", "Document form: how many attachments."),
            Column("print_fallback", "BOOLEAN", "Printed and posted without a digital mailbox."),
        ),
        ("event_no",),
        (
            _TO_JOURNAL,
            _TO_CASE,
            ForeignKey(("purpose",), "code_letter_purpose"),
            ForeignKey(("kind",), "code_letter_kind"),
        ),
    ),
    Table(
        "letter_recipients",
        "One row per recipient of a letter (letters.event_no).",
        (
            _event_no(),
            Column("recipient_no", "INTEGER", "The recipient's place, from 1."),
            Column(
                "cpr", "CHAR(10)", "The recipient's CPR number.", functional=("Afsender_modtager",)
            ),
        ),
        ("event_no", "recipient_no"),
        (ForeignKey(("event_no",), "letters"),),
    ),
    Table(
        "letter_receipts",
        "One row per answer of Digital Post to a letter (letters.letter_id): delivered, "
        "with its MeMo message UUID, or failed, with why.",
        (
            _event_no(),
            Column("letter_id", "VARCHAR(64)", "The letter (letters.letter_id)."),
            _case(),
            Column("outcome", "VARCHAR(16)", "Delivered or failed (code_receipt_outcome)."),
            Column("at", "TIMESTAMP", "When delivery was confirmed or given up."),
            Column(
                "channel", "VARCHAR(16)", "Delivered: where (code_delivery_channel).", nullable=True
            ),
            Column("message_uuid", "CHAR(36)", "Delivered: the MeMo message UUID.", nullable=True),
            Column("failure", "VARCHAR(32)", "Failed: why (code_letter_failure).", nullable=True),
            Column("error_code", "VARCHAR(64)", "Failed: Digital Post's code.", nullable=True),
        ),
        ("event_no",),
        (
            _TO_JOURNAL,
            _TO_CASE,
            ForeignKey(("outcome",), "code_receipt_outcome"),
            ForeignKey(("channel",), "code_delivery_channel"),
            ForeignKey(("failure",), "code_letter_failure"),
        ),
    ),
)

TABLES: Final[tuple[Table, ...]] = _DATA + tuple(
    _code(name, description) for name, (description, _) in CODE_LISTS.items()
)
"""Every table, in folder order: ``table1`` is ``cases``."""
