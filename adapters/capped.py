"""Reading an external service's answer with a size cap, while it streams.

httpx reads a whole answer into memory before anyone can look at its size: a 200 MB SOAP
answer raised the hub's memory to 520 MiB before the 64 MiB XML limit refused it. Here the
body is read chunk by chunk (decoded, so a compressed bomb counts at its real size) and
refused as soon as it passes the cap, or at once when its declared length does.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

__all__ = ["AnswerTooLargeError", "post_capped"]


class AnswerTooLargeError(Exception):
    """The answer is larger than the cap; the rest of it was not read."""


async def post_capped(
    http: httpx.AsyncClient,
    url: str,
    *,
    content: bytes | str,
    headers: Mapping[str, str],
    max_bytes: int,
) -> httpx.Response:
    """POST and return the answer, its body read in full and at most ``max_bytes`` long.

    Raises:
        AnswerTooLargeError: the answer declares or delivers more than ``max_bytes``.

    """
    async with http.stream("POST", url, content=content, headers=dict(headers)) as response:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise AnswerTooLargeError
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
            if len(body) > max_bytes:
                raise AnswerTooLargeError
    # The body is decoded already: the copy must not claim an encoding or the old length.
    kept = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in {"content-encoding", "content-length", "transfer-encoding"}
    ]
    return httpx.Response(
        response.status_code, headers=kept, content=bytes(body), request=response.request
    )
