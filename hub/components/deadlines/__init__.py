"""The legal clock's engine as a hub component: deadlines set, met, missed, withdrawn."""

__all__: list[str] = []
