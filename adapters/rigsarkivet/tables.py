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
from contracts.decision import MeasureKind
from contracts.documents import DocumentKind
from contracts.legal import Act

__all__ = ["CODE_LISTS", "TABLES", "DeadlineFact", "code_rows", "event_types"]


class DeadlineFact(StrEnum):
    """What happened to a deadline (the contract's type, as a code)."""

    SET = "set"
    APPROACHING = "approaching"
    MET = "met"
    MISSED = "missed"
    WITHDRAWN = "withdrawn"


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
)

TABLES: Final[tuple[Table, ...]] = _DATA + tuple(
    _code(name, description) for name, (description, _) in CODE_LISTS.items()
)
"""Every table, in folder order: ``table1`` is ``cases``."""
