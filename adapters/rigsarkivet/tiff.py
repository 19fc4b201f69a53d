"""A document's pages as archival TIFF files (``1.tif``, ``2.tif``, ...), one page at a time.

PDFium (pypdfium2) renders each page of a PDF; Pillow reads images (TIFF, JPEG, PNG, JPEG
2000, each frame a page) and writes every page: a page that is black and white is
saved bilevel with CCITT Group 4, any other page as greyscale or colour with LZW (both
lossless, as BKG 128 allows for TIFF). Only one page is in memory at a time.

Errors: ``UnrenderableDocumentError`` (``PermanentError``): PDFium cannot open or render it.
The message names the reason, never the document's content or name.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Final, cast

import pypdfium2
from PIL import Image, ImageChops, ImageSequence

from contracts.documents import MediaType
from hub.runtime.errors import PermanentError

__all__ = ["DPI", "UnrenderableDocumentError", "pdf_to_tiffs", "to_tiffs"]

DPI: Final = 200
"""Resolution of the rendered pages; 200 dpi keeps small print readable."""

_BILEVEL_SHARE: Final = 0.01
"""A page is bilevel when fewer than this share of its pixels are neither near black nor white.

Text rendered without anti-aliasing leaves none; a photograph or a scan has far more.
"""
_NEAR: Final = 48
_COLOUR: Final = 24
"""A page is colour when a channel differs from another by more than this somewhere."""


class UnrenderableDocumentError(PermanentError):
    """PDFium could not open or render the document."""


_IMAGES: Final = frozenset({MediaType.TIFF, MediaType.JPEG, MediaType.PNG, MediaType.JP2})


def to_tiffs(content: bytes, media_type: MediaType, folder: Path, *, dpi: int = DPI) -> int:
    """The document's pages into ``folder/<n>.tif``; return the page count.

    Raises:
        UnrenderableDocumentError: it cannot be read, or its type has no pages (text, XML).

    """
    if media_type is MediaType.PDF:
        return pdf_to_tiffs(content, folder, dpi=dpi)
    if media_type in _IMAGES:
        return _image_to_tiffs(content, folder, dpi)
    msg = f"{media_type.value} is not converted to TIFF (PDF and images are)"
    raise UnrenderableDocumentError(msg)


def _image_to_tiffs(content: bytes, folder: Path, dpi: int) -> int:
    try:
        with Image.open(io.BytesIO(content)) as image:
            pages = 0
            for frame in ImageSequence.Iterator(image):
                pages += 1
                _save(frame.convert("RGB"), folder / f"{pages}.tif", dpi)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        msg = f"image cannot be read: {type(exc).__name__}"
        raise UnrenderableDocumentError(msg) from None
    return pages


def pdf_to_tiffs(content: bytes, folder: Path, *, dpi: int = DPI) -> int:
    """Render every page of the PDF ``content`` into ``folder/<n>.tif``; return the page count.

    Raises:
        UnrenderableDocumentError: not a PDF PDFium can read, a password, no pages.

    """
    try:
        document = pypdfium2.PdfDocument(content)
    except pypdfium2.PdfiumError as exc:
        msg = f"PDF cannot be opened: {_reason(exc)}"
        raise UnrenderableDocumentError(msg) from None
    try:
        pages = len(document)
        if pages == 0:
            msg = "PDF has no pages"
            raise UnrenderableDocumentError(msg)
        for number in range(pages):
            _save(_render(document, number, dpi), folder / f"{number + 1}.tif", dpi)
    finally:
        document.close()
    return pages


def _reason(exc: Exception) -> str:
    # PDFium's messages name the failure class ("Data format error"), not content.
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def _render(document: pypdfium2.PdfDocument, number: int, dpi: int) -> Image.Image:
    try:
        page = document[number]
        try:
            # Text and lines without anti-aliasing: a text page is then truly black and
            # white (G4), at any resolution; pictures keep their smoothing and their greys.
            bitmap = page.render(scale=dpi / 72, no_smoothtext=True, no_smoothpath=True)
            image: Image.Image = bitmap.to_pil()
        finally:
            page.close()
    except pypdfium2.PdfiumError as exc:
        msg = f"PDF page {number + 1} cannot be rendered: {_reason(exc)}"
        raise UnrenderableDocumentError(msg) from None
    return image.convert("RGB")


def _save(image: Image.Image, path: Path, dpi: int) -> None:
    grey = image.convert("L")
    if _is_bilevel(grey):
        # Threshold, not dither: text stays crisp and G4 compresses it best.
        page = grey.point(lambda value: 255 if value >= 128 else 0).convert("1", dither=None)  # noqa: PLR2004
        page.save(path, format="TIFF", compression="group4", dpi=(dpi, dpi))
    elif _is_colour(image):
        image.save(path, format="TIFF", compression="tiff_lzw", dpi=(dpi, dpi))
    else:
        grey.save(path, format="TIFF", compression="tiff_lzw", dpi=(dpi, dpi))


def _is_bilevel(grey: Image.Image) -> bool:
    histogram = grey.histogram()
    between = sum(histogram[_NEAR : 256 - _NEAR])
    return between <= _BILEVEL_SHARE * grey.width * grey.height


def _is_colour(image: Image.Image) -> bool:
    red, green, blue = image.split()
    for one, other in ((red, green), (green, blue)):
        # A single-band image's extrema are (low, high).
        _, high = cast("tuple[int, int]", ImageChops.difference(one, other).getextrema())
        if high > _COLOUR:
            return True
    return False
