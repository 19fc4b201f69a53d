"""The login's own small pages: signed out, sign-in refused, provider unreachable."""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

__all__ = ["page"]


def page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    """An accessible page: language, title, one heading in ``main``; ``body`` is trusted HTML."""
    html = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{escape(title)} - casehub</title></head>
<body>
<main>
<h1>{escape(title)}</h1>
{body}
</main>
</body>
</html>
"""
    return HTMLResponse(html, status_code, headers={"Cache-Control": "no-store"})
