"""Intake: notifications (underretninger) and inquiries about a child, up to the receipt."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Self

from pydantic import model_validator

from contracts.base import Contract, Record
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.cpr import Cpr
from contracts.guards import Timestamp
from contracts.problems import cross_field

__all__ = [
    "AssessmentOutcome",
    "Channel",
    "InquiryKind",
    "InquiryReceived",
    "NotificationAssessed",
    "NotificationReason",
    "NotificationReceiptSent",
    "NotificationReceived",
    "Notifier",
    "NotifierKind",
    "NotifierRelation",
]


class NotifierKind(StrEnum):
    """Who made the notification; decides the duty it was made under."""

    PROFESSIONAL = "professional"  # duty to notify: BL §133 (SEL §153)
    CITIZEN = "citizen"  # everyone's duty: BL §135 (SEL §154)
    MUNICIPALITY = "municipality"  # another municipality: BL §132 (SEL §152)
    ANONYMOUS = "anonymous"


class NotifierRelation(StrEnum):
    """The notifier's relation to the child, as Danmarks Statistik counts it."""

    SCHOOL = "school"
    DAYCARE = "daycare"
    HEALTH = "health"  # health visitor, general practitioner, hospital
    POLICE = "police"
    SOCIAL_SERVICES = "social_services"
    OTHER_MUNICIPALITY = "other_municipality"
    PARENT = "parent"
    FAMILY_OR_NETWORK = "family_or_network"
    CHILD = "child"  # the child or young person themself
    NEIGHBOUR_OR_ACQUAINTANCE = "neighbour_or_acquaintance"
    ANONYMOUS = "anonymous"
    OTHER = "other"


class NotificationReason(StrEnum):
    """Why the notifier is concerned; several may apply."""

    VIOLENCE = "violence"
    SEXUAL_ABUSE = "sexual_abuse"
    NEGLECT = "neglect"
    DOMESTIC_VIOLENCE = "domestic_violence"
    PARENT_SUBSTANCE_ABUSE = "parent_substance_abuse"
    PARENT_MENTAL_ILLNESS = "parent_mental_illness"
    CHILD_SUBSTANCE_ABUSE = "child_substance_abuse"
    CHILD_MENTAL_HEALTH = "child_mental_health"
    CHILD_BEHAVIOUR = "child_behaviour"
    CRIME = "crime"
    SCHOOL_ABSENCE = "school_absence"
    HOUSING_OR_FINANCES = "housing_or_finances"
    UNBORN_CHILD = "unborn_child"
    OTHER = "other"


class Channel(StrEnum):
    """How the notification reached the municipality."""

    EFORM = "eform"
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    IN_PERSON = "in_person"
    DIGITAL_POST = "digital_post"


class Notifier(Record):
    """Who made the notification. Anonymous notifiers carry no identity at all."""

    kind: NotifierKind = classified("The kind of notifier, which decides the duty.", C.INTERNAL)
    relation: NotifierRelation = classified("The notifier's relation to the child.", C.INTERNAL)
    name: str | None = classified(
        "The notifier's name, when given; never for an anonymous notifier.",
        C.PERSONAL,
        default=None,
        max_length=200,
    )
    organisation: str | None = classified(
        "The school, daycare or authority a professional notifier acts for.",
        C.INTERNAL,
        default=None,
        max_length=200,
    )

    @model_validator(mode="after")
    def _anonymous_has_no_name(self) -> Self:
        if self.kind is NotifierKind.ANONYMOUS and self.name is not None:
            msg = "an anonymous notifier has no name"
            raise cross_field(msg, "kind", "name")
        return self


