"""The document port's behaviour, once, run on the local store and on S3 (S3Proxy)."""

from __future__ import annotations

import hashlib
import re
import uuid

import pytest

from adapters.documents import (
    DocumentIntegrityError,
    DocumentNotFoundError,
    DocumentRejectedError,
    DocumentStoreRefusedError,
    DocumentStoreUnavailableError,
    MunicipalityNotServedError,
    S3DocumentStore,
)
from contracts.documents import MAX_DOCUMENT_BYTES, DocumentReference, MediaType
from tests.adapters.documents.helpers import HOME, OTHER
from tests.people import CHILD

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
KEY = re.compile(r"^\d{3}/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


async def put_pdf(case, content=PDF, municipality=HOME, file_name="underretning.pdf"):
    return await case.store.put(
        content, media_type=MediaType.PDF, file_name=file_name, municipality=municipality
    )


def unstored(reference: DocumentReference) -> DocumentReference:
    return reference.model_copy(update={"document_id": str(uuid.uuid4())})


async def test_a_stored_document_comes_back_byte_for_byte(case):
    reference = await put_pdf(case)

    assert reference.sha256 == hashlib.sha256(PDF).hexdigest()
    assert reference.size == len(PDF)
    assert reference.media_type is MediaType.PDF
    assert reference.file_name == "underretning.pdf"
    assert await case.store.get(reference, municipality=HOME) == PDF


async def test_the_same_bytes_twice_are_two_documents(case):
    first = await put_pdf(case)
    second = await put_pdf(case)

    assert first.document_id != second.document_id
    assert first.sha256 == second.sha256
    assert len(await case.keys()) == 2


async def test_bytes_changed_behind_the_store_fail_the_sha256_check(case):
    reference = await put_pdf(case)
    tampered = bytearray(PDF)
    tampered[100] ^= 0xFF  # same size, other bytes
    await case.overwrite(HOME, reference.document_id, bytes(tampered))

    with pytest.raises(DocumentIntegrityError, match="sha256") as caught:
        await case.store.get(reference, municipality=HOME)
    assert reference.document_id in str(caught.value)
    assert "underretning" not in str(caught.value)


async def test_bytes_of_another_size_fail_the_size_check(case):
    reference = await put_pdf(case)
    await case.overwrite(HOME, reference.document_id, PDF + b"appended")

    with pytest.raises(DocumentIntegrityError, match="size"):
        await case.store.get(reference, municipality=HOME)


async def test_a_reference_to_nothing_is_not_found(case):
    reference = await put_pdf(case)

    with pytest.raises(DocumentNotFoundError) as caught:
        await case.store.get(unstored(reference), municipality=HOME)
    assert "underretning" not in str(caught.value)


async def test_twenty_mib_is_stored_and_one_byte_more_is_rejected_unstored(case):
    largest = b"%PDF-" + b"\x00" * (MAX_DOCUMENT_BYTES - 5)
    reference = await put_pdf(case, content=largest)
    assert reference.size == MAX_DOCUMENT_BYTES
    assert await case.store.get(reference, municipality=HOME) == largest

    with pytest.raises(DocumentRejectedError, match="size"):
        await put_pdf(case, content=largest + b"\x00")
    assert await case.keys() == {f"{HOME}/{reference.document_id}"}


async def test_an_empty_document_is_rejected(case):
    with pytest.raises(DocumentRejectedError, match="size"):
        await put_pdf(case, content=b"")
    assert await case.keys() == set()


async def test_one_municipalitys_reference_cannot_be_read_as_anothers(case):
    reference = await put_pdf(case, municipality=HOME)

    with pytest.raises(DocumentNotFoundError):
        await case.store.get(reference, municipality=OTHER)
    async with case.open_store(municipalities=[OTHER]) as other_only:
        with pytest.raises(MunicipalityNotServedError):
            await other_only.get(reference, municipality=HOME)
        with pytest.raises(MunicipalityNotServedError):
            await other_only.put(
                PDF, media_type=MediaType.PDF, file_name="x.pdf", municipality=HOME
            )
    assert await case.store.get(reference, municipality=HOME) == PDF


async def test_a_municipality_the_store_does_not_serve_is_refused_before_anything_is_stored(case):
    with pytest.raises(MunicipalityNotServedError):
        await put_pdf(case, municipality="751")
    assert await case.keys() == set()


async def test_keys_hold_the_municipality_and_a_random_id_never_the_file_name(case):
    name = "Underretning om Anna Jensen.pdf"
    references = [await put_pdf(case, file_name=name), await put_pdf(case, municipality=OTHER)]

    keys = await case.keys()
    assert keys == {
        f"{HOME}/{references[0].document_id}",
        f"{OTHER}/{references[1].document_id}",
    }
    for key in keys:
        assert KEY.fullmatch(key), key
        assert "Anna" not in key
        assert "Jensen" not in key


async def test_a_file_name_with_a_cpr_number_is_rejected_without_quoting_it(case):
    with pytest.raises(DocumentRejectedError, match="file_name") as caught:
        await put_pdf(case, file_name=f"underretning {CHILD}.pdf")
    assert CHILD not in str(caught.value)
    assert await case.keys() == set()


async def test_a_store_that_does_not_answer_is_a_transient_error(case):
    reference = await put_pdf(case)
    async with case.down() as down:
        with pytest.raises(DocumentStoreUnavailableError):
            await down.put(PDF, media_type=MediaType.PDF, file_name="x.pdf", municipality=HOME)
        with pytest.raises(DocumentStoreUnavailableError):
            await down.get(reference, municipality=HOME)


@pytest.mark.s3
async def test_s3_credentials_the_server_refuses_are_an_authorisation_error(s3, tmp_path):
    (tmp_path / "id").write_text("casehub-nobody")
    (tmp_path / "secret").write_text("not-the-secret")
    settings = s3.settings(
        "casehub-documents",
        access_key_id_file=tmp_path / "id",
        secret_access_key_file=tmp_path / "secret",
    )
    async with S3DocumentStore.connect(settings, municipalities=[HOME]) as store:
        with pytest.raises(DocumentStoreRefusedError, match="S3 PutObject") as caught:
            await store.put(PDF, media_type=MediaType.PDF, file_name="x.pdf", municipality=HOME)
    assert "not-the-secret" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
