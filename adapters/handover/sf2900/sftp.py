"""Put a file on Serviceplatformen's SFTP server, as one municipality's user.

A fresh connection per upload (a handover is rare; nothing to keep open), the server pinned
by its host key, the municipality's own key. Errors name a class only:

====================================  ============================
what happens                          raised
====================================  ============================
refused, timeout, connection lost     ``ReceiverUnavailableError``
the server refuses the user's key     ``TransportRefusedError``
====================================  ============================
"""

from __future__ import annotations

import asyncio

import asyncssh

from adapters.handover.port import ReceiverUnavailableError, TransportRefusedError
from adapters.handover.sf2900.settings import Sf2900Agreement, SftpSettings

__all__ = ["SftpUploader"]


class SftpUploader:
    """Uploads to ``settings``'s server with each municipality's agreement."""

    def __init__(self, settings: SftpSettings) -> None:
        self._settings = settings
        self._host_key = asyncssh.read_public_key(settings.host_key_file)

    async def put(self, agreement: Sf2900Agreement, name: str, content: bytes) -> None:
        """Write ``content`` as ``name`` (a retry overwrites it with the same bytes)."""
        settings = self._settings
        try:
            async with (
                asyncio.timeout(settings.timeout_s),
                asyncssh.connect(
                    settings.host, settings.port, username=agreement.sftp_user,
                    client_keys=[agreement.sftp_key_file], known_hosts=([self._host_key], [], []),
                    agent_path=None, config=[], preferred_auth="publickey",
                ) as connection,
                connection.start_sftp_client() as sftp,
                sftp.open(name, "wb") as remote,
            ):  # fmt: skip
                await remote.write(content)
        except asyncssh.PermissionDenied:
            msg = "handover delivery: the SFTP server refuses our key"
            raise TransportRefusedError(msg) from None
        except (OSError, asyncssh.Error, TimeoutError) as exc:
            msg = f"handover delivery: SFTP unavailable ({type(exc).__name__})"
            raise ReceiverUnavailableError(msg) from None
