"""The one ACL plan: what the local broker binds is what the KafkaUser resources grant."""

from __future__ import annotations

from hub.compose.grants import (
    HUB_USER,
    PROVISION_USER,
    bindings,
    case_system_user,
    plan_principals,
)
from hub.compose.kube import SAMPLE, users
from routing.topics import AUDIT_DOMAIN, topic


def test_the_local_bindings_and_the_kafka_users_come_from_one_plan():
    principals = plan_principals(SAMPLE.municipalities, SAMPLE.group_prefix)
    rendered = {
        (u["metadata"]["name"], acl["resource"]["name"], operation)
        for u in users(SAMPLE)
        for acl in u["spec"]["authorization"]["acls"]
        for operation in acl["operations"]
    }
    bound = {(b["principal"], b["name"], b["operation"]) for b in bindings(principals)}
    assert rendered == bound


def test_a_hub_that_makes_its_own_topics_may_create_them_and_one_under_strimzi_may_not():
    def hub_operations(*, provisions):
        (hub,) = [p for p in plan_principals(["101"], provisions=provisions) if p.name == HUB_USER]
        return {op for grant in hub.grants if grant.resource == "topic" for op in grant.operations}

    assert "Create" in hub_operations(provisions=True)
    assert "Create" not in hub_operations(provisions=False)


def test_a_case_system_reads_its_audit_topic_and_never_writes_it():
    grants = {
        (b["name"], b["operation"])
        for b in bindings(plan_principals(["101"]))
        if b["principal"] == case_system_user("101")
    }
    assert (topic(AUDIT_DOMAIN, "101"), "Read") in grants
    assert (topic(AUDIT_DOMAIN, "101"), "Write") not in grants
    assert {p.name for p in plan_principals(["101", "147"])} == {
        "casesystem-101",
        "casesystem-147",
        HUB_USER,
        PROVISION_USER,
    }
