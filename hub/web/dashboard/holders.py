"""Which instance holds which partition: the consumer groups' members, asked of the broker.

One DescribeGroups request per page view for the hub's groups; a member is named by its
Kafka client id (``CASEHUB_CLIENT_ID``) and host, never by anything a record brings.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.errors import KafkaError

from hub.runtime.kafka_access import KafkaConnection

__all__ = ["partition_holders"]

log = structlog.get_logger(__name__)


async def partition_holders(
    kafka: KafkaConnection, groups: Sequence[str]
) -> dict[tuple[str, TopicPartition], str] | None:
    """(group, partition) → the member holding it (``client id @ host``); None: not known.

    None when the broker could not be asked: the page says so and shows what this instance
    knows.
    """
    if not groups:
        return {}
    admin = AIOKafkaAdminClient(**kafka.client_options(), client_id="casehub-dashboard")
    try:
        await admin.start()
        # Only the groups the broker knows: aiokafka cannot decode the broker's answer for a
        # group that does not exist (a component not running anywhere).
        known = {listed[0] for listed in await admin.list_consumer_groups()}
        asked = [group for group in groups if group in known]
        answers = await admin.describe_consumer_groups(asked) if asked else []
    except KafkaError as exc:
        log.warning("partition_holders_unknown", error=type(exc).__name__)
        return None
    finally:
        await admin.close()
    held: dict[tuple[str, TopicPartition], str] = {}
    for answer in answers:
        for group in answer.groups:
            group_id, members = group[1], group[5]
            for member in members:
                client_id, host, assignment = member[1], member[2], member[4]
                if not assignment:
                    continue  # joining: nothing assigned yet
                decoded = ConsumerProtocolMemberAssignment.decode(assignment)
                for partition in decoded.partitions():
                    held[group_id, partition] = f"{client_id} @ {host.lstrip('/')}"
    return held
