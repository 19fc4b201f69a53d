"""What the caller check costs: intake and upload requests with and without it, in one run.

It lives under tests/ because it builds the surfaces from their adapters directly.

python -m tests.benchmarks.signed_requests  [--requests N] [--document-mib M]

In process (httpx's ASGI transport, no network, no broker): N e-form submissions to the
intake with a recording publisher, and a few uploads of an M MiB PDF to the local document
store, each once to the bare surface (no caller check; the surface's own binding check
is stubbed to let every request through) and once behind ``SignedCallers`` with the client
signing. Alternates the two three times and prints each side's best time and the ratio
signed/bare; no figure is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
from starlette.types import ASGIApp

from adapters.documents import LocalDocumentStore, build_document_upload
from adapters.eform import build_intake
from contracts.base import Contract
from contracts.envelope import Event
from hub.runtime.callers import Caller, SignedCallers, SignedRequests
from hub.runtime.logs import configure_logging
from routing.topics import topic_for

_CALLER = "bench-form-system"
_SECRET = b"benchmark-secret-never-a-real-callers-000000001"
_MUNICIPALITY = "101"
_ROUNDS = 3


async def _recorded(event: Event[Contract]) -> str:
    return topic_for(event)


def _submission(number: int) -> dict[str, Any]:
    return {
        "submission_id": f"bench-{number}",
        "municipality": _MUNICIPALITY,
        "child_cpr": "6103164123",  # synthetic: day + 60
        "notifier": {"kind": "professional", "relation": "school", "organisation": "Bench"},
        "reasons": ["school_absence"],
        "channel": "eform",
        "summary": "A benchmark submission.",
    }


async def _timed(
    app: ASGIApp, auth: httpx.Auth | None, send: Callable[[httpx.AsyncClient, int], Awaitable[int]],
    count: int,
) -> float:  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub", auth=auth) as http:
        started = time.perf_counter()
        for number in range(count):
            status = await send(http, number)
            if status not in {201, 202}:
                msg = f"answered {status}"
                raise RuntimeError(msg)
        return time.perf_counter() - started


def _anyone(_scope: object, _municipality: str) -> bool:
    return True  # a plain function: a MagicMock would cost more than the check it replaces


def _guarded(app: ASGIApp) -> SignedCallers:
    caller = Caller(_CALLER, frozenset({_MUNICIPALITY}), (_SECRET,))
    return SignedCallers(app, {_CALLER: caller}, window_s=300, max_body_bytes=32 << 20)


async def _compare(label: str, app: ASGIApp, send: Any, count: int) -> None:
    signed_app, signer = _guarded(app), SignedRequests(_CALLER, _SECRET)
    # The bare runs: the surfaces' binding check lets every request through.
    bare_only = (
        mock.patch("adapters.eform.intake.acts_for", new=_anyone),
        mock.patch("adapters.documents.upload.acts_for", new=_anyone),
    )
    bare = signed = float("inf")
    for _ in range(_ROUNDS):  # alternated, the best of each: the machine is shared
        with bare_only[0], bare_only[1]:
            bare = min(bare, await _timed(app, None, send, count))
        signed = min(signed, await _timed(signed_app, signer, send, count))
    sys.stdout.write(
        f"{label:<28} bare {bare:7.3f} s  signed {signed:7.3f} s  ratio {signed / bare:5.2f}\n"
    )


async def _main(requests: int, document_mib: int) -> None:
    configure_logging("WARNING")  # a line per request would be most of what is measured
    intake = build_intake(_recorded, source="urn:casehub:bench", max_bytes=256 * 1024)

    async def notify(http: httpx.AsyncClient, number: int) -> int:
        return (await http.post("/notifications", json=_submission(number))).status_code

    await _compare(f"intake x{requests}", intake, notify, requests)
    with tempfile.TemporaryDirectory() as directory:
        store = LocalDocumentStore(Path(directory), municipalities=[_MUNICIPALITY])
        upload = build_document_upload(store, served_municipalities=[_MUNICIPALITY])
        pdf = b"%PDF-1.7\n" + b"x" * (document_mib << 20) + b"\n%%EOF\n"
        headers = {
            "content-type": "application/pdf",
            "x-casehub-municipality": _MUNICIPALITY,
            "x-casehub-file-name": "bench.pdf",
        }

        async def put(http: httpx.AsyncClient, _number: int) -> int:
            return (await http.post("/documents", content=pdf, headers=headers)).status_code

        await _compare(f"upload {document_mib} MiB x5", upload, put, 5)


def main() -> None:
    """Parse the options and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--document-mib", type=int, default=8)
    options = parser.parse_args()
    asyncio.run(_main(options.requests, options.document_mib))


if __name__ == "__main__":
    main()
