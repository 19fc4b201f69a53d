from hub.components.deadlines.canonical import deadlines_for_event
from tests.factories import notification_event
from tests.hub.deadlines.clock import eod, local


def test_a_decoded_notification_sets_its_two_clocks_from_received_at():
    event = notification_event(received_at="2026-11-02T09:30:00+00:00")  # 10:30 in Denmark
    assessment, receipt = deadlines_for_event(event)
    assert assessment.rule_id == "notification.acute-assessment"
    assert assessment.due_at == local(2026, 11, 3, 10, 30)
    assert receipt.rule_id == "notification.receipt"
    assert receipt.due_at == eod(2026, 11, 10)
