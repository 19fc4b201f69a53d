"""Adapters between the hub and the systems around it, one package each."""

__all__: list[str] = []
