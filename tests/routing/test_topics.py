"""Topic names: one convention, so the hub, the tools and the manifests agree."""

import pytest

from routing.topics import changelog_topic, quarantine_topic, topic


class TestNames:
    def test_a_domain_topic_starts_with_its_municipality(self):
        assert topic("case", "101") == "casehub.101.case.v1"
        assert topic("deadline", "147", major=2) == "casehub.147.deadline.v2"

    def test_an_unknown_domain_is_refused(self):
        with pytest.raises(ValueError, match="unknown domain"):
            topic("payroll", "101")

    def test_a_quarantine_shares_its_source_prefix(self):
        assert quarantine_topic("casehub.101.case.v1") == "casehub.101.case.v1.quarantine"

    def test_a_changelog_is_named_by_group_and_municipality(self):
        assert changelog_topic("casehub.deadlines", "101") == "casehub.deadlines.state.101"
        assert changelog_topic("acme.triage", "147") == "acme.triage.state.147"

    def test_a_changelog_is_outside_every_municipality_prefix(self):
        name = changelog_topic("casehub.deadlines", "101")
        assert not name.startswith("casehub.101.")
