"""Checks an archival version against the official XSDs and the NOTES rules a program can check.

A plain module the tests import: ``check_version(path, schemas)`` returns every finding;
an empty list is a valid version.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

from lxml import etree

from adapters.rigsarkivet.settings import RigsarkivetSettings
from tests.reference import require_reference

NS = "http://www.sa.dk/xmlns/diark/1.0"
_ID = re.compile(r"[1-9][0-9]{0,11}")
_AVID = re.compile(r"AVID\.[A-ZÆØÅ]{2,4}\.[1-9][0-9]*\.[1-9][0-9]*")
_SETS = "rigsarkivet/PhillipTommerholt-1007-skemaer"
# BKG 128 for the two indices it changed (2019 drafts), the authentic 1007 set for the rest.
_SCHEMAS = {
    "archiveIndex.xsd": f"{_SETS}/HEAD-9513df6-2019-drafts",
    "contextDocumentationIndex.xsd": f"{_SETS}/HEAD-9513df6-2019-drafts",
    "docIndex.xsd": f"{_SETS}/commit-4f5f419-bkg1007-set",
    "fileIndex.xsd": f"{_SETS}/commit-4f5f419-bkg1007-set",
    "tableIndex.xsd": f"{_SETS}/commit-4f5f419-bkg1007-set",
    "XMLSchema.xsd": f"{_SETS}/commit-4f5f419-bkg1007-set",
}


def standard_schemas(into: Path) -> Path:
    """The folder an archivist would name with ``--standard-schemas``, from the reference."""
    into.mkdir(parents=True, exist_ok=True)
    for name, folder in _SCHEMAS.items():
        shutil.copyfile(require_reference(*folder.split("/"), name), into / name)
    return into


def rigsarkivet_settings(folder: Path) -> RigsarkivetSettings:
    """The component's settings for a test: versions and schemas under ``folder``."""
    return RigsarkivetSettings(
        out=folder / "versions",
        standard_schemas=standard_schemas(folder / "standard"),
        package_id="AVID.SA.18099",
        creator="Testkommune",
    )


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _text(element: Any, name: str) -> str:
    value = element.findtext(_q(name))
    assert value is not None, name
    return str(value)


def _validate(document: Path, schema: Path, findings: list[str]) -> Any:
    tree = etree.parse(str(document))
    xsd = etree.XMLSchema(etree.parse(str(schema)))
    if not xsd.validate(tree):
        errors: Any = xsd.error_log
        findings.extend(f"{document.name}: {e.message} (line {e.line})" for e in errors)
    return tree


