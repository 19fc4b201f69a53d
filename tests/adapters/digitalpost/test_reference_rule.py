"""The reference folder comes from one setting; CI fails without it, a laptop skips."""

from __future__ import annotations

import pytest

from tests.reference import reference_dir


def test_the_setting_names_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEHUB_REFERENCE_DIR", str(tmp_path))
    assert reference_dir() == tmp_path


def test_a_missing_folder_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEHUB_REFERENCE_DIR", str(tmp_path / "missing"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="missing"):
        reference_dir()


def test_a_missing_folder_skips_locally_with_the_reason(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEHUB_REFERENCE_DIR", str(tmp_path / "missing"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="CASEHUB_REFERENCE_DIR"):
        reference_dir()


def test_the_default_is_beside_the_checkout(monkeypatch):
    monkeypatch.delenv("CASEHUB_REFERENCE_DIR", raising=False)
    found = reference_dir()
    assert found.parts[-2:] == ("shared", "reference")
