"""Triage: a received notification needs the register's view of the child (or the mother)."""

from hub.components.triage.component import COMPONENT
from hub.components.triage.handler import NAME, build_triage

__all__ = ["COMPONENT", "NAME", "build_triage"]
