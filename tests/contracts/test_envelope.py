"""Follow-up ids: deterministic UUID v5, the same as the standard library computes."""

import uuid

from hypothesis import given
from hypothesis import strategies as st

from contracts.envelope import follow_up_id

# Changing the namespace would change every follow-up id: a redelivery after an upgrade
# would no longer be recognised. It is pinned here on purpose.
NAMESPACE = uuid.UUID("6f1d4a52-55a8-4c4e-9a47-1d2b8c0e7a31")


@given(st.text(), st.text())
def test_follow_up_id_is_the_standard_uuid5_of_cause_and_type(cause_id, event_type):
    expected = uuid.uuid5(NAMESPACE, f"{cause_id}/{event_type}")
    assert follow_up_id(cause_id, event_type) == str(expected)
    assert uuid.UUID(follow_up_id(cause_id, event_type)).version == 5


def test_follow_up_id_is_stable_across_versions():
    assert (
        follow_up_id("e-1", "dk.casehub.person.lookup-requested")
        == "f78c7de3-ddb3-5cf0-9a89-501a3aa0b309"
    )
