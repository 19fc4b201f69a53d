"""The hub's one typed configuration, read from ``CASEHUB_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, create_model, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.registry import COMPONENTS
from contracts.types import Kommunekode
from hub.runtime.callers import CallerSettings, is_caller_id
from hub.runtime.component import ComponentSpec
from hub.runtime.crypto import EncryptionSettings
from hub.runtime.kafka_access import KafkaConnection, KafkaSecurity
from hub.web.login.settings import LoginSettings
from routing.routes import Route, default_routes

__all__ = ["CoreSettings", "Settings", "settings_model"]


_RETIRED = {
    "CASEHUB_DEADLINE_TICK_S": "set CASEHUB_DEADLINES='{\"tick_s\": ...}'",
    "CASEHUB_DEADLINE_GRACE_S": "set CASEHUB_DEADLINES='{\"grace_s\": ...}'",
    "CASEHUB_MAX_SUBMISSION_BYTES": "set CASEHUB_EFORM='{\"max_submission_bytes\": ...}'",
}
"""Variables the hub read before its components had their own settings, and what replaces each."""


class CoreSettings(BaseSettings):
    """What the hub itself needs; each component adds its own field (``settings_model``).

    Nothing but the composition root reads the environment. Lists and nested settings are
    JSON: ``CASEHUB_MUNICIPALITIES='["101", "751"]'``, ``CASEHUB_CPR='{"base_url": ...}'``.
    """

    # A refused value is not repeated in the error: it can be a secret's path or a caller id
    # someone typed a CPR number into; the error names the setting and what is wrong.
    model_config = SettingsConfigDict(
        env_prefix="CASEHUB_", frozen=True, extra="forbid", hide_input_in_errors=True
    )

    bootstrap_servers: str = Field(
        default="127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated."
    )
    kafka_security: KafkaSecurity = Field(
        default_factory=KafkaSecurity,
        description="How the hub authenticates to Kafka (JSON): protocol SASL_SSL, "
        "sasl_mechanism, username, password_file, ca_file (docs/broker-security.md).",
    )
    municipalities: tuple[Kommunekode, ...] = Field(
        default=("101",), min_length=1, description="The municipalities this hub serves."
    )
    client_id: str = Field(default="casehub", description="Kafka client id prefix.")
    group_prefix: str = Field(default="casehub", description="Prefix of consumer group ids.")
    source: str = Field(
        default="urn:casehub:hub", description="CloudEvents source of events the hub makes."
    )
    http_host: str = Field(default="127.0.0.1", description="Where the HTTP intake listens.")
    http_port: int = Field(default=8080, ge=0, le=65535, description="0 picks a free port.")
    callers: dict[str, CallerSettings] = Field(
        default_factory=dict,
        description="Who may call the HTTP endpoints (JSON): caller id -> {secret_file, "
        "next_secret_file, municipalities}; empty: nobody (see hub/runtime/callers/).",
    )
    encryption: EncryptionSettings | None = Field(
        default=None,
        description="Field encryption on the bus (JSON): {key_dir, personal, rescan_s}; "
        "absent: off (docs/encryption.md).",
    )
    signature_window_s: float = Field(
        default=300.0,
        gt=0,
        le=3600,
        description="How far a signed request's timestamp may lie from the hub's clock.",
    )
    routes: tuple[Route, ...] = Field(
        default=(),
        description="Which consumer gets which event types (JSON); default: what each consumes.",
    )
    state_dir: Path = Field(
        default=Path(".casehub/state"),
        description="Local files the hub may lose (the local document store); state is in Kafka.",
    )
    processed_retention_s: float = Field(
        default=7 * 86_400,
        gt=0,
        description="How long a group remembers a handled event's id (repeats are passed over).",
    )
    transient_pause_s: float = Field(
        default=1.0, ge=0, description="Pause before an unrecorded outcome is tried again."
    )
    retry_base_s: float = Field(default=1.0, gt=0, description="First retry delay.")
    retry_max_s: float = Field(default=300.0, gt=0, description="Longest retry delay.")
    retry_attempts: int = Field(default=6, ge=1, description="Attempts before quarantine.")
    breaker_open_after_s: float = Field(
        default=20.0,
        ge=0,
        description="Failing this long opens a system's circuit breaker. Keep it below the "
        "retry budget (24.8 s with the default retries), or a record can be quarantined in an "
        "outage the breaker would have waited out.",
    )
    breaker_cooldown_s: float = Field(default=5.0, gt=0, description="First pause when open.")
    breaker_max_cooldown_s: float = Field(default=300.0, gt=0, description="Longest pause.")
    producer_linger_ms: int = Field(
        default=2, ge=0, description="How long the producer waits to fill a batch."
    )
    max_record_bytes: int = Field(
        default=1_048_588,
        ge=64 * 1024,
        description="Largest record a business topic takes (its max.message.bytes; Kafka's "
        "default). Quarantine topics take 3x this, so a quarantine copy fits whole.",
    )
    topic_partitions: int = Field(default=3, ge=1, description="Partitions of created topics.")
    topic_replication: int = Field(default=1, ge=1, description="Replicas of created topics.")
    login: LoginSettings | None = Field(
        default=None,
        description="Sign-in to the hub's pages (JSON): issuer, client_id, client_secret_file, "
        "session_key_file, redirect_base_url (docs/operations.md, Login). None: no pages.",
    )
    otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP endpoint for traces (http://collector:4318/v1/traces; needs "
        "casehub[otlp]). None: no span is recorded; the trace context is passed on.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"

    @field_validator("callers")
    @classmethod
    def _caller_ids(cls, callers: dict[str, CallerSettings]) -> dict[str, CallerSettings]:
        """Refuse a malformed caller id without naming it (as a dict key, pydantic would)."""
        if not all(is_caller_id(caller_id) for caller_id in callers):
            msg = "a caller id is lower-case letters, digits and hyphens, a letter first"
            raise ValueError(msg)
        return callers

    @model_validator(mode="before")
    @classmethod
    def _no_retired_variables(cls, values: Any) -> Any:  # noqa: ANN401 - the raw input
        """Refuse a variable an earlier hub read: it would be ignored without a word."""
        retired = sorted(name for name in _RETIRED if name in os.environ)
        if retired:
            msg = "; ".join(f"{name} is gone: {_RETIRED[name]}" for name in retired)
            raise ValueError(msg)
        return values

    @property
    def kafka(self) -> KafkaConnection:
        """Where the broker is and how to authenticate: every Kafka client is made from it."""
        return KafkaConnection(self.bootstrap_servers, self.kafka_security)

    def component(self, name: str) -> Any:  # noqa: ANN401 - each component's own model
        """The settings of the component ``name`` (``None``: not run; absent field: none)."""
        return getattr(self, name, None)


def settings_model(components: Sequence[ComponentSpec[Any]]) -> type[CoreSettings]:
    """The hub's settings: the core fields and one field per component that has settings."""
    fields: dict[str, Any] = {
        spec.name: (
            spec.settings.annotation,
            Field(default=spec.settings.default, description=spec.settings.description),
        )
        for spec in components
        if spec.settings is not None
    }
    routes = default_routes(components)
    fields["routes"] = (
        tuple[Route, ...],
        Field(default=routes, description=CoreSettings.model_fields["routes"].description),
    )
    return create_model("Settings", __base__=CoreSettings, __doc__=CoreSettings.__doc__, **fields)


if TYPE_CHECKING:

    class Settings(CoreSettings):
        """mypy's view: the component fields are made at run time, from the registry."""

        def __init__(self, **values: Any) -> None: ...  # noqa: ANN401

        def __getattr__(self, name: str) -> Any: ...  # noqa: ANN401

else:
    Settings = settings_model(COMPONENTS)
    """The hub's settings: ``CoreSettings`` and a field per registered component."""
