"""POST /documents: the upload's HTTP contract, on a real local store."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import quote

import httpx
import pytest

from adapters.documents import LocalDocumentStore, build_document_upload
from contracts.documents import DocumentReference
from tests.callers import signed_app, signed_client
from tests.people import CHILD

PDF = b"%PDF-1.7\n" + b"x" * 2000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIMIT = 4096


def headers(media_type="application/pdf", municipality="101", file_name="Anna Jensen.pdf"):
    values = {"content-type": media_type}
    if municipality is not None:
        values["x-casehub-municipality"] = municipality
    if file_name is not None:
        values["x-casehub-file-name"] = quote(file_name)
    return values


@pytest.fixture
def store(tmp_path):
    return LocalDocumentStore(tmp_path / "documents", municipalities=["101", "147"])


@pytest.fixture
async def client(store):
    app = build_document_upload(store, max_bytes=LIMIT, served_municipalities=["101"])
    async with signed_client(signed_app(app), "http://hub") as c:
        yield c


def stored(tmp_path):
    root = tmp_path / "documents"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_not_echoed(answer, *values):
    for value in values:
        assert value not in answer.text


async def test_an_upload_is_stored_and_answered_with_its_reference(client, store):
    answer = await client.post("/documents", content=PDF, headers=headers())

    assert answer.status_code == 201
    reference = DocumentReference.model_validate_json(answer.content)
    assert reference.sha256 == hashlib.sha256(PDF).hexdigest()
    assert reference.size == len(PDF)
    assert reference.file_name == "Anna Jensen.pdf"
    assert await store.get(reference, municipality="101") == PDF


async def test_municipality_and_file_name_may_come_in_the_query(client, store):
    answer = await client.post(
        "/documents",
        content=PNG,
        headers={"content-type": "image/png"},
        params={"municipality": "101", "file_name": "scan.png"},
    )

    assert answer.status_code == 201
    reference = DocumentReference.model_validate_json(answer.content)
    assert await store.get(reference, municipality="101") == PNG


@pytest.mark.parametrize(
    "digest_header",
    [
        {"x-content-sha256": hashlib.sha256(PDF).hexdigest().upper()},
        {"content-digest": f"sha-256=:{base64.b64encode(hashlib.sha256(PDF).digest()).decode()}:"},
        {"digest": f"SHA-256={base64.b64encode(hashlib.sha256(PDF).digest()).decode()}"},
    ],
)
async def test_a_matching_digest_is_accepted(client, digest_header):
    answer = await client.post("/documents", content=PDF, headers=headers() | digest_header)
    assert answer.status_code == 201


@pytest.mark.parametrize(
    "digest_header",
    [
        {"x-content-sha256": hashlib.sha256(b"other").hexdigest()},
        {"content-digest": f"sha-256=:{base64.b64encode(hashlib.sha256(b'x').digest()).decode()}:"},
    ],
)
async def test_a_digest_that_does_not_match_is_422_and_nothing_is_stored(
    client, tmp_path, digest_header
):
    answer = await client.post("/documents", content=PDF, headers=headers() | digest_header)

    assert answer.status_code == 422
    assert answer.json()["problems"] == [
        {"field": "(body)", "problem": "its SHA-256 is not the digest sent"}
    ]
    assert stored(tmp_path) == []


@pytest.mark.parametrize(
    "digest_header", [{"x-content-sha256": "abc"}, {"content-digest": "sha-256=:bm9wZQ==:"}]
)
async def test_an_unreadable_digest_is_400(client, tmp_path, digest_header):
    answer = await client.post("/documents", content=PDF, headers=headers() | digest_header)
    assert answer.status_code == 400
    assert stored(tmp_path) == []


async def test_a_body_over_the_limit_is_413_while_it_streams(client, tmp_path):
    async def chunks():  # no Content-Length: the limit must hold while reading
        for _ in range(10):
            yield b"%PDF-" + b"x" * 1000

    answer = await client.post("/documents", content=chunks(), headers=headers())

    assert answer.status_code == 413
    assert stored(tmp_path) == []


async def test_a_declared_length_over_the_limit_is_413_before_reading(client, tmp_path):
    answer = await client.post("/documents", content=PDF * 3, headers=headers())
    assert answer.status_code == 413
    assert stored(tmp_path) == []


@pytest.mark.parametrize("media_type", ["application/octet-stream", "text/html", ""])
async def test_a_media_type_the_hub_does_not_carry_is_415(client, tmp_path, media_type):
    answer = await client.post("/documents", content=PDF, headers=headers(media_type=media_type))
    assert answer.status_code == 415
    assert stored(tmp_path) == []


@pytest.mark.parametrize(
    ("media_type", "content"),
    [
        ("image/png", PDF),
        ("application/pdf", PNG),
        ("image/jpeg", b"GIF89a" + b"\x00" * 10),
        ("image/tiff", b"%PDF-1.7"),
        ("image/jp2", b"\x00" * 20),
    ],
)
async def test_a_body_that_is_not_its_declared_type_is_415(client, tmp_path, media_type, content):
    answer = await client.post(
        "/documents", content=content, headers=headers(media_type=media_type)
    )
    assert answer.status_code == 415
    assert answer.json()["problems"][0]["field"] == "(body)"
    assert stored(tmp_path) == []


async def test_the_magic_bytes_of_each_checked_type_pass(client):
    bodies = {
        "image/tiff": b"II*\x00" + b"\x00" * 10,
        "image/jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 10,
        "image/jp2": b"\x00\x00\x00\x0cjP  \r\n\x87\n" + b"\x00" * 10,
        "text/plain; charset=utf-8": "Notat: barnet ønsker samvær".encode(),
        "application/xml": b"<?xml version='1.0'?><a/>",
    }
    for media_type, content in bodies.items():
        answer = await client.post(
            "/documents", content=content, headers=headers(media_type=media_type)
        )
        assert answer.status_code == 201, media_type


async def test_an_unserved_municipality_is_403_even_when_the_store_serves_it(client, tmp_path):
    answer = await client.post("/documents", content=PDF, headers=headers(municipality="147"))

    assert answer.status_code == 403
    assert_not_echoed(answer, "147")
    assert stored(tmp_path) == []


@pytest.mark.parametrize("missing", ["municipality", "file_name"])
async def test_a_missing_municipality_or_file_name_is_400(client, tmp_path, missing):
    answer = await client.post("/documents", content=PDF, headers=headers(**{missing: None}))

    assert answer.status_code == 400
    assert answer.json()["problems"] == [{"field": missing, "problem": "missing"}]
    assert stored(tmp_path) == []


async def test_an_unsafe_file_name_is_422_without_echoing_it(client, tmp_path):
    for name in (f"underretning {CHILD}.pdf", "../../etc/cron.d/x"):
        answer = await client.post("/documents", content=PDF, headers=headers(file_name=name))

        assert answer.status_code == 422
        assert answer.json()["problems"][0]["field"] == "file_name"
        assert_not_echoed(answer, CHILD, "cron")
    assert stored(tmp_path) == []


async def test_a_badly_encoded_file_name_is_400(client):
    answer = await client.post(
        "/documents", content=PDF, headers=headers() | {"x-casehub-file-name": "%ff%fe.pdf"}
    )
    assert answer.status_code == 400


async def test_an_empty_body_is_422(client, tmp_path):
    answer = await client.post("/documents", content=b"", headers=headers())
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["field"] == "size"
    assert stored(tmp_path) == []


async def test_a_store_that_does_not_answer_is_503_with_retry_after(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_bytes(b"")
    app = build_document_upload(
        LocalDocumentStore(blocked, municipalities=["101"]), served_municipalities=["101"]
    )
    async with signed_client(signed_app(app), "http://hub") as c:
        answer = await c.post("/documents", content=PDF, headers=headers())

    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert_not_echoed(answer, "Anna", "not-a-directory")


async def test_a_caller_uploads_only_for_its_own_municipalities(store, tmp_path):
    app = build_document_upload(store, max_bytes=LIMIT, served_municipalities=["101", "147"])
    async with signed_client(signed_app(app, ["147"]), "http://hub") as c:
        other = await c.post("/documents", content=PDF, headers=headers(municipality="101"))
        assert stored(tmp_path) == []
        own = await c.post("/documents", content=PDF, headers=headers(municipality="147"))

    assert other.status_code == 403
    assert [p["field"] for p in other.json()["problems"]] == ["municipality"]
    assert_not_echoed(other, "101", "Anna")
    assert own.status_code == 201


async def test_a_request_no_caller_signed_is_not_stored(store, tmp_path):
    app = build_document_upload(store, max_bytes=LIMIT, served_municipalities=["101"])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as c:
        answer = await c.post("/documents", content=PDF, headers=headers())

    assert answer.status_code == 403  # the bare surface: no verified caller acts for anyone
    assert stored(tmp_path) == []
