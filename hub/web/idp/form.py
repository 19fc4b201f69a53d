"""The stand-in's sign-in page: plain HTML, every field labelled, usable with the keyboard."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

__all__ = ["sign_in_page"]


def sign_in_page(request: Mapping[str, str], *, refused: bool = False) -> str:
    """The sign-in form; ``request`` (the authorization request) travels in hidden fields."""
    hidden = "\n".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in sorted(request.items())
    )
    alert = (
        '<p role="alert" id="refused">Unknown user name or wrong password.</p>' if refused else ""
    )
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in - stand-in identity provider</title></head>
<body>
<main>
<h1>Sign in</h1>
<p>Stand-in identity provider for casehub (test users only).</p>
{alert}
<form method="post" action="/authorize">
{hidden}
<p><label for="username">User name</label>
<input id="username" name="username" autocomplete="username" required autofocus></p>
<p><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p>
</form>
</main>
</body>
</html>
"""
