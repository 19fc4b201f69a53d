"""The audit record and its builder: deterministic ids, principals, and no CPR number ever."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from contracts.operations import AuditAction, AuditRecorded
from hub.runtime.audit import (
    Auditor,
    audit_event,
    audit_id,
    component_principal,
    operator_principal,
)
from tests.factories import notification_event
from tests.people import CHILD


def record(**changes):
    fields = {
        "action": AuditAction.CPR_LOOKUP,
        "principal": "component:cpr:casehub-host",
        "subject_ref": "event:5f0c1b9e-2d1a-4c9e-8f37-0a6b1c2d3e4f",
        "reason": "event:5f0c1b9e-2d1a-4c9e-8f37-0a6b1c2d3e4f (dk.casehub.person.lookup-requested)",
        "recorded_at": datetime.now(UTC),
    }
    return AuditRecorded.model_validate({**fields, **changes})


class TestAuditRecorded:
    @pytest.mark.parametrize("field", ["reason", "subject_ref"])
    @pytest.mark.parametrize("cpr", [CHILD, f"{CHILD[:6]}-{CHILD[6:]}"])
    def test_a_cpr_number_is_refused_and_not_quoted(self, field, cpr):
        with pytest.raises(ValidationError) as caught:
            record(**{field: f"child {cpr}"})
        assert cpr not in str(caught.value)
        assert cpr not in repr(caught.value.errors(include_input=False))

    def test_an_event_id_is_a_reference_not_a_cpr_number(self):
        assert record().subject_ref.startswith("event:")


class TestIds:
    def test_the_same_trigger_and_action_give_the_same_id(self):
        assert audit_id("e-1", AuditAction.CPR_LOOKUP) == audit_id("e-1", AuditAction.CPR_LOOKUP)

    def test_another_trigger_or_action_gives_another_id(self):
        ids = {
            audit_id("e-1", AuditAction.CPR_LOOKUP),
            audit_id("e-2", AuditAction.CPR_LOOKUP),
            audit_id("e-1", AuditAction.DECRYPTION),
        }
        assert len(ids) == 3


class TestPrincipals:
    def test_a_component_is_named_with_its_instance_within_a_record_id(self):
        principal = component_principal("cpr", "casehub", "pod/with spaces" + "x" * 80)
        assert principal.startswith("component:cpr:casehub-pod-with-spaces")
        assert len(principal) == 64
        record(principal=principal)  # a valid RecordId

    @pytest.mark.parametrize("name", ["", "a b", "-x", "al/ice"])
    def test_an_operator_must_be_a_login_name(self, name):
        with pytest.raises(ValueError, match="login name"):
            operator_principal(name)


async def test_the_auditor_records_the_event_it_is_given_before_returning():
    published = []

    async def publish(event):
        published.append(event)
        return "topic"

    cause = notification_event("101")
    auditor = Auditor(publish, principal="component:cpr:casehub-a", source="urn:casehub:hub:cpr")
    await auditor.record(cause, AuditAction.CPR_LOOKUP)
    await auditor.record(cause, AuditAction.CPR_LOOKUP)  # a retry
    first, again = published
    assert (
        first.envelope.id
        == again.envelope.id
        == audit_id(cause.envelope.id, AuditAction.CPR_LOOKUP)
    )
    assert first.envelope.causationid == cause.envelope.id
    assert first.envelope.municipality == "101"
    assert first.envelope.caseid == cause.envelope.caseid
    assert first.data.subject_ref == f"event:{cause.envelope.id}"
    assert CHILD not in first.model_dump_json()


def test_audit_event_uses_the_audit_topic_domain():
    event = audit_event(
        AuditAction.QUARANTINE_REPLAY,
        principal="operator:alice",
        municipality="101",
        case_id="C-1",
        subject_ref="event:e-1",
        reason="agreement renewed",
        trigger="t",
        source="urn:casehub:quarantine-replay",
    )
    assert type(event.data).domain == "audit"
