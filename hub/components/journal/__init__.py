"""The case journal: every step of a case, across its sub-processes, as a masked read model."""

from hub.components.journal.component import COMPONENT, NAME, STORE, step_key
from hub.components.journal.read import read_journal
from hub.components.journal.steps import MASK, step_of

__all__ = ["COMPONENT", "MASK", "NAME", "STORE", "read_journal", "step_key", "step_of"]
