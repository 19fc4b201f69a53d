"""Serviceplatformen's SF2900 Fordelingskomponent, locally: a real SFTP server and the SOAP service.

The SFTP server (asyncssh) listens on loopback with its own host key; each municipality's
user logs in with its key and lands in its own folder. ``FordelingsobjektAfsend`` reads the
named file from the sender's folder, answers the technical receipt (``MODTAGET``) at once,
then forwards the material to the receiving municipality's hub, as Serviceplatformen hands it
to the receiving system: a package to ``/handover/packages``, an answer to
``/handover/answers`` (the hub's existing routes, the bytes unchanged). The hub's answer
becomes the business receipt, posted to the sender's hub (``FordelingskvitteringModtag``,
signed as a caller): 200 ``ACCEPTERET`` (a package's signed receipt in ``Begrundelse``), 422
``AFVIST`` (the refusal's reason), anything else ``FEJLET``.

A distribution is known by its ``AnvenderTransaktionsID``: asked again, the stand-in answers
with the same ``DistributionTransktionsID`` and sends the first business receipt again,
without forwarding twice; a failed one (``FEJLET``) is forgotten, so a retry distributes.
``sftp_down`` drops every SSH connection, ``soap_down`` answers 503.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final

import asyncssh
import httpx
import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.handover.direct import ANSWERS_PATH, MEDIA_TYPE, PACKAGES_PATH
from adapters.handover.sf2900.ids import Material, material_of
from adapters.handover.sf2900.kvittering import KVITTERING_PATH
from adapters.handover.sf2900.messages import (
    Context,
    Kvittering,
    Kvitteringstype,
    Validering,
    afsend_response,
    kvittering_request,
    read_afsend_request,
)
from adapters.soap.standin import fault
from hub.runtime.errors import PermanentError

__all__ = ["DISTRIBUTION_PATH", "Hub", "Serviceplatformen", "SftpUser"]

DISTRIBUTION_PATH: Final = "/service/SP/Distribution/3"
_XML: Final = "text/xml; charset=utf-8"

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class SftpUser:
    """A municipality's SFTP user and its public key."""

    name: str
    key: asyncssh.SSHKey


@dataclass(frozen=True)
class Hub:
    """Where a municipality's hub takes material, and how the stand-in signs its receipts."""

    base_url: str
    auth: httpx.Auth | None = None


@dataclass
class _Distribution:
    distribution: str
    sender: str
    outcome: Kvittering | None = None


