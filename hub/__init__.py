"""The hub, in rooms, each a package of its own.

``runtime`` (what components run on), ``clock`` (the legal clock, a domain library below the
adapters), ``components`` (the hub's own components), ``compose`` (the composition root) and
``cli`` (the command line).
"""

__all__: list[str] = []