class NotificationReceived(Contract):
    """A notification (underretning) about a child has been received by the municipality.

    Starts the 24-hour acute assessment (BL §136) and the 6-working-day receipt (BL §137).
    For an unborn child the notification is registered on the expectant mother.
    """

    event_type: ClassVar[str] = "dk.casehub.notification.received"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "intake"

    notification_id: str = classified(
        "The notification's id, stable across resubmissions of the same form.",
        C.INTERNAL,
        min_length=1,
        max_length=64,
    )
    received_at: Timestamp = classified(
        "When the municipality received the notification; the legal clocks start here.",
        C.INTERNAL,
    )
    child_cpr: Cpr | None = classified(
        "The child's CPR number; absent only for an unborn child.", C.PERSONAL, default=None
    )
    unborn: bool = classified(
        "True when the notification concerns an unborn child.", C.INTERNAL, default=False
    )
    mother_cpr: Cpr | None = classified(
        "The expectant mother's CPR number, for an unborn child only.", C.PERSONAL, default=None
    )
    notifier: Notifier = classified("Who made the notification.", C.PERSONAL)
    reasons: tuple[NotificationReason, ...] = classified(
        "Why the notifier is concerned; at least one.", C.SENSITIVE, min_length=1, max_length=14
    )
    channel: Channel = classified("How the notification arrived.", C.INTERNAL)
    acute: bool = classified(
        "The notifier considers the child in acute danger.", C.SENSITIVE, default=False
    )
    summary: str = classified(
        "The notification's text as written by the notifier.",
        C.SENSITIVE,
        min_length=1,
        max_length=20_000,
    )

    @model_validator(mode="after")
    def _child_or_unborn(self) -> Self:
        if self.unborn:
            if self.mother_cpr is None or self.child_cpr is not None:
                msg = "an unborn child is registered on mother_cpr, without child_cpr"
                raise cross_field(msg, "unborn", "mother_cpr", "child_cpr")
        elif self.child_cpr is None or self.mother_cpr is not None:
            msg = "child_cpr is required (mother_cpr is for an unborn child only)"
            raise cross_field(msg, "unborn", "child_cpr", "mother_cpr")
        return self

    @property
    def registered_cpr(self) -> Cpr:
        """The number the case is registered on: the child's, or the mother's if unborn."""
        cpr = self.mother_cpr if self.unborn else self.child_cpr
        if cpr is None:  # pragma: no cover - the validator rules it out
            raise AssertionError
        return cpr


class AssessmentOutcome(StrEnum):
    """What the 24-hour assessment concluded."""

    ACUTE_ACTION = "acute_action"  # the child is in acute danger: act now
    INVESTIGATE = "investigate"  # open a child investigation (BL §20)
    OTHER_SUPPORT = "other_support"  # guidance or a measure without investigation
    NO_ACTION = "no_action"
    ALREADY_KNOWN = "already_known"  # added to an open case


class NotificationAssessed(Contract):
    """The municipality has assessed a notification for acute danger (BL §136, SEL §155 stk. 2).

    Due within 24 hours, wall clock, weekends included, of ``NotificationReceived``.
    """

    event_type: ClassVar[str] = "dk.casehub.notification.assessed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "intake"

    notification_id: str = classified(
        "The assessed notification.", C.INTERNAL, min_length=1, max_length=64
    )
    assessed_at: Timestamp = classified("When the assessment was made.", C.INTERNAL)
    acute_danger: bool = classified("The child was found to be in acute danger.", C.SENSITIVE)
    outcome: AssessmentOutcome = classified("What the assessment concluded.", C.SENSITIVE)
    rationale: str = classified(
        "The case worker's reasoning.", C.SENSITIVE, min_length=1, max_length=20_000
    )


class NotificationReceiptSent(Contract):
    """A professional notifier has been sent the receipt (BL §137, SEL §155 b).

    Due within 6 working days of ``NotificationReceived``; the letter itself goes through
    ``LetterRequested``, and this fact names it.
    """

    event_type: ClassVar[str] = "dk.casehub.notification.receipt-sent"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "intake"

    notification_id: str = classified(
        "The notification acknowledged.", C.INTERNAL, min_length=1, max_length=64
    )
    sent_at: Timestamp = classified("When the receipt was sent.", C.INTERNAL)
    letter_id: str = classified(
        "The letter that carried the receipt.", C.INTERNAL, min_length=1, max_length=64
    )


class InquiryKind(StrEnum):
    """What the parents or the young person asked for."""

    ADVICE = "advice"  # free family counselling (BL §30, SEL §11)
    MEASURE = "measure"  # an application for a supporting measure
    PLACEMENT = "placement"  # an application for placement outside the home
    OTHER = "other"


class InquiryReceived(Contract):
    """The parents or the young person have asked the municipality for help (an application).

    Unlike a notification, an inquiry comes from the family itself; it starts the same
    clarification (Afklaring) but no receipt duty.
    """

    event_type: ClassVar[str] = "dk.casehub.inquiry.received"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "intake"

    inquiry_id: str = classified("The inquiry's id.", C.INTERNAL, min_length=1, max_length=64)
    received_at: Timestamp = classified("When the municipality received it.", C.INTERNAL)
    child_cpr: Cpr = classified("The child the inquiry is about.", C.PERSONAL)
    applicant_cpr: Cpr | None = classified(
        "The parent who applied; absent when the young person applied.", C.PERSONAL, default=None
    )
    kind: InquiryKind = classified("What was asked for.", C.SENSITIVE)
    channel: Channel = classified("How the inquiry arrived.", C.INTERNAL)
    text: str = classified(
        "The inquiry as written or recorded.", C.SENSITIVE, min_length=1, max_length=20_000
    )
