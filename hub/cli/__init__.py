"""``casehub``: the command line, every command group in its own module (``main`` joins them).

Empty on purpose: a command module (``hub.components.deadlines.commands``) loads without the others.
"""

__all__: list[str] = []
