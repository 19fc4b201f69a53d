"""The hub's one typed configuration, read from ``CASEHUB_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.archive.settings import ArchiveSettings
from adapters.cpr.settings import CprSettings
from adapters.digitalpost.settings import DigitalPostSettings
from contracts.types import Kommunekode
from hub.endpoint import EndpointSettings
from routing.routes import DEFAULT_ROUTES, Route

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Everything the composition root needs; nothing else reads the environment.

    Lists are JSON: ``CASEHUB_MUNICIPALITIES='["101", "751"]'``.
    """

    model_config = SettingsConfigDict(env_prefix="CASEHUB_", frozen=True, extra="forbid")

    bootstrap_servers: str = Field(
        default="127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated."
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
    max_submission_bytes: int = Field(
        default=256 * 1024, gt=0, description="Largest e-form submission accepted."
    )
    intake_publish_timeout_s: float = Field(
        default=5.0, gt=0, description="Longest wait for the broker before the intake answers 503."
    )
    intake_received_max_age_days: int = Field(
        default=366, ge=1, description="Oldest received_at a new submission may carry."
    )
    intake_received_max_ahead_s: float = Field(
        default=300.0, ge=0, description="How far received_at may lie ahead (clock skew)."
    )
    routes: tuple[Route, ...] = Field(
        default=DEFAULT_ROUTES, description="Which consumer gets which event types (JSON)."
    )
    state_dir: Path = Field(
        default=Path(".casehub/state"),
        description="Where the delivery store lives; a persistent volume in production.",
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
    topic_partitions: int = Field(default=3, ge=1, description="Partitions of created topics.")
    topic_replication: int = Field(default=1, ge=1, description="Replicas of created topics.")
    cpr: CprSettings | None = Field(
        default=None, description="The CPR adapter (SF1520), as JSON; absent: not run."
    )
    digitalpost: DigitalPostSettings | None = Field(
        default=None, description="The Digital Post adapter (SF1601), as JSON; absent: not run."
    )
    archive: ArchiveSettings | None = Field(
        default=None, description="The ESDH archive adapter (SF1470), as JSON; absent: not run."
    )
    statistics: EndpointSettings | None = Field(
        default=None, description="Danmarks Statistik's receiver, as JSON; absent: not run."
    )
    appeals: EndpointSettings | None = Field(
        default=None, description="Ankestyrelsen's receiver, as JSON; absent: not run."
    )
    deadlines: bool = Field(default=True, description="Run the deadline engine (the legal clock).")
    deadline_tick_s: float = Field(
        default=1.0, gt=0, description="How often due times are checked."
    )
    deadline_grace_s: float = Field(
        default=5.0, ge=0, description="How long a miss waits for an answer still in flight."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
