"""The local broker's security: a CA and certificates, SCRAM users, and a SASL_SSL session.

Used by kafka.py `start --secure`. Kept apart so kafka.py without `--secure` stays standard
library only: `cryptography` is imported only when certificates are made.

The session speaks the Kafka protocol over TLS with the standard library (SaslHandshake,
SaslAuthenticate with SCRAM-SHA-512 as in RFC 5802/7677, then any request), because the
readiness probe and the ACL bindings must work before, and without, any Kafka client library.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import socket
import ssl
import struct
from pathlib import Path
from typing import Any

ADMIN = "casehub-admin"
"""The broker's own admin principal: its only super user besides the broker itself."""
BROKER_CN = "casehub-local-broker"
"""The broker's certificate; it is also the principal of the internal controller listener."""
MECHANISM = "SCRAM-SHA-512"
_ITERATIONS = 4096  # the least Kafka takes for SCRAM-SHA-512: the users are local ones
_VALID = dt.timedelta(days=30)

SECURE_PROPERTIES = """\
# Written by deploy/local/kafka.py --secure: clients only over SASL_SSL (SCRAM-SHA-512).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=SASL_SSL://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=SASL_SSL://127.0.0.1:{port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
# The controller listener is internal, on loopback, and takes only a certificate the local CA
# signed (the broker's own): no client reaches the controller without it.
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL
listener.name.controller.ssl.client.auth=required
sasl.enabled.mechanisms={mechanism}
sasl.mechanism.inter.broker.protocol={mechanism}
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=\
org.apache.kafka.common.security.scram.ScramLoginModule required \
username="{admin}" password="{admin_password}";
ssl.keystore.type=PEM
ssl.keystore.location={tls}/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location={tls}/ca.pem
ssl.endpoint.identification.algorithm=https
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:{admin};User:CN={broker_cn}
log.dirs={data}/log
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
"""

# The ACL enums of the Kafka protocol (org.apache.kafka.common.acl / resource).
_RESOURCE = {"topic": 2, "group": 3, "cluster": 4, "transactional_id": 5}
_PATTERN = {"literal": 3, "prefixed": 4}
_OPERATION = {
    "All": 2, "Read": 3, "Write": 4, "Create": 5, "Delete": 6, "Alter": 7, "Describe": 8,
    "ClusterAction": 9, "DescribeConfigs": 10, "AlterConfigs": 11, "IdempotentWrite": 12,
}  # fmt: skip
_ALLOW = 3


def make_certificates(tls: Path) -> None:
    """A CA and the broker's key and certificate (for 127.0.0.1 and localhost), once.

    The CA's key is never written: nothing else is ever signed with it.
    """
    if (tls / "broker.pem").exists():
        return
    # Here, not above: kafka.py imports this module also where cryptography is not installed.
    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: PLC0415

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "casehub local CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + _VALID)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    usages = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, BROKER_CN)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + _VALID)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    tls.mkdir(parents=True, exist_ok=True)
    pem = serialization.Encoding.PEM
    (tls / "ca.pem").write_bytes(ca.public_bytes(pem))
    private = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write_private(tls / "broker.pem", private + cert.public_bytes(pem) + ca.public_bytes(pem))


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)


def make_passwords(credentials: Path, users: list[str]) -> dict[str, str]:
    """A random password per user, each in credentials/NAME (0600); kept when it exists."""
    credentials.mkdir(parents=True, exist_ok=True)
    passwords = {}
    for user in dict.fromkeys([ADMIN, *users]):
        path = credentials / user
        if not path.exists():
            _write_private(path, secrets.token_urlsafe(24).encode())
        passwords[user] = path.read_text(encoding="utf-8").strip()
    return passwords


def scram_arguments(passwords: dict[str, str]) -> list[str]:
    """`kafka-storage format` arguments that create the SCRAM users with the cluster."""
    return [
        f"--add-scram={MECHANISM}=[name={user},password={password},iterations={_ITERATIONS}]"
        for user, password in passwords.items()
    ]


def load_bindings(path: Path) -> list[dict[str, Any]]:
    """ACL bindings, JSON: [{"principal", "resource", "name", "pattern", "operation"}]."""
    bindings: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return bindings


