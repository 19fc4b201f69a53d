"""The hub's own components: triage and the legal clock's engine, plugged in like adapters."""

__all__: list[str] = []
