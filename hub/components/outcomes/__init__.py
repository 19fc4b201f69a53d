"""Outcomes: the read model of conditions, goals and progression, and the national extract."""

__all__: list[str] = []
