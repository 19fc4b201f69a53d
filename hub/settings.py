"""The hub's one typed configuration, read from ``CASEHUB_*`` environment variables."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.types import Kommunekode

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
    transient_pause_s: float = Field(
        default=1.0, ge=0, description="Pause before a transient failure is delivered again."
    )
    topic_partitions: int = Field(default=3, ge=1, description="Partitions of created topics.")
    topic_replication: int = Field(default=1, ge=1, description="Replicas of created topics.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
