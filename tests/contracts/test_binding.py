import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.binding import InvalidRecordError, from_kafka, to_kafka
from contracts.intake import NotificationReceived
from tests.factories import notification_event
from tests.people import CHILD


def headers_of(record):
    return dict(record.headers)


class TestRoundTrip:
    def test_event_survives_the_wire(self):
        event = notification_event()
        record = to_kafka(event)
        back = from_kafka(record.headers, record.value)
        assert back.envelope == event.envelope
        assert back.data == event.data
        assert isinstance(back.data, NotificationReceived)

    def test_binary_mode_headers_and_key(self):
        event = notification_event()
        record = to_kafka(event)
        headers = headers_of(record)
        assert record.key == event.envelope.caseid.encode()
        assert headers["content-type"] == b"application/json"
        assert headers["ce_specversion"] == b"1.0"
        assert headers["ce_type"] == b"dk.casehub.notification.received"
        assert headers["ce_municipality"] == b"101"
        assert headers["ce_contractversion"] == b"1"
        assert headers["ce_classification"] == b"sensitive"
        assert json.loads(record.value)["child_cpr"] == CHILD
        assert CHILD.encode() not in b"".join(v for _, v in record.headers)


class TestRejects:
    def replace_header(self, record, name, value):
        return [(k, value if k == name else v) for k, v in record.headers]

    def test_unknown_type(self):
        record = to_kafka(notification_event())
        with pytest.raises(
            InvalidRecordError, match=r"header ce_type: no contract dk\.casehub\.nope v1"
        ):
            from_kafka(self.replace_header(record, "ce_type", b"dk.casehub.nope"), record.value)

    def test_missing_attribute(self):
        record = to_kafka(notification_event())
        headers = [(k, v) for k, v in record.headers if k != "ce_caseid"]
        with pytest.raises(InvalidRecordError, match="header ce_caseid: Field required"):
            from_kafka(headers, record.value)

    def test_wrong_content_type_and_unknown_attribute_reported_together(self):
        record = to_kafka(notification_event())
        headers = [*self.replace_header(record, "content-type", b"text/xml"), ("ce_colour", b"red")]
        with pytest.raises(InvalidRecordError) as caught:
            from_kafka(headers, record.value)
        assert [where for where, _ in caught.value.problems] == [
            "header content-type",
            "header ce_colour",
        ]

    def test_not_utf8_header(self):
        record = to_kafka(notification_event())
        with pytest.raises(InvalidRecordError, match="header ce_id: not UTF-8 text"):
            from_kafka(self.replace_header(record, "ce_id", b"\xff\xfe"), record.value)

    def test_wrong_classification_header(self):
        record = to_kafka(notification_event())
        with pytest.raises(InvalidRecordError, match="must be sensitive"):
            from_kafka(self.replace_header(record, "ce_classification", b"public"), record.value)

    def test_data_failing_its_contract_names_fields_not_values(self):
        record = to_kafka(notification_event())
        data = json.loads(record.value)
        bad_cpr = CHILD[:2] + "13" + CHILD[4:]
        data.update(child_cpr=bad_cpr, reasons=[], colour="red")
        data[CHILD] = "a key can be a CPR number too"
        with pytest.raises(InvalidRecordError) as caught:
            from_kafka(record.headers, json.dumps(data).encode())
        assert sorted(caught.value.problems) == [
            ("data", "unknown field (its name is not repeated)"),
            ("data", "unknown field (its name is not repeated)"),
            ("data.child_cpr", "not a CPR number: no such birth date"),
            ("data.reasons", "Tuple should have at least 1 item after validation, not 0"),
        ]
        assert bad_cpr not in str(caught.value)
        assert CHILD not in str(caught.value)
        assert "colour" not in str(caught.value)

    def test_missing_value(self):
        record = to_kafka(notification_event())
        with pytest.raises(InvalidRecordError, match="value: missing"):
            from_kafka(record.headers, None)

    @given(st.binary(max_size=512))
    def test_arbitrary_bytes_give_a_clear_error(self, value):
        record = to_kafka(notification_event())
        with pytest.raises(InvalidRecordError):
            from_kafka(record.headers, value)


class TestArbitraryInput:
    header_names = st.sampled_from(
        ["content-type", "ce_id", "ce_type", "ce_contractversion", "ce_caseid", "ce_x", "other"]
    )

    @given(
        st.lists(
            st.tuples(header_names | st.text(max_size=12), st.none() | st.binary(max_size=40)),
            max_size=12,
        ),
        st.none() | st.binary(max_size=200),
    )
    def test_arbitrary_headers_and_value_give_a_clear_error(self, headers, value):
        with pytest.raises(InvalidRecordError) as caught:
            from_kafka(headers, value)
        assert caught.value.problems

    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=8), inner, max_size=3)
            ),
            max_leaves=15,
        )
    )
    def test_arbitrary_json_data_gives_a_clear_error(self, data):
        record = to_kafka(notification_event())
        with pytest.raises(InvalidRecordError) as caught:
            from_kafka(record.headers, json.dumps(data).encode())
        assert all(where.startswith("data") for where, _ in caught.value.problems)