@dataclass
class Serviceplatformen:
    """The stand-in: ``root`` holds the users' folders; ``authorities`` kommunekode → CVR."""

    root: Path
    authorities: Mapping[str, str]
    users: Mapping[str, SftpUser]
    hubs: dict[str, Hub] = field(default_factory=dict)
    sftp_down: bool = False
    soap_down: bool = False
    forwarded: list[tuple[str, Material]] = field(default_factory=list)
    """Each material forwarded: (transaction, material), in order."""
    distributions: dict[str, _Distribution] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._host_key = asyncssh.generate_private_key("ssh-ed25519")
        self._sftp: asyncssh.SSHAcceptor | None = None
        for user in self.users.values():
            (self.root / user.name).mkdir(parents=True, exist_ok=True)

    @property
    def host_key(self) -> asyncssh.SSHKey:
        """The SFTP server's public host key (a client pins it)."""
        return self._host_key.convert_to_public()

    async def start_sftp(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen for SFTP; the port."""
        self._sftp = await asyncssh.listen(
            host, port, server_host_keys=[self._host_key], server_factory=lambda: _Ssh(self),
            sftp_factory=self._sftp_session, allow_scp=False,
        )  # fmt: skip
        return int(self._sftp.get_port())

    async def stop(self) -> None:
        """Stop the SFTP server and wait for the forwards under way."""
        if self._sftp is not None:
            self._sftp.close()
            await self._sftp.wait_closed()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def set_down(self, on: bool) -> None:  # noqa: FBT001 - a switch
        """Switch an outage of both the SFTP server and the SOAP service on or off."""
        self.sftp_down = self.soap_down = on

    def _sftp_session(self, chan: asyncssh.SSHServerChannel[bytes]) -> asyncssh.SFTPServer:
        user = str(chan.get_extra_info("username"))
        return asyncssh.SFTPServer(chan, chroot=str(self.root / user).encode())

    def accepts(self, username: str, key: asyncssh.SSHKey) -> bool:
        """True when ``key`` is ``username``'s."""
        return any(
            user.name == username and user.key.public_data == key.public_data
            for user in self.users.values()
        )

    def asgi(self) -> Starlette:
        """DistributionService: ``POST`` at ``DISTRIBUTION_PATH``."""

        async def endpoint(request: Request) -> Response:
            if self.soap_down:
                return Response(b"<html>down</html>", HTTPStatus.SERVICE_UNAVAILABLE)
            return await self._afsend(await request.body())

        return Starlette(routes=[Route(DISTRIBUTION_PATH, endpoint, methods=["POST"])])

    async def _afsend(self, body: bytes) -> Response:
        try:
            context = read_afsend_request(body)
        except PermanentError:
            return _fault("InvalidRequest")
        codes = {cvr: code for code, cvr in self.authorities.items()}
        sender, receiver = codes.get(context.sender_cvr), codes.get(context.receiver_cvr)
        named = material_of(context.file_name)
        if sender is None or receiver not in self.hubs or named is None:
            return _fault("UnknownRouting")
        known = self.distributions.get(context.transaction)
        if known is None:
            path = self.root / self.users[sender].name / context.file_name
            if not path.is_file():
                return _fault("FileNotFound")
            known = _Distribution(str(uuid.uuid4()), sender)
            self.distributions[context.transaction] = known
            self._spawn(self._forward(context, receiver, named[1], path.read_bytes()))
        elif known.outcome is not None:  # asked again: the first receipt again
            self._spawn(self._tell(context, known))
        answered = Context(
            context.transaction, context.sender_cvr, context.receiver_cvr, context.file_name,
            known.distribution,
        )  # fmt: skip
        technical = Kvittering(Validering.MODTAGET, Kvitteringstype.TEKNISK)
        return Response(afsend_response(technical, answered), HTTPStatus.OK, media_type=_XML)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _forward(
        self, context: Context, receiver: str, material: Material, content: bytes
    ) -> None:
        self.forwarded.append((context.transaction, material))
        path = PACKAGES_PATH if material is Material.PACKAGE else ANSWERS_PATH
        outcome = Kvittering(Validering.FEJLET, Kvitteringstype.FORRETNING, "unavailable")
        try:
            async with httpx.AsyncClient(base_url=self.hubs[receiver].base_url, timeout=10) as http:
                answer = await http.post(
                    path, content=content, headers={"content-type": MEDIA_TYPE}
                )
        except httpx.HTTPError:
            answer = None
        if answer is not None and answer.status_code == HTTPStatus.OK:
            receipt = answer.text if material is Material.PACKAGE else None
            outcome = Kvittering(Validering.ACCEPTERET, Kvitteringstype.FORRETNING, receipt)
        elif answer is not None and answer.status_code == HTTPStatus.UNPROCESSABLE_ENTITY:
            outcome = Kvittering(Validering.AFVIST, Kvitteringstype.FORRETNING, _refusal(answer))
        known = self.distributions[context.transaction]
        known.outcome = outcome
        if outcome.code is Validering.FEJLET:  # not distributed: a retry tries again
            del self.distributions[context.transaction]
        await self._tell(context, known)

    async def _tell(self, context: Context, known: _Distribution) -> None:
        """Post the business receipt to the sender's hub (a failure: the sender asks again)."""
        hub = self.hubs.get(known.sender)
        if hub is None or known.outcome is None:
            return
        answered = Context(
            context.transaction, context.sender_cvr, context.receiver_cvr, context.file_name,
            known.distribution,
        )  # fmt: skip
        body = kvittering_request(known.outcome, answered)
        try:
            async with httpx.AsyncClient(base_url=hub.base_url, auth=hub.auth, timeout=10) as http:
                answer = await http.post(
                    KVITTERING_PATH, content=body, headers={"content-type": _XML}
                )
            log.info("sf2900_standin_told", status=answer.status_code)
        except httpx.HTTPError as exc:
            log.warning("sf2900_standin_not_told", error=type(exc).__name__)


class _Ssh(asyncssh.SSHServer):
    """Public-key logins of the known users; none while the SFTP outage is on."""

    def __init__(self, standin: Serviceplatformen) -> None:
        self._standin = standin

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        if self._standin.sftp_down:
            conn.abort()

    def begin_auth(self, username: str) -> bool:  # noqa: ARG002 - every user authenticates
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        return self._standin.accepts(username, key)


def _fault(code: str) -> Response:
    reply = fault("Client", code, "the distribution is not taken")
    return Response(reply.body, HTTPStatus.BAD_REQUEST, media_type=_XML)


def _refusal(answer: httpx.Response) -> str:
    try:
        refusal = json.loads(answer.content).get("refusal")
    except (ValueError, AttributeError):
        return "unreadable"
    return refusal if isinstance(refusal, str) else "unreadable"
