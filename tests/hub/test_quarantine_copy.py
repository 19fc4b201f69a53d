"""The quarantine copy without a broker: whole when it fits, bounded when it does not.

``SizedBroker`` (tests/offline_delivery.py) refuses what aiokafka's producer would refuse
with the hub's ``max_request_size``, so ``Quarantine.put`` meets the same
``MessageSizeTooLargeError`` as on the real broker (tests/hub/test_record_size_kafka.py).
"""

import base64
import json
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError
from aiokafka.record.default_records import DefaultRecordBatchBuilder

from hub.runtime.provision import DEFAULT_MAX_RECORD_BYTES
from hub.runtime.quarantine import (
    BOUNDED_HEADER_BYTES,
    Quarantine,
    bounded_copy,
    original_headers,
    quarantine_limit,
    whole_copy,
)
from tests.offline_delivery import SizedBroker, copy_size

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TOPIC = "casehub.101.person.v1"


def record(value=b"{}", headers=(), key=b"C-1", offset=7):
    return SimpleNamespace(
        topic=TOPIC, partition=2, offset=offset, key=key, value=value, headers=list(headers)
    )


def envelope_headers():
    return [
        ("content-type", b"application/json"),
        ("ce_id", str(uuid.uuid4()).encode()),
        ("ce_type", b"dk.casehub.person.lookup-requested"),
        ("ce_caseid", b"C-1"),
    ]


class TestWholeCopy:
    def test_keeps_key_value_and_the_exact_headers_with_binary_and_duplicate_ones(self):
        headers = [*envelope_headers(), ("x-bin", b"\xff\x00"), ("x-dup", b"1"), ("x-dup", b"2")]
        copy = whole_copy(record(b"\x00value", headers), error="E", reason="why", group="g", at=AT)
        assert (copy.key, copy.value) == (b"C-1", b"\x00value")
        assert original_headers(copy.headers) == headers
        assert copy.headers["ce_type"] == "dk.casehub.person.lookup-requested"
        assert not copy.truncated

    def test_the_incident_record_fits_a_quarantine_at_three_times_the_source_limit(self):
        # The record that stalled its partition: a 1,020,000-byte value, a 20 kB header.
        incident = record(b"v" * 1_020_000, [*envelope_headers(), ("x-trace", b"t" * 20_000)])
        copy = whole_copy(incident, error="ContractError", reason="data: invalid", group="g", at=AT)
        assert copy_size(copy) > 1_048_576, "too large for the limits at 692d1ec"
        assert copy_size(copy) <= quarantine_limit(DEFAULT_MAX_RECORD_BYTES)

    @pytest.mark.parametrize("header_share", [0.0, 0.5, 0.99])
    def test_a_record_at_the_source_limit_fits_whole_whatever_share_its_headers_take(
        self, header_share
    ):
        limit = DEFAULT_MAX_RECORD_BYTES
        in_headers = int(limit * header_share)
        headers = [*envelope_headers(), ("x-pad", b"p" * in_headers)]
        value = b"v" * (limit - in_headers - 1024)
        at_limit = record(value, headers)
        assert (
            DefaultRecordBatchBuilder.estimate_size_in_bytes(at_limit.key, value, headers) <= limit
        )
        copy = whole_copy(at_limit, error="E", reason="r" * 300, group="casehub.recorder", at=AT)
        assert copy_size(copy) <= quarantine_limit(limit)


