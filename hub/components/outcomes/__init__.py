"""Outcomes: the read model of conditions, goals and progression, and the national extract."""

from hub.components.outcomes.component import COMPONENT, NAME, STORE

__all__ = ["COMPONENT", "NAME", "STORE"]
