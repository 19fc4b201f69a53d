"""DocumentStoreSettings: which store, and S3 credentials read from files as secrets."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from adapters.documents import (
    DocumentStoreSettings,
    LocalDocumentStore,
    S3DocumentStore,
    open_document_store,
)
from adapters.documents.settings import S3Settings
from contracts.documents import MAX_DOCUMENT_BYTES


def test_the_default_is_the_local_store_in_the_state_directory():
    settings = DocumentStoreSettings()
    assert settings.kind == "local"
    assert settings.max_upload_bytes == MAX_DOCUMENT_BYTES


async def test_the_local_store_defaults_to_documents_under_the_state_dir(tmp_path):
    async with open_document_store(
        DocumentStoreSettings(), state_dir=tmp_path, municipalities=["101"]
    ) as store:
        assert isinstance(store, LocalDocumentStore)
        assert str(tmp_path / "documents") in repr(store)


def test_kind_s3_needs_its_settings():
    with pytest.raises(ValidationError, match="needs the s3 settings"):
        DocumentStoreSettings.model_validate({"kind": "s3"})


def test_an_upload_limit_above_twenty_mib_is_refused():
    with pytest.raises(ValidationError):
        DocumentStoreSettings(max_upload_bytes=MAX_DOCUMENT_BYTES + 1)


def test_credentials_come_from_their_files_and_never_show(tmp_path):
    (tmp_path / "id").write_text("AKIDEXAMPLE\n")
    (tmp_path / "secret").write_text("wJalrXUtnFEMI-example\n")
    settings = S3Settings(
        bucket="casehub-documents",
        access_key_id_file=tmp_path / "id",
        secret_access_key_file=tmp_path / "secret",
    )

    access, secret = settings.credentials()

    assert access is not None
    assert secret is not None
    assert access.get_secret_value() == "AKIDEXAMPLE"
    assert secret.get_secret_value() == "wJalrXUtnFEMI-example"
    assert "wJalr" not in repr(secret)
    assert "wJalr" not in repr(settings)


def test_one_credential_file_without_the_other_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="both"):
        S3Settings(bucket="casehub-documents", access_key_id_file=tmp_path / "id")


def test_without_credential_files_botocore_finds_its_own():
    assert S3Settings(bucket="casehub-documents").credentials() == (None, None)


async def test_kind_s3_opens_the_s3_store(tmp_path):
    settings = DocumentStoreSettings(
        kind="s3", s3=S3Settings(endpoint="http://127.0.0.1:9", bucket="casehub-documents")
    )
    async with open_document_store(settings, state_dir=tmp_path, municipalities=["101"]) as store:
        assert isinstance(store, S3DocumentStore)
