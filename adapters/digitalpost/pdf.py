"""A letter's text as a minimal, valid PDF (one or more A4 pages, Helvetica, WinAnsi).

Digital Post carries documents, not text; ``LetterRequested`` carries the text. This is
the smallest honest bridge: standard fonts, no images, Danish letters through WinAnsi
(cp1252), which every PDF reader renders without embedded fonts.
"""

from __future__ import annotations

import textwrap

__all__ = ["text_pdf"]

_LINES_PER_PAGE = 60
_WIDTH = 90  # characters per line at 10 pt Helvetica on A4 with margins


def text_pdf(title: str, body: str) -> bytes:
    """Render ``title`` and ``body`` as a PDF document."""
    lines = [title, ""]
    for paragraph in body.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, _WIDTH) or [""])
    pages = [lines[i : i + _LINES_PER_PAGE] for i in range(0, len(lines), _LINES_PER_PAGE)]
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree, filled in below
    font = _add(
        objects,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    )
    kids = []
    for page in pages:
        stream = _page_stream(page)
        content = _add(objects, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            _add(
                objects,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, content),
            )
        )
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    return _assemble(objects)


def _add(objects: list[bytes], body: bytes) -> int:
    objects.append(body)
    return len(objects)


def _page_stream(lines: list[str]) -> bytes:
    parts = [b"BT /F1 10 Tf 14 TL 56 790 Td"]
    parts.extend(b"(%s) '" % _escape(line) for line in lines)
    parts.append(b"ET")
    return b"\n".join(parts)


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
