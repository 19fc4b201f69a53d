"""Triage: a received notification needs the register's view of the child (or the mother)."""

from hub.components.triage.handler import NAME, build_triage

__all__ = ["NAME", "build_triage"]
