"""The package exports its port, errors, stores, settings and the upload, sorted."""

from __future__ import annotations

import types

import adapters.documents as package
from adapters.documents import DocumentStore, LocalDocumentStore, S3DocumentStore


def test_all_is_sorted_and_complete():
    public = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert package.__all__ == sorted(package.__all__)
    assert set(package.__all__) == public


def check(store: DocumentStore) -> DocumentStore:
    return store


def test_both_stores_fit_the_port_for_mypy(tmp_path):
    # mypy checks these calls; at run time they only prove the stores build.
    assert check(LocalDocumentStore(tmp_path, municipalities=["101"])) is not None
    assert S3DocumentStore is not None
