"""A sample version is valid against the official XSDs and the rules; bad input fails it whole."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from adapters.rigsarkivet import (
    ArchiveDescription,
    BadItem,
    BuildFailedError,
    Fetched,
    SampleDocuments,
    VersionExistsError,
    build_version,
    sample_history,
)
from contracts.documents import DocumentFiled, DocumentKind
from contracts.envelope import new_event
from tests.adapters.rigsarkivet.avid import check_version, standard_schemas, table_rows

ABOUT = ArchiveDescription(
    "AVID.SA.18010.1", "Kommune 101", dt.date(2024, 1, 1), dt.date(2025, 12, 31)
)


@pytest.fixture(scope="module")
def schemas(tmp_path_factory):
    return standard_schemas(tmp_path_factory.mktemp("standard"))


@pytest.fixture(scope="module")
async def built(tmp_path_factory, schemas):
    out = tmp_path_factory.mktemp("out")
    documents = SampleDocuments()
    result = await build_version(
        sample_history(documents, cases=3, pages=2),
        documents,
        ABOUT,
        out,
        schemas,
        collection_size=4,  # the rule's 10,000, made small to see the split
    )
    return out, result


async def test_sample_version_is_valid_against_the_xsds_and_the_rules(built, schemas):
    out, result = built
    assert [p.name for p in out.iterdir()] == ["AVID.SA.18010.1"]
    assert check_version(result.version.path, schemas) == []
    assert (result.cases, result.documents, result.pages) == (3, 6, 12)
    collections = result.version.path / "Documents"
    assert {c.name: sorted(int(d.name) for d in c.iterdir()) for c in collections.iterdir()} == {
        "docCollection1": [1, 2, 3, 4],
        "docCollection2": [5, 6],
    }
    index = result.version.path / "Indices" / "fileIndex.xml"
    assert result.version.file_index_md5 == hashlib.md5(index.read_bytes()).hexdigest()  # noqa: S324
    files = [p for p in result.version.path.rglob("*") if p.is_file()]
    assert result.version.files == len(files)


async def test_parties_are_the_child_and_its_parents_with_addresses_only_when_not_protected(built):
    _, result = built
    parties = table_rows(result.version.path, "parties")
    assert [(p["case_id"], p["party_no"], p["role"], p["relation"]) for p in parties[:3]] == [
        ("case-1", "1", "child", None),
        ("case-1", "2", "parent", "mother"),
        ("case-1", "3", "parent", "father"),
    ]
    children = [p for p in parties if p["role"] == "child"]
    assert len(children) == 3
    assert {p["address_protected"] for p in children} == {"true", "false"}  # the sample has both
    for child in children:
        protected = child["address_protected"] == "true"
        assert (child["street"] is None) is protected
        assert (child["residence_municipality"] is None) is protected
    cprs = {row["cpr"] for row in table_rows(result.version.path, "children")}
    assert {p["cpr"] for p in children} == cprs
    assert all(
        p["street"] is None for p in parties if p["role"] != "child"
    )  # never in CPR's answer


async def test_investigations_plans_letters_and_receipts_have_their_rows(built):
    _, result = built
    root = result.version.path
    facts = [(row["case_id"], row["fact"]) for row in table_rows(root, "investigations")]
    assert facts[:2] == [("case-1", "started"), ("case-1", "child_heard")]
    [plan, *_] = table_rows(root, "plans")
    assert (plan["fact"], plan["kind"], plan["legal_basis"]) == ("created", "child_plan", "BL §91")
    goals = [
        row["goal"] for row in table_rows(root, "plan_goals") if row["event_no"] == plan["event_no"]
    ]
    assert goals == ["Barnet trives i skolen.", "Familien har et netværk."]
    [letter, *_] = table_rows(root, "letters")
    [recipient, *_] = table_rows(root, "letter_recipients")
    mother = next(p for p in table_rows(root, "parties") if p["relation"] == "mother")
    assert (recipient["event_no"], recipient["cpr"]) == (letter["event_no"], mother["cpr"])
    [receipt, *_] = table_rows(root, "letter_receipts")
    assert (receipt["letter_id"], receipt["outcome"]) == (letter["letter_id"], "delivered")
    assert receipt["message_uuid"] is not None


def _replace(relative: str, old: bytes, new: bytes):
    def edit(root):
        path = root / relative
        content = path.read_bytes()
        assert old in content
        path.write_bytes(content.replace(old, new, 1))

    return edit


@pytest.mark.parametrize(
    ("edit", "finding"),
    [
        (_replace("Documents/docCollection1/1/1.tif", b"II*", b"II*"), None),
        (
            _replace("Documents/docCollection1/1/1.tif", b"II*\x00", b"PK\x03\x04"),
            "Documents/docCollection1/1/1.tif is not a TIFF",
        ),
        (
            _replace("Tables/table4/table4.xml", b"<c3>case-1</c3>", b"<c3>case-9</c3>"),
            "journal: ('case-9',) does not resolve in cases",
        ),
        (_replace("Indices/docIndex.xml", b"<dID>1<", b"<dID>01<"), "docIndex.xml: Element"),
    ],
    ids=["md5", "tiff-signature", "foreign-key", "leading-zero"],
)
async def test_the_checker_finds_what_is_broken(built, schemas, tmp_path, edit, finding):
    import shutil

    _, result = built
    copy = tmp_path / result.version.avid
    shutil.copytree(result.version.path, copy)
    page = copy / "Documents" / "docCollection1" / "1" / "1.tif"
    page.write_bytes(page.read_bytes() + b"\0")  # every case changes a file: its MD5 differs
    edit(copy)
    findings = check_version(copy, schemas)
    assert "MD5 of Documents/docCollection1/1/1.tif" in findings
    if finding is not None:
        assert any(f.startswith(finding) for f in findings), findings


async def test_a_version_is_never_overwritten(built, schemas):
    out, _ = built
    documents = SampleDocuments()
    with pytest.raises(VersionExistsError):
        await build_version(sample_history(documents, cases=1), documents, ABOUT, out, schemas)


class _Spoiled(SampleDocuments):
    """The sample's documents, the first with other bytes than the ones filed."""

    async def fetch(self, event):
        fetched = await super().fetch(event)
        self.served = getattr(self, "served", 0) + 1
        if self.served == 1:
            return Fetched(fetched.content + b"%", fetched.file_name)
        return fetched


