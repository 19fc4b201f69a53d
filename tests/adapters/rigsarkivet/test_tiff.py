"""Documents to TIFF: text pages bilevel CCITT G4, other pages LZW, one file per page."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from adapters.rigsarkivet.sample import synthetic_pdf
from adapters.rigsarkivet.tiff import UnrenderableDocumentError, to_tiffs
from contracts.documents import MediaType


def _opened(path):
    with Image.open(path) as image:
        return image.mode, image.info.get("compression")


def test_a_text_pdf_becomes_one_bilevel_g4_file_per_page(tmp_path):
    assert to_tiffs(synthetic_pdf("Notat", 3, seed=1), MediaType.PDF, tmp_path, dpi=72) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.tif", "2.tif", "3.tif"]
    assert _opened(tmp_path / "2.tif") == ("1", "group4")


def test_a_colour_photograph_stays_colour_with_lzw(tmp_path):
    photo = Image.radial_gradient("L").resize((300, 200)).convert("RGB")
    red = Image.merge(
        "RGB", (photo.getchannel(0), Image.new("L", photo.size, 0), photo.getchannel(2))
    )
    content = io.BytesIO()
    red.save(content, format="PNG")
    assert to_tiffs(content.getvalue(), MediaType.PNG, tmp_path) == 1
    assert _opened(tmp_path / "1.tif") == ("RGB", "tiff_lzw")


def test_a_grey_scan_is_kept_grey_with_lzw(tmp_path):
    scan = Image.linear_gradient("L").resize((256, 256))
    content = io.BytesIO()
    scan.save(content, format="JPEG")
    assert to_tiffs(content.getvalue(), MediaType.JPEG, tmp_path) == 1
    assert _opened(tmp_path / "1.tif") == ("L", "tiff_lzw")


@pytest.mark.parametrize("dpi", [72, 200])
def test_a_text_page_is_bilevel_at_any_resolution(tmp_path, dpi):
    to_tiffs(synthetic_pdf("Notat", 1, seed=2), MediaType.PDF, tmp_path, dpi=dpi)
    assert _opened(tmp_path / "1.tif") == ("1", "group4")


UNRENDERABLE = [
    (b"%PDF-1.7 broken", MediaType.PDF),
    (b"\x89PNG broken", MediaType.PNG),
    (b"text", MediaType.TEXT),
]


@pytest.mark.parametrize(("content", "media_type"), UNRENDERABLE, ids=["pdf", "png", "text"])
def test_what_cannot_be_rendered_is_refused_with_a_reason(tmp_path, content, media_type):
    with pytest.raises(UnrenderableDocumentError) as refused:
        to_tiffs(content, media_type, tmp_path)
    assert str(refused.value)
    assert list(tmp_path.iterdir()) == []
