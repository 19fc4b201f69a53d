"""``casehub archive sample``: a version from a synthetic history, one summary line."""

from __future__ import annotations

from click.testing import CliRunner

from hub.cli.main import main
from tests.adapters.rigsarkivet.avid import check_version, standard_schemas


def test_sample_writes_a_valid_version_and_prints_its_md5(tmp_path):
    schemas = standard_schemas(tmp_path / "standard")
    out = tmp_path / "out"
    arguments = ["archive", "sample", "--cases", "1", "--pages", "1", "--out", str(out),
                 "--standard-schemas", str(schemas), "--avid", "AVID.SA.18013.1"]  # fmt: skip
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    version = out / "AVID.SA.18013.1"
    assert check_version(version, schemas) == []
    assert "cases=1 documents=2 pages=2" in result.stdout
    assert "fileIndex.md5=" in result.stdout


def test_sample_refuses_a_folder_name_that_is_no_avid(tmp_path):
    schemas = standard_schemas(tmp_path / "standard")
    arguments = ["archive", "sample", "--cases", "1", "--out", str(tmp_path / "out"),
                 "--standard-schemas", str(schemas), "--avid", "AVID.SA.018.1"]  # fmt: skip
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 1
    assert "not an AVID folder name" in result.output
    assert not (tmp_path / "out").exists()
