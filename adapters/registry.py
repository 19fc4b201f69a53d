"""Every component the hub can run, in one explicit tuple: the registry.

The composition root, the default routes, the settings schema, ``casehub standins`` and the
command line are derived from ``COMPONENTS``. Adding a component is a package exporting a
``ComponentSpec`` and one line here. Outside ``adapters/`` (and the tests) this is the only
module that names adapters.
"""

from __future__ import annotations

from typing import Any

from adapters.appeals import COMPONENT as APPEALS
from adapters.archive import COMPONENT as ARCHIVE
from adapters.cpr import COMPONENT as CPR
from adapters.digitalpost import COMPONENT as DIGITALPOST
from adapters.documents import COMPONENT as DOCUMENTS
from adapters.eform import COMPONENT as EFORM
from adapters.finance import COMPONENT as FINANCE
from adapters.handover import COMPONENT as HANDOVER
from adapters.rigsarkivet import COMPONENT as RIGSARKIVET
from adapters.statistics import COMPONENT as STATISTICS
from hub.components.deadlines.component import COMPONENT as DEADLINES
from hub.components.journal import COMPONENT as JOURNAL
from hub.components.outcomes import COMPONENT as OUTCOMES
from hub.components.triage import COMPONENT as TRIAGE
from hub.runtime.component import ComponentSpec

__all__ = ["COMPONENTS"]

COMPONENTS: tuple[ComponentSpec[Any], ...] = (
    EFORM,
    DOCUMENTS,
    TRIAGE,
    CPR,
    DIGITALPOST,
    ARCHIVE,
    STATISTICS,
    APPEALS,
    DEADLINES,
    FINANCE,
    HANDOVER,
    JOURNAL,
    RIGSARKIVET,
    OUTCOMES,
)
