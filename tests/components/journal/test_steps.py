"""A journal step keeps ids, codes and times; everything that could name someone is masked."""

from hub.components.journal import MASK, step_of
from hub.components.journal.steps import in_sub_processes
from tests.factories import notification_event
from tests.people import CHILD


def test_a_notification_s_step_masks_the_child_the_notifier_and_the_text():
    event = notification_event("101")
    step = step_of(event)
    fields = step["fields"]
    assert fields["child_cpr"] == MASK
    assert fields["notifier"] == MASK  # nested: could hold a person
    assert fields["summary"] == MASK  # free text
    assert fields["channel"] == "eform"
    assert fields["notification_id"] == event.data.notification_id
    assert (step["type"], step["event_id"]) == (event.envelope.type, event.envelope.id)
    assert CHILD not in repr(step)


def test_a_step_is_in_the_sub_process_of_the_last_case_opened_before_it():
    opened = {"type": "dk.casehub.case.opened", "fields": {"sub_process": "investigation"}}
    other = {"type": "dk.casehub.case.worker-assigned", "fields": {}}
    placed = in_sub_processes([other, opened, other])
    assert [s["sub_process"] for s in placed] == [None, "investigation", "investigation"]
