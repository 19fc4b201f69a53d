"""How every Kafka client of the hub reaches the broker: address, TLS and SASL, in one place.

``KafkaSecurity`` is the setting (``CASEHUB_KAFKA_SECURITY``, JSON); ``KafkaConnection`` pairs
it with the bootstrap servers and is the only code that turns them into client options:
``client_options()`` for aiokafka producers, consumers and admin clients,
``faststream_security()`` for FastStream's ``KafkaBroker``, ``librdkafka_config()`` for the
confluent-kafka benchmark. A client made without them would reach a secured broker as
nobody, and be refused.

The password is read from ``password_file`` when a client's options are made and is held as
``SecretStr``: it never appears in a repr or a log. A running hub makes its publisher's and its
consumers' options once, at start (a producer renewed after an error reuses them), so a
rotated password takes effect at the next start: change the SCRAM credential (connections
already made stay authenticated), update the file, then restart the instances one at a time;
the command line's clients read it each time they run. A file that cannot be used, or
credentials the broker refuses, end in ``KafkaSecurityError``: one line naming the setting,
which ``casehub run`` prints instead of a traceback. See docs/broker-security.md.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Self

from pydantic import BaseModel, ConfigDict, SecretStr, model_validator

if TYPE_CHECKING:
    from faststream.security import BaseSecurity

__all__ = [
    "KafkaConnection",
    "KafkaSecurity",
    "KafkaSecurityError",
    "local_broker_connection",
    "verify_access",
]

_SETTING = "CASEHUB_KAFKA_SECURITY"


class KafkaSecurityError(ValueError):
    """A Kafka security file cannot be used, or the broker refuses the credentials."""


class KafkaSecurity(BaseModel):
    """How the hub authenticates to the broker (``PLAINTEXT``: not at all, for old brokers)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    protocol: Literal["PLAINTEXT", "SASL_SSL", "SSL"] = "PLAINTEXT"
    """``SASL_SSL``: SCRAM over TLS (the local broker); ``SSL``: mutual TLS (Strimzi)."""
    sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256"] = "SCRAM-SHA-512"
    username: str | None = None
    password_file: Path | None = None
    cert_file: Path | None = None
    """``SSL``: the client certificate (its subject is the principal) and, below, its key."""
    key_file: Path | None = None
    ca_file: Path | None = None
    """The CA that signed the broker's certificate; none: the system's trust store."""

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.protocol == "SASL_SSL" and (self.username is None or self.password_file is None):
            msg = "SASL_SSL needs a username and a password_file"
            raise ValueError(msg)
        if self.protocol == "SSL" and (self.cert_file is None or self.key_file is None):
            msg = "SSL (mutual TLS) needs a cert_file and a key_file"
            raise ValueError(msg)
        return self

    def password(self) -> SecretStr:
        """The password, read from ``password_file`` now (trailing newline dropped)."""
        path = self.password_file
        if path is None:
            _fail("password_file", "is not set")
        try:
            text = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            _fail("password_file", f"{path} cannot be read ({type(exc).__name__})")
        if not text:
            _fail("password_file", f"{path} is empty")
        return SecretStr(text)

    def ssl_context(self) -> ssl.SSLContext:
        """Verifies the broker's certificate and host name against ``ca_file``; TLS 1.2 floor."""
        try:
            context = ssl.create_default_context(
                cafile=None if self.ca_file is None else str(self.ca_file)
            )
        except (OSError, ssl.SSLError) as exc:
            _fail("ca_file", f"{self.ca_file} cannot be read as a PEM CA ({type(exc).__name__})")
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if self.cert_file is not None and self.key_file is not None:
            try:
                context.load_cert_chain(certfile=str(self.cert_file), keyfile=str(self.key_file))
            except (OSError, ssl.SSLError) as exc:
                problem = f"{self.cert_file} with key_file cannot be used ({type(exc).__name__})"
                _fail("cert_file", problem)
        return context


def _fail(name: str, problem: str) -> NoReturn:
    msg = f"{_SETTING} {name}: {problem}"
    raise KafkaSecurityError(msg)