class Session:
    """One authenticated connection: requests with header v1, answers with header v0."""

    def __init__(self, port: int, tls: Path, user: str, password: str, timeout: float) -> None:
        context = ssl.create_default_context(cafile=str(tls / "ca.pem"))
        raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self._sock = context.wrap_socket(raw, server_hostname="127.0.0.1")
        self._correlation = 0
        try:
            self._authenticate(user, password)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._sock.close()

    def request(self, api_key: int, version: int, payload: bytes) -> bytes:
        self._correlation += 1
        client_id = b"casehub-probe"
        header = struct.pack(">hhih", api_key, version, self._correlation, len(client_id))
        message = header + client_id + payload
        self._sock.sendall(struct.pack(">i", len(message)) + message)
        size = struct.unpack(">i", self._recv_exact(4))[0]
        reply = self._recv_exact(size)
        if struct.unpack(">i", reply[:4])[0] != self._correlation:
            raise ConnectionError("answer to another request")
        return reply[4:]

    def _recv_exact(self, size: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < size:
            chunk = self._sock.recv(size - len(chunks))
            if not chunk:
                raise ConnectionError("broker closed the connection")
            chunks.extend(chunk)
        return bytes(chunks)

    def _authenticate(self, user: str, password: str) -> None:
        (error,) = struct.unpack(">h", self.request(17, 1, _string(MECHANISM))[:2])
        if error:
            raise ConnectionError(f"SaslHandshake refused: error {error}")
        nonce = secrets.token_urlsafe(18)
        first_bare = f"n={user},r={nonce}"
        server_first = self._sasl(f"n,,{first_bare}".encode()).decode()
        fields = dict(part.split("=", 1) for part in server_first.split(","))
        if not fields["r"].startswith(nonce):
            raise ConnectionError("SCRAM: the server's nonce does not extend ours")
        salted = hashlib.pbkdf2_hmac(
            "sha512", password.encode(), base64.b64decode(fields["s"]), int(fields["i"])
        )
        client_key = hmac.digest(salted, b"Client Key", "sha512")
        without_proof = f"c={base64.b64encode(b'n,,').decode()},r={fields['r']}"
        auth_message = f"{first_bare},{server_first},{without_proof}".encode()
        signature = hmac.digest(hashlib.sha512(client_key).digest(), auth_message, "sha512")
        proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
        final = f"{without_proof},p={base64.b64encode(proof).decode()}"
        server_final = self._sasl(final.encode()).decode()
        server_key = hmac.digest(salted, b"Server Key", "sha512")
        expected = base64.b64encode(hmac.digest(server_key, auth_message, "sha512")).decode()
        if server_final != f"v={expected}":
            raise ConnectionError("SCRAM: the broker did not prove it knows the password")

    def _sasl(self, token: bytes) -> bytes:
        reply = self.request(36, 0, struct.pack(">i", len(token)) + token)
        error, message_len = struct.unpack(">hh", reply[:4])
        offset = 4 + max(message_len, 0)
        if error:
            message = reply[4:offset].decode(errors="replace") if message_len > 0 else ""
            raise ConnectionError(f"SASL authentication failed: {message or error}")
        (size,) = struct.unpack(">i", reply[offset : offset + 4])
        return reply[offset + 4 : offset + 4 + size]


def _string(text: str) -> bytes:
    data = text.encode()
    return struct.pack(">h", len(data)) + data


def _acl_binding(binding: dict[str, Any]) -> bytes:
    """One CreateAcls (v1) creation: allow ``principal`` ``operation`` on a resource pattern."""
    return (
        struct.pack(">b", _RESOURCE[binding["resource"]])
        + _string(binding["name"])
        + struct.pack(">b", _PATTERN[binding["pattern"]])
        + _string(f"User:{binding['principal']}")
        + _string("*")
        + struct.pack(">bb", _OPERATION[binding["operation"]], _ALLOW)
    )


def create_acls(session: Session, bindings: list[dict[str, Any]]) -> None:
    """Create every binding in one CreateAcls request (an existing binding is no error)."""
    payload = struct.pack(">i", len(bindings)) + b"".join(_acl_binding(b) for b in bindings)
    reply = session.request(30, 1, payload)
    (count,) = struct.unpack(">i", reply[4:8])
    offset, failed = 8, []
    for index in range(count):
        error, message_len = struct.unpack(">hh", reply[offset : offset + 4])
        offset += 4 + max(message_len, 0)
        if error:
            failed.append(f"{bindings[index]['principal']} {bindings[index]['name']}: {error}")
    if failed:
        raise RuntimeError("CreateAcls refused: " + "; ".join(failed[:5]))
