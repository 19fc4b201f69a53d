"""The hub runtime: what every component runs on (errors, codec, logs, delivery, publishing)."""

__all__: list[str] = []
