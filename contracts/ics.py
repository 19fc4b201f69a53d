"""The ICS assessment triangle: three sides, ten dimensions (DOMAIN.md §1).

The triangle is a record with one field per dimension rather than a list, so a completed
investigation cannot leave a dimension out or assess one twice, and the JSON Schema says so.
"""

from __future__ import annotations

from enum import StrEnum

from contracts.base import Record
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified

__all__ = [
    "ChildDevelopment",
    "DimensionAssessment",
    "FamilyAndNetwork",
    "IcsDimension",
    "IcsRating",
    "IcsSide",
    "IcsTriangle",
    "ParentingCapacity",
]


class IcsSide(StrEnum):
    """A side of the triangle."""

    CHILD_DEVELOPMENT = "child_development"
    PARENTING_CAPACITY = "parenting_capacity"
    FAMILY_AND_NETWORK = "family_and_network"


class IcsDimension(StrEnum):
    """One of the ten dimensions; ``side`` says which side of the triangle it is on."""

    HEALTH = "health"
    DEVELOPMENT_AND_BEHAVIOUR = "development_and_behaviour"
    DAYCARE_SCHOOL_AND_LEARNING = "daycare_school_and_learning"
    LEISURE_AND_FRIENDSHIPS = "leisure_and_friendships"
    SAFE_CARE_ENVIRONMENT = "safe_care_environment"
    STIMULATION_AND_GUIDANCE = "stimulation_and_guidance"
    SUPPORT_OF_RELATIONSHIPS = "support_of_relationships"
    FAMILY_BACKGROUND = "family_background"
    HOUSING_EMPLOYMENT_AND_FINANCES = "housing_employment_and_finances"
    SOCIAL_NETWORK = "social_network"

    @property
    def side(self) -> IcsSide:
        """The side of the triangle this dimension belongs to."""
        return _SIDES[self]


_SIDES = {
    **dict.fromkeys(list(IcsDimension)[:4], IcsSide.CHILD_DEVELOPMENT),
    **dict.fromkeys(list(IcsDimension)[4:7], IcsSide.PARENTING_CAPACITY),
    **dict.fromkeys(list(IcsDimension)[7:], IcsSide.FAMILY_AND_NETWORK),
}


class IcsRating(StrEnum):
    """The case worker's structured rating of one dimension."""

    RESOURCE = "resource"
    PARTLY_RESOURCE = "partly_resource"
    CONCERN = "concern"
    SERIOUS_CONCERN = "serious_concern"
    NOT_ASSESSED = "not_assessed"


class DimensionAssessment(Record):
    """The assessment of one dimension: a structured rating and the case worker's text."""

    rating: IcsRating = classified("The structured rating.", C.SENSITIVE)
    text: str = classified(
        "The case worker's assessment in words.", C.SENSITIVE, min_length=1, max_length=20_000
    )


def _dimension(label: str) -> DimensionAssessment:
    return classified(f"The assessment of {label}.", C.SENSITIVE)  # type: ignore[no-any-return]


class ChildDevelopment(Record):
    """The child's development: four dimensions."""

    health: DimensionAssessment = _dimension("health")
    development_and_behaviour: DimensionAssessment = _dimension("development and behaviour")
    daycare_school_and_learning: DimensionAssessment = _dimension("daycare, school and learning")
    leisure_and_friendships: DimensionAssessment = _dimension("leisure and friendships")


class ParentingCapacity(Record):
    """The parents' capacity: three dimensions."""

    safe_care_environment: DimensionAssessment = _dimension("a safe care environment")
    stimulation_and_guidance: DimensionAssessment = _dimension("stimulation and guidance")
    support_of_relationships: DimensionAssessment = _dimension("support of relationships")


class FamilyAndNetwork(Record):
    """Family and network: three dimensions."""

    family_background: DimensionAssessment = _dimension("family background")
    housing_employment_and_finances: DimensionAssessment = _dimension(
        "housing, employment and finances"
    )
    social_network: DimensionAssessment = _dimension("the social network")


class IcsTriangle(Record):
    """All ten dimensions, grouped by side."""

    child_development: ChildDevelopment = classified("The child's development.", C.SENSITIVE)
    parenting_capacity: ParentingCapacity = classified("The parents' capacity.", C.SENSITIVE)
    family_and_network: FamilyAndNetwork = classified("Family and network.", C.SENSITIVE)

    def by_dimension(self) -> dict[IcsDimension, DimensionAssessment]:
        """Every dimension's assessment, keyed by the dimension."""
        found: dict[IcsDimension, DimensionAssessment] = {}
        for side in IcsSide:
            part = getattr(self, side.value)
            for name in type(part).model_fields:
                found[IcsDimension(name)] = getattr(part, name)
        return found