async def test_bad_input_fails_the_build_with_each_reason_and_leaves_nothing(tmp_path, schemas):
    documents = _Spoiled()
    broken = b"%PDF-1.7\n1 0 obj <<>> this is no PDF"

    async def history():
        async for event in sample_history(documents, cases=2, pages=1):
            yield event
        yield BadItem("record casehub.101.case.v1/0@7", "fails its contract: opened_at missing")
        filed = DocumentFiled(
            document_id="d-broken",
            esdh_case_number="27.24.00-G01-2-26",
            kle="27.24.00",
            kind=DocumentKind.OTHER,
            title="Notat",
            filed_at=dt.datetime(2025, 12, 1, tzinfo=dt.UTC),
            sha256=hashlib.sha256(broken).hexdigest(),
        )
        documents.pending["d-broken"] = Fetched(broken, "broken.pdf")
        yield new_event(
            filed, source="urn:test", municipality="101", case_id="case-2", event_id="e-broken"
        )

    with pytest.raises(BuildFailedError) as failed:
        await build_version(history(), documents, ABOUT, tmp_path, schemas)
    bad = failed.value.bad
    assert [item.reason for item in bad] == [
        "its bytes do not match the filed SHA-256",
        "fails its contract: opened_at missing",
        "PDF cannot be opened: Failed to load document (PDFium: Data format error).",
    ]
    assert bad[2].item == "document d-broken (event e-broken)"
    assert "3 bad items" in str(failed.value)
    assert list(tmp_path.iterdir()) == []
