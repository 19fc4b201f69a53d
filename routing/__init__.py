"""Where messages go: topic names and routing rules."""

__all__: list[str] = []
