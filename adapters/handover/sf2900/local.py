"""The Serviceplatformen stand-in started for a hub on this machine (``casehub standins``).

Each of the hub's municipalities gets an SFTP user and key, each municipality a synthetic
CVR number (``demo_cvr``); the other municipalities' material goes to the hubs given (the
handover stand-in's reception). The business receipts for the hub's municipalities are posted
to ``hub_url`` as the caller ``serviceplatformen``, whose secret is written beside the keys:
a hub that delivers over this stand-in names that caller in ``CASEHUB_CALLERS`` and takes
``settings`` as ``CASEHUB_HANDOVER``'s ``sf2900``.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import asyncssh

from adapters.handover.sf2900.settings import Sf2900Agreement, Sf2900Settings, SftpSettings
from adapters.handover.sf2900.standin import DISTRIBUTION_PATH, Hub, Serviceplatformen, SftpUser
from hub.runtime.callers import SignedRequests
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving

__all__ = ["CALLER", "LocalPlatform", "demo_cvr", "local_serviceplatformen"]

CALLER: Final = "serviceplatformen"
"""The caller id the stand-in signs its receipts with."""


def demo_cvr(municipality: str) -> str:
    """A synthetic CVR number per municipality: eight digits, starting 99 (no authority's)."""
    return f"99{municipality}000"


@dataclass(frozen=True)
class LocalPlatform:
    """The running stand-in, where it answers, and what a hub needs to use it."""

    standin: Serviceplatformen
    url: str
    settings: Sf2900Settings
    """The hub's SF2900 settings (its municipalities' agreements)."""
    caller_secret_file: Path
    """The secret of the caller ``serviceplatformen`` (for the hub's ``CASEHUB_CALLERS``)."""


@asynccontextmanager
async def local_serviceplatformen(
    folder: Path,
    ours: Sequence[str],
    others: Mapping[str, str],
    *,
    hub_url: str,
    receipt_wait_s: float = 30.0,
) -> AsyncIterator[LocalPlatform]:
    """Serve the stand-in on loopback for the hub of ``ours``; ``others``: code → hub URL."""
    keys = folder / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    authorities = {code: demo_cvr(code) for code in (*ours, *others)}
    users: dict[str, SftpUser] = {}
    agreements: dict[str, Sf2900Agreement] = {}
    for code in ours:
        key = asyncssh.generate_private_key("ssh-ed25519")
        key_file = keys / f"sftp-{code}"
        key.write_private_key(key_file)
        users[code] = SftpUser(f"kommune{code}", key.convert_to_public())
        agreements[code] = Sf2900Agreement(sftp_user=users[code].name, sftp_key_file=key_file)
    secret = secrets.token_hex(32).encode()
    secret_file = keys / f"{CALLER}.secret"
    secret_file.write_bytes(secret)
    standin = Serviceplatformen(folder / "sftp", authorities, users)
    standin.hubs.update({code: Hub(url) for code, url in others.items()})
    standin.hubs.update({code: Hub(hub_url, auth=SignedRequests(CALLER, secret)) for code in ours})
    port = await standin.start_sftp()
    host_key_file = keys / "host_key.pub"
    standin.host_key.write_public_key(host_key_file)
    try:
        async with serving(standin.asgi()) as url:
            settings = Sf2900Settings(
                endpoint=EndpointSettings(base_url=url, timeout_s=10.0),
                path=DISTRIBUTION_PATH,
                sftp=SftpSettings(host="127.0.0.1", port=port, host_key_file=host_key_file),
                agreements=agreements,
                authorities=authorities,
                receipt_wait_s=receipt_wait_s,
            )
            yield LocalPlatform(standin, url, settings, secret_file)
    finally:
        await standin.stop()
