"""Synthetic people for tests: CPR numbers with day + 60, so never a real person's."""

from __future__ import annotations

import datetime as dt

from hub.conformance.people import cpr_for, synthetic_cprs

__all__ = ["CHILD", "MOTHER", "cpr_for", "synthetic_cprs"]

CHILD = cpr_for(dt.date(2016, 3, 14), 123)
MOTHER = cpr_for(dt.date(1990, 7, 2), 456)
