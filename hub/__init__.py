"""The hub runtime: settings, logging, errors, the bus policy and the composition root."""

__all__: list[str] = []
