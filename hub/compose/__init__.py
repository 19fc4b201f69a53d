"""The composition root: settings, routes and the app, derived from the component registry."""

__all__: list[str] = []