def check_version(root: Path, schemas: Path) -> list[str]:  # noqa: C901, PLR0912, PLR0915
    """Every finding against the XSDs and the checkable rules; empty: valid."""
    findings: list[str] = []
    if not _AVID.fullmatch(root.name):
        findings.append(f"folder name {root.name}")
    indices = root / "Indices"
    trees: dict[str, Any] = {}
    for name in (
        "archiveIndex",
        "tableIndex",
        "docIndex",
        "contextDocumentationIndex",
        "fileIndex",
    ):
        trees[name] = _validate(indices / f"{name}.xml", schemas / f"{name}.xsd", findings)
    for name in _SCHEMAS:
        copied = root / "Schemas" / "standard" / name
        if copied.read_bytes() != (schemas / name).read_bytes():
            findings.append(f"Schemas/standard/{name} differs from the official file")

    # fileIndex: every file but itself, once, with the MD5 of its bytes
    listed = {}
    for entry in trees["fileIndex"].getroot().iter(_q("f")):
        folder, name = _text(entry, "foN"), _text(entry, "fiN")
        parts = folder.split("\\")
        if parts[0] != root.name:
            findings.append(f"fileIndex foN outside the version: {folder}")
        listed[Path(*parts[1:], name).as_posix()] = _text(entry, "md5")
    on_disk = {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}
    on_disk.pop("Indices/fileIndex.xml")
    if set(listed) != set(on_disk):
        findings.append(f"fileIndex lists {sorted(set(listed) ^ set(on_disk))[:5]} wrongly")
    for relative, md5 in listed.items():
        path = on_disk.get(relative)
        if path is not None and hashlib.md5(path.read_bytes()).hexdigest() != md5.lower():  # noqa: S324
            findings.append(f"MD5 of {relative}")

    # tables: each file valid against its own XSD; keys unique and resolving
    columns: dict[str, list[str]] = {}
    values: dict[str, list[list[str | None]]] = {}
    table_index: Any = trees["tableIndex"].getroot()
    for number, table in enumerate(table_index.iter(_q("table")), start=1):
        name, folder = _text(table, "name"), _text(table, "folder")
        if folder != f"table{number}":
            findings.append(f"table {name} in folder {folder}")
        data = root / "Tables" / folder
        tree = _validate(data / f"{folder}.xml", data / f"{folder}.xsd", findings)
        columns[name] = [_text(c, "name") for c in table.find(_q("columns")).iter(_q("column"))]
        rows = [
            [
                None if cell.get("{http://www.w3.org/2001/XMLSchema-instance}nil") else cell.text
                for cell in row
            ]
            for row in tree.getroot()
        ]
        values[name] = rows
        if int(_text(table, "rows")) != len(rows):
            findings.append(f"table {name}: rows in tableIndex differ from the file")
    keys: dict[str, set[tuple[str | None, ...]]] = {}
    for table in table_index.iter(_q("table")):
        name = _text(table, "name")
        key = [columns[name].index(c.text) for c in table.find(_q("primaryKey")).iter(_q("column"))]
        seen = [tuple(row[i] for i in key) for row in values[name]]
        keys[name] = set(seen)
        if len(seen) != len(keys[name]):
            findings.append(f"table {name}: primary key not unique")
    related: defaultdict[str, int] = defaultdict(int)
    for table in table_index.iter(_q("table")):
        name = _text(table, "name")
        for foreign in table.iter(_q("foreignKey")):
            target = _text(foreign, "referencedTable")
            related[name] += 1
            related[target] += 1
            pairs = [
                (_text(r, "column"), _text(r, "referenced")) for r in foreign.iter(_q("reference"))
            ]
            target_key = [
                c.text
                for c in next(
                    t for t in table_index.iter(_q("table")) if _text(t, "name") == target
                )
                .find(_q("primaryKey"))
                .iter(_q("column"))
            ]
            if [b for _, b in pairs] != target_key:
                findings.append(f"{name}: foreign key to {target} is not its whole primary key")
            index = [columns[name].index(a) for a, _ in pairs]
            for row in values[name]:
                value = tuple(row[i] for i in index)
                if None not in value and value not in keys[target]:
                    findings.append(f"{name}: {value} does not resolve in {target}")
    findings.extend(f"table {n} has no relation" for n in columns if not related[n])

    # documents: IDs without leading zeros, collections of at most 10,000, TIFF files only
    docs: Any = trees["docIndex"].getroot()
    for doc in docs.iter(_q("doc")):
        did, collection = _text(doc, "dID"), _text(doc, "dCf")
        if not _ID.fullmatch(did):
            findings.append(f"dID {did}")
        if int(did) > int(collection.removeprefix("docCollection")) * 10_000:
            findings.append(f"dID {did} in {collection}")
        doc_folder = root / "Documents" / collection / did
        if not doc_folder.is_dir():
            findings.append(f"document {did} has no folder")
            continue
        pages = sorted(doc_folder.iterdir())
        if not pages:
            findings.append(f"document {did} has no files")
        names = sorted(p.name for p in pages)
        if names != sorted(f"{n}.tif" for n in range(1, len(pages) + 1)):
            findings.append(f"document {did} files {names}")
    findings.extend(
        f"{tif.relative_to(root)} is not a TIFF"
        for tif in root.rglob("*.tif")
        if tif.read_bytes()[:4] not in {b"II*\x00", b"MM\x00*"}
    )
    ids = {
        _text(d, "documentID")
        for d in trees["contextDocumentationIndex"].getroot().iter(_q("document"))
    }
    folders = {p.name for p in (root / "ContextDocumentation" / "docCollection1").iterdir()}
    if ids != folders:
        findings.append(f"context documentation folders {folders} differ from the index {ids}")
    findings.extend(f"context document {i}" for i in ids if not _ID.fullmatch(i))
    return findings


def table_rows(root: Path, name: str) -> list[dict[str, str | None]]:
    """The rows of the table ``name`` of a version, each as column name to text (None: NULL)."""
    index: Any = etree.parse(str(root / "Indices" / "tableIndex.xml")).getroot()
    table = next(t for t in index.iter(_q("table")) if _text(t, "name") == name)
    folder = _text(table, "folder")
    names = [_text(c, "name") for c in table.find(_q("columns")).iter(_q("column"))]
    tree: Any = etree.parse(str(root / "Tables" / folder / f"{folder}.xml"))
    nil = "{http://www.w3.org/2001/XMLSchema-instance}nil"
    return [
        dict(zip(names, (None if cell.get(nil) else cell.text for cell in row), strict=True))
        for row in tree.getroot()
    ]