@dataclass(frozen=True)
class KafkaConnection:
    """The broker's address and how to authenticate there: what every client is made from."""

    bootstrap_servers: str
    security: KafkaSecurity = field(default_factory=KafkaSecurity)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for ``AIOKafkaProducer``, ``AIOKafkaConsumer``, the admin client."""
        options: dict[str, Any] = {"bootstrap_servers": self.bootstrap_servers}
        security = self.security
        if security.protocol == "SASL_SSL":
            options |= {
                "security_protocol": "SASL_SSL",
                "ssl_context": security.ssl_context(),
                "sasl_mechanism": security.sasl_mechanism,
                "sasl_plain_username": security.username,
                "sasl_plain_password": security.password().get_secret_value(),
            }
        elif security.protocol == "SSL":
            options |= {"security_protocol": "SSL", "ssl_context": security.ssl_context()}
        return options

    def faststream_security(self) -> BaseSecurity | None:
        """The same, as FastStream's ``KafkaBroker(security=...)`` takes it."""
        from faststream.security import (  # noqa: PLC0415 - `casehub --help` stays fast
            BaseSecurity,
            SASLScram256,
            SASLScram512,
        )

        security = self.security
        if security.protocol == "PLAINTEXT":
            return None
        if security.protocol == "SSL":
            return BaseSecurity(ssl_context=security.ssl_context(), use_ssl=True)
        scram = SASLScram512 if security.sasl_mechanism == "SCRAM-SHA-512" else SASLScram256
        return scram(
            username=str(security.username),
            password=security.password().get_secret_value(),
            ssl_context=security.ssl_context(),
            use_ssl=True,
        )

    def librdkafka_config(self) -> dict[str, str]:
        """The same for a librdkafka client (confluent-kafka), which reads the CA file itself."""
        config = {"bootstrap.servers": self.bootstrap_servers}
        security = self.security
        if security.protocol == "SASL_SSL":
            config |= {
                "security.protocol": "SASL_SSL",
                "sasl.mechanisms": security.sasl_mechanism,
                "sasl.username": str(security.username),
                "sasl.password": security.password().get_secret_value(),
            }
        elif security.protocol == "SSL":
            config |= {
                "security.protocol": "SSL",
                "ssl.certificate.location": str(security.cert_file),
                "ssl.key.location": str(security.key_file),
            }
        if security.protocol != "PLAINTEXT" and security.ca_file is not None:
            config["ssl.ca.location"] = str(security.ca_file)
        return config

    def environment(self) -> dict[str, str]:
        """The ``CASEHUB_*`` variables that give a child process (a hub, a CLI) this access."""
        return {
            "CASEHUB_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            _SETTING: self.security.model_dump_json(),
        }


def local_broker_connection(bootstrap: str, data: Path, principal: str) -> KafkaConnection:
    """How ``principal`` reaches the local broker (deploy/local/kafka.py --secure) in ``data``.

    That broker writes each user's password to ``data/credentials/<principal>`` and its CA
    certificate to ``data/tls/ca.pem``.
    """
    security = KafkaSecurity(
        protocol="SASL_SSL",
        username=principal,
        password_file=data / "credentials" / principal,
        ca_file=data / "tls" / "ca.pem",
    )
    return KafkaConnection(bootstrap, security)


async def verify_access(connection: KafkaConnection, timeout_s: float = 10.0) -> None:
    """Authenticate once to the first bootstrap server, so a bad credential fails in one line.

    A broker that does not answer is not an error here: the hub's clients retry it. Only a
    refused credential or certificate is, since no retry can mend it.

    Raises:
        KafkaSecurityError: a file cannot be used, or the broker refuses the credentials.

    """
    from aiokafka.conn import create_conn  # noqa: PLC0415 - `casehub --help` stays fast
    from aiokafka.errors import KafkaError, SaslAuthenticationFailed  # noqa: PLC0415

    options = connection.client_options()
    if connection.security.protocol == "PLAINTEXT":
        return
    host, _, port = connection.bootstrap_servers.split(",")[0].strip().rpartition(":")
    options.pop("bootstrap_servers")
    try:
        conn = await create_conn(
            host, int(port), request_timeout_ms=int(timeout_s * 1000), **options
        )
    except SaslAuthenticationFailed:
        _fail("password_file", f"the broker refused user {connection.security.username}")
    except ssl.SSLCertVerificationError:
        _fail("ca_file", "the broker's certificate is not signed by this CA")
    except (OSError, KafkaError, TimeoutError):
        return
    conn.close()
