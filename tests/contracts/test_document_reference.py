"""DocumentReference: the claim check events will carry in place of a document's bytes."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from contracts.documents import MAX_DOCUMENT_BYTES, DocumentReference, MediaType
from tests.people import CHILD, MOTHER, cpr_for, synthetic_cprs

SHA = "0" * 63 + "a"


def reference(**changes):
    data = {
        "document_id": str(uuid.uuid4()),
        "sha256": SHA,
        "media_type": "application/pdf",
        "size": 1234,
        "file_name": "Børnefaglig undersøgelse 2026.pdf",
    }
    return DocumentReference.model_validate_json(json.dumps(data | changes))


class TestDocumentReference:
    def test_json_round_trip_is_exact(self):
        first = reference()
        again = DocumentReference.model_validate_json(first.model_dump_json())
        assert again == first
        assert again.media_type is MediaType.PDF

    def test_repr_leaves_out_the_file_name(self):
        shown = repr(reference(file_name="Anna Jensen.pdf"))
        assert "Anna" not in shown
        assert SHA in shown

    def test_it_is_frozen_and_closed(self):
        ref = reference()
        with pytest.raises(ValidationError):
            ref.size = 1
        with pytest.raises(ValidationError, match="Extra inputs"):
            reference(content="aGVsbG8=")  # the bytes never travel in it

    @pytest.mark.parametrize("size", [1, MAX_DOCUMENT_BYTES])
    def test_sizes_from_one_byte_to_twenty_mib(self, size):
        assert reference(size=size).size == size

    @pytest.mark.parametrize("size", [0, -1, MAX_DOCUMENT_BYTES + 1])
    def test_other_sizes_are_rejected(self, size):
        with pytest.raises(ValidationError, match="size"):
            reference(size=size)

    @pytest.mark.parametrize("media_type", [m.value for m in MediaType])
    def test_every_allowed_media_type(self, media_type):
        assert reference(media_type=media_type).media_type.value == media_type

    @pytest.mark.parametrize(
        "media_type", ["application/octet-stream", "text/html", "image/svg+xml", "PDF", ""]
    )
    def test_other_media_types_are_rejected(self, media_type):
        with pytest.raises(ValidationError, match="media_type"):
            reference(media_type=media_type)

    @pytest.mark.parametrize("sha256", ["A" * 64, "0" * 63, "0" * 65, "g" * 64, ""])
    def test_sha256_is_64_lower_case_hex_digits(self, sha256):
        with pytest.raises(ValidationError, match="sha256"):
            reference(sha256=sha256)

    @pytest.mark.parametrize(
        "document_id",
        # fixed values: test ids must be the same in every collection (pytest-xdist compares them)
        [
            "42",
            "D-1",
            "4DB3337A-56A1-462E-8B1A-AFA96F4B1620",
            "2658ef7e-ee5e-11f1-b464-02fc00000001",
            "",
        ],
    )
    def test_the_id_is_a_lower_case_random_uuid(self, document_id):
        with pytest.raises(ValidationError, match="document_id"):
            reference(document_id=document_id)

    @pytest.mark.parametrize(
        "name",
        [
            "../etc/passwd",
            "sag/underretning.pdf",
            "C:\\sag\\underretning.pdf",
            "..",
            ".",
            "",
            "a" * 256,
            "line\nbreak.pdf",
            "tab\t.pdf",
            "nul\x00.pdf",
            "fdp\u202egpj.pdf",  # right-to-left override hides the real extension
            " leading.pdf",
            "trailing.pdf ",
        ],
    )
    def test_unsafe_file_names_are_rejected_without_quoting_them(self, name):
        with pytest.raises(ValidationError, match="file_name") as caught:
            reference(file_name=name)
        if len(name) > 3:
            assert name not in str(caught.value)

    def test_a_name_of_255_characters_is_kept(self):
        assert len(reference(file_name="å" * 251 + ".pdf").file_name) == 255

    @pytest.mark.parametrize(
        "name",
        [
            f"{CHILD}.pdf",
            f"underretning {MOTHER[:6]}-{MOTHER[6:]}.pdf",
            f"notat_{CHILD[:6]}_{CHILD[6:]}.txt",
            f"scan{CHILD}",
        ],
    )
    def test_a_file_name_holding_a_cpr_number_is_rejected(self, name):
        with pytest.raises(ValidationError, match="CPR") as caught:
            reference(file_name=name)
        assert CHILD not in str(caught.value)
        assert MOTHER[:6] not in str(caught.value)

    @given(synthetic_cprs())
    def test_no_synthetic_cpr_number_passes_as_a_file_name(self, cpr):
        with pytest.raises(ValidationError, match="CPR"):
            reference(file_name=f"sag {cpr}.pdf")

    @given(st.integers(min_value=0, max_value=99_999_999))
    def test_ordinary_numbers_in_names_are_kept(self, number):
        assert reference(file_name=f"bilag {number}.pdf").file_name == f"bilag {number}.pdf"

    def test_a_longer_run_of_digits_is_not_read_as_a_cpr_number(self):
        longer = "9" + cpr_for(dt.date(2016, 3, 14)) + "9"
        assert reference(file_name=f"{longer}.pdf").file_name == f"{longer}.pdf"