class TestBoundedCopy:
    def test_keeps_the_headers_in_order_as_far_as_they_fit_and_says_what_it_left_out(self):
        pads = [(f"x-pad-{n}", b"p" * 10_000) for n in range(20)]  # 200 kB of headers
        big = record(b"v" * 2_097_152, [*envelope_headers(), *pads])
        copy = bounded_copy(big, error="ContractError", reason="data: invalid", group="g", at=AT)
        kept = original_headers(copy.headers)
        assert kept == big.headers[: len(kept)], "a prefix, in the original order"
        assert 4 < len(kept) < len(big.headers)
        assert copy.value == b""
        assert copy.key == b"C-1"
        assert copy.truncated
        dropped = len(big.headers) - len(kept)
        dropped_bytes = sum(len(n) + len(v) for n, v in big.headers[len(kept) :])
        assert copy.headers["quarantine_reason"] == (
            "data: invalid; quarantine copy truncated: value 2097152 bytes not kept, "
            f"{dropped} of {len(big.headers)} headers ({dropped_bytes} bytes) not kept, "
            f"read it at {TOPIC}:2:7"
        )
        assert copy.headers["ce_type"] == "dk.casehub.person.lookup-requested"  # for filters
        assert "x-pad-19" not in copy.headers
        assert (copy.headers["quarantine_topic"], copy.headers["quarantine_offset"]) == (TOPIC, "7")

    def test_is_bounded_whatever_the_record(self):
        huge = record(b"v" * 5_000_000, [("x", b"h" * 3_000_000)], key=b"k" * 100_000)
        copy = bounded_copy(huge, error="E", reason="r" * 50_000, group="g", at=AT)
        assert copy_size(copy) < BOUNDED_HEADER_BYTES + 8 * 1024
        assert copy.key is None
        assert "key 100000 bytes not kept" in copy.headers["quarantine_reason"]
        assert original_headers(copy.headers) == []

    def test_small_headers_are_all_kept_and_not_reported_missing(self):
        copy = bounded_copy(
            record(b"v" * 10, envelope_headers()), error="E", reason="r", group="g", at=AT
        )
        kept = original_headers(copy.headers)
        assert [name for name, _value in kept] == [name for name, _value in envelope_headers()]
        assert copy.headers["quarantine_truncated"] == (
            f"value 10 bytes not kept, read it at {TOPIC}:2:7"
        )

    def test_a_header_costs_its_readable_and_its_base64_form(self):
        # 30,000 bytes readable plus 40,000 in base64: over 64 KiB, though 30,000 < 64 KiB.
        headers = [("a", b"x" * 20_000), ("b", b"x" * 30_000)]
        copy = bounded_copy(record(headers=headers), error="E", reason="r", group="g", at=AT)
        assert original_headers(copy.headers) == headers[:1]
        assert json.loads(copy.headers["quarantine_original_headers"]) == [
            ["a", base64.b64encode(headers[0][1]).decode()]
        ]


class TestPut:
    async def test_the_common_case_is_published_whole(self):
        broker = SizedBroker(quarantine_limit(DEFAULT_MAX_RECORD_BYTES))
        quarantine = Quarantine()
        quarantine.bind(broker)
        source = record(b"v" * 1_020_000, [*envelope_headers(), ("x-trace", b"t" * 20_000)])
        await quarantine.put(source, error="E", reason="why", group="g")
        ((topic, key, value, headers),) = broker.published
        assert (topic, key, value) == (f"{TOPIC}.quarantine", b"C-1", source.value)
        assert original_headers(headers) == source.headers
        assert broker.refused == 0

    async def test_a_copy_the_producer_refuses_is_replaced_by_a_bounded_one(self):
        broker = SizedBroker(quarantine_limit(DEFAULT_MAX_RECORD_BYTES))
        quarantine = Quarantine()
        quarantine.bind(broker)
        source = record(b"v" * 3_500_000, envelope_headers())
        await quarantine.put(source, error="E", reason="why", group="g")
        ((_topic, key, value, headers),) = broker.published
        assert (key, value, broker.refused) == (b"C-1", b"", 1)
        assert headers["quarantine_reason"].startswith(
            "why; quarantine copy truncated: value 3500000 bytes not kept"
        )
        assert headers["quarantine_reason"].endswith(f"read it at {TOPIC}:2:7")

    async def test_a_quarantine_refusing_the_bounded_copy_gets_the_minimal_one(self):
        broker = SizedBroker(16 * 1024)
        quarantine = Quarantine()
        quarantine.bind(broker)
        pads = [(f"x-pad-{n}", b"p" * 1000) for n in range(30)]  # 30 kB: kept in a bounded copy
        source = record(b"v" * 100_000, [*envelope_headers(), *pads])
        await quarantine.put(source, error="E", reason="why", group="g")
        ((_topic, _key, value, headers),) = broker.published
        assert (value, broker.refused) == (b"", 2)
        assert original_headers(headers) == []
        assert "34 of 34 headers" in headers["quarantine_reason"]

    async def test_a_quarantine_refusing_a_few_hundred_bytes_leaves_it_unrecorded(self):
        quarantine = Quarantine()
        quarantine.bind(SizedBroker(200))
        with pytest.raises(MessageSizeTooLargeError):
            await quarantine.put(record(), error="E", reason="why", group="g")

    async def test_a_broker_that_cannot_be_reached_is_not_answered_with_a_bounded_copy(self):
        broker = SizedBroker(quarantine_limit(DEFAULT_MAX_RECORD_BYTES), down=True)
        quarantine = Quarantine()
        quarantine.bind(broker)
        with pytest.raises(KafkaConnectionError):
            await quarantine.put(record(), error="E", reason="why", group="g")
        assert broker.published == []
