"""KLE numbers: the municipalities' shared classification of cases and documents.

A KLE number is subject group, main group and subject (``27.24.03``), optionally with a
handling facet (``27.24.03G01``); ESDH systems file every case under one.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

__all__ = ["Kle"]

Kle = Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}\.\d{2}(?:[A-Z]\d{2})?$")]
"""A KLE number, ``NN.NN.NN`` with an optional handling facet such as ``G01``."""
