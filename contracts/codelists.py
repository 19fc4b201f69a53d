"""The outcome code lists as data: each code's Danish label, the list's source and version.

One place holds every list the outcome contracts code against, so the extract's data
dictionary, the docs and a vendor's mapping read the same labels. A list changes only by a
new version here (and a new contract version if a code goes away: the compatibility gate).

Which list is used, and why (``docs/outcomes.md`` says the same): KL's *Fælles Faglige
Begreber* (FFB) is the common language the KL project asks for, but its children's-area
catalogue could not be checked from here (no access beyond package registries), so the
conditions are the ten ICS dimensions of the assessment triangle the hub already carries
(``contracts.ics``), and severity is the five-step problem scale FFB takes from WHO's ICF
(ingen, lette, moderate, svære, fuldstændige). Both are marked unverified against FFB.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import Final

from contracts.ics import IcsDimension

__all__ = [
    "CODE_LISTS",
    "CONDITIONS",
    "GOAL_ATTAINMENT",
    "INFORMANTS",
    "INSTRUMENTS",
    "SEVERITY",
    "TIME_POINTS",
    "CodeList",
    "GoalAttainment",
    "Informant",
    "Instrument",
    "Severity",
    "TimePoint",
]


@dataclass(frozen=True, slots=True)
class CodeList:
    """One code list: its name, where it comes from, its version and a label per code."""

    name: str
    source: str
    version: str
    labels: Mapping[str, str]

    def label(self, code: str) -> str:
        """The Danish label of one code.

        Raises:
            KeyError: the code is not on this list.

        """
        return self.labels[code]


class Severity(IntEnum):
    """How severe a condition is: the ICF qualifier steps FFB uses (0 none … 4 complete)."""

    NONE = 0
    MILD = 1
    MODERATE = 2
    SEVERE = 3
    COMPLETE = 4


class TimePoint(StrEnum):
    """When, relative to the measure, something was assessed or measured."""

    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


class Informant(StrEnum):
    """Who answered or rated."""

    CHILD = "child"
    PARENT = "parent"
    TEACHER = "teacher"
    CASE_WORKER = "case_worker"


class GoalAttainment(StrEnum):
    """How far a goal of the child's plan has been reached."""

    NOT_ATTAINED = "not_attained"
    PARTLY_ATTAINED = "partly_attained"
    ATTAINED = "attained"


class Instrument(StrEnum):
    """The progression instruments the contracts carry."""

    TRIVSELSLINEALEN = "trivselslinealen"
    SDQ = "sdq"
    ORS = "ors"
    SRS = "srs"


def _list(name: str, source: str, version: str, labels: dict[str, str]) -> CodeList:
    return CodeList(name, source, version, MappingProxyType(labels))


_CASEHUB = "casehub (DOMAIN.md); unverified against KL's Fælles Faglige Begreber"

CONDITIONS: Final = _list(
    "conditions",
    "ICS assessment triangle, ten dimensions as in DOMAIN.md §1; " + _CASEHUB,
    "2026.1",
    {
        IcsDimension.HEALTH: "Sundhed",
        IcsDimension.DEVELOPMENT_AND_BEHAVIOUR: "Udvikling og adfærd",
        IcsDimension.DAYCARE_SCHOOL_AND_LEARNING: "Dagtilbud, skole og læring",
        IcsDimension.LEISURE_AND_FRIENDSHIPS: "Fritid og venskaber",
        IcsDimension.SAFE_CARE_ENVIRONMENT: "Sikker omsorg",
        IcsDimension.STIMULATION_AND_GUIDANCE: "Stimulering og vejledning",
        IcsDimension.SUPPORT_OF_RELATIONSHIPS: "Støtte til relationer",
        IcsDimension.FAMILY_BACKGROUND: "Familiens baggrund",
        IcsDimension.HOUSING_EMPLOYMENT_AND_FINANCES: "Bolig, beskæftigelse og økonomi",
        IcsDimension.SOCIAL_NETWORK: "Socialt netværk",
    },
)
SEVERITY: Final = _list(
    "severity",
    "WHO ICF generic qualifier, as used by Fælles Faglige Begreber; " + _CASEHUB,
    "2026.1",
    {
        str(Severity.NONE.value): "Ingen problemer",
        str(Severity.MILD.value): "Lette problemer",
        str(Severity.MODERATE.value): "Moderate problemer",
        str(Severity.SEVERE.value): "Svære problemer",
        str(Severity.COMPLETE.value): "Fuldstændige problemer",
    },
)
TIME_POINTS: Final = _list(
    "time_points",
    _CASEHUB,
    "2026.1",
    {
        TimePoint.BEFORE: "Før indsatsen",
        TimePoint.DURING: "Under indsatsen",
        TimePoint.AFTER: "Efter indsatsen",
    },
)
INFORMANTS: Final = _list(
    "informants",
    _CASEHUB,
    "2026.1",
    {
        Informant.CHILD: "Barnet eller den unge",
        Informant.PARENT: "Forælder",
        Informant.TEACHER: "Lærer eller pædagog",
        Informant.CASE_WORKER: "Sagsbehandler",
    },
)
GOAL_ATTAINMENT: Final = _list(
    "goal_attainment",
    _CASEHUB,
    "2026.1",
    {
        GoalAttainment.NOT_ATTAINED: "Ikke opnået",
        GoalAttainment.PARTLY_ATTAINED: "Delvist opnået",
        GoalAttainment.ATTAINED: "Opnået",
    },
)
INSTRUMENTS: Final = _list(
    "instruments",
    "DUBU (Trivselslinealen); Goodman, sdqinfo.org (SDQ); Miller & Duncan (FIT: ORS, SRS)",
    "2026.1",
    {
        Instrument.TRIVSELSLINEALEN: "Trivselslinealen (1-10)",
        Instrument.SDQ: "SDQ - Styrker og vanskeligheder",
        Instrument.ORS: "FIT - Outcome Rating Scale",
        Instrument.SRS: "FIT - Session Rating Scale",
    },
)

CODE_LISTS: Final = MappingProxyType(
    {
        c.name: c
        for c in (CONDITIONS, SEVERITY, TIME_POINTS, INFORMANTS, GOAL_ATTAINMENT, INSTRUMENTS)
    }
)
"""Every outcome code list by name."""
