"""The Kubernetes manifests: generated from the code, committed, valid against published schemas.

Schemas come from npm, pinned in package-lock.json here: ``kubernetes-models`` (validators
generated from the Kubernetes OpenAPI) and ``@kubernetes-models/strimzi-kafka-operator``
(generated from Strimzi's CRDs). ``npm ci`` installs them on first use (conftest.py).
"""

import dataclasses
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from starlette.routing import Route

from adapters.registry import COMPONENTS as REGISTRY
from contracts.municipalities import MUNICIPALITIES
from hub.cli.deploy import deploy
from hub.compose.kube import (
    COMPONENTS,
    SAMPLE,
    Plan,
    drift,
    expected_files,
    manifests,
    strimzi,
    write,
)
from hub.compose.kube.access import HUB_USER, PROVISION_USER
from hub.compose.kube.plan import GLOBAL_COMPONENTS
from hub.compose.settings import Settings
from hub.runtime import provision
from hub.runtime.health import health_routes
from hub.runtime.provision import DEFAULT_MAX_RECORD_BYTES
from hub.runtime.quarantine import quarantine_limit
from hub.runtime.state import changelog_config
from routing.topics import DOMAINS, changelog_topic, global_topic, quarantine_topic, topic

HERE = Path(__file__).resolve().parent
COMMITTED = HERE.parents[1] / "deploy" / "kubernetes"


@pytest.fixture(scope="session")
def validator(node_checks) -> list[str]:
    node, folder = node_checks
    return [node, str(folder / "kubernetes.mjs")]


def validate(validator, resources: dict[str, list[dict[str, Any]]], tmp_path: Path):
    entries = [
        {"source": f"{name}#{index}", "resource": resource}
        for name, documents in resources.items()
        for index, resource in enumerate(documents)
    ]
    path = tmp_path / "resources.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return subprocess.run(
        [*validator, str(path)], capture_output=True, text=True, timeout=120, check=False
    )


def committed() -> dict[str, list[dict[str, Any]]]:
    return {
        path.name: list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        for path in sorted(COMMITTED.glob("*.yaml"))
    }


def of_kind(resources: dict[str, list[dict[str, Any]]], kind: str) -> list[dict[str, Any]]:
    return [r for documents in resources.values() for r in documents if r["kind"] == kind]


def only(resources, kind):
    [resource] = of_kind(resources, kind)
    return resource


class TestFiles:
    def test_committed_manifests_are_the_generators_output(self):
        assert drift(COMMITTED, SAMPLE) == [], "run `casehub deploy kubernetes` and commit"

    def test_the_directory_holds_nothing_else_that_kubectl_would_apply(self):
        assert {p.name for p in COMMITTED.glob("*.y*ml")} == set(expected_files(SAMPLE))

    def test_drift_lists_stale_and_missing_files(self, tmp_path):
        assert write(tmp_path, SAMPLE) == ["kafka.yaml", "topics.yaml", "users.yaml", "hub.yaml"]
        assert write(tmp_path, SAMPLE) == []
        (tmp_path / "users.yaml").write_text("# edited by hand\n")
        (tmp_path / "hub.yaml").unlink()
        assert drift(tmp_path, SAMPLE) == ["stale: users.yaml", "missing: hub.yaml"]

    def test_the_command_writes_checks_and_refuses_unknown_municipalities(self, tmp_path):
        runner = CliRunner()
        out = ["--out", str(tmp_path)]
        written = runner.invoke(deploy, ["kubernetes", *out, "--municipality", "751"])
        assert written.exit_code == 0, written.output
        assert "wrote" in written.output
        assert '"751"' in (tmp_path / "hub.yaml").read_text()
        clean = runner.invoke(deploy, ["kubernetes", *out, "--municipality", "751", "--check"])
        assert (clean.exit_code, clean.output) == (0, "")
        other = runner.invoke(deploy, ["kubernetes", *out, "--check"])
        assert other.exit_code == 1
        assert "stale: topics.yaml" in other.output
        bad = runner.invoke(deploy, ["kubernetes", *out, "--municipality", "999"])
        assert bad.exit_code == 2
        assert "not kommunekoder: ['999']" in bad.output


class TestSchemas:
    def test_the_committed_manifests_are_valid(self, validator, tmp_path):
        resources = committed()
        done = validate(validator, resources, tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        count = sum(len(documents) for documents in resources.values())
        assert f"valid: {count} resources, 0 invalid" in done.stdout

    def test_every_municipality_at_once_is_valid(self, validator, tmp_path):
        plan = dataclasses.replace(SAMPLE, municipalities=tuple(MUNICIPALITIES))
        done = validate(validator, manifests(plan), tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr

    def test_a_wrong_field_is_refused_with_its_path(self, validator, tmp_path):
        resources = manifests(SAMPLE)
        deployment = only(resources, "Deployment")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        container["readinesProbe"] = container.pop("readinessProbe")  # a typo
        kafka = only(resources, "Kafka")
        kafka["spec"]["kafka"]["listeners"][0]["authentication"]["type"] = "mtls"
        user = of_kind(resources, "KafkaUser")[0]
        user["spec"]["authorization"]["acls"][0]["resource"]["patternType"] = "prefixed"
        user["spec"]["authorization"]["acls"][1]["operation"] = "Read"  # v1beta2's singular
        of_kind(resources, "KafkaTopic")[0]["spec"]["partitions"] = "3"
        only(resources, "PodDisruptionBudget")["spec"]["minAvailabel"] = 1
        resources["extra.yaml"] = [{"apiVersion": "v1", "kind": "Nope", "metadata": {"name": "x"}}]
        done = validate(validator, resources, tmp_path)
        assert done.returncode == 1
        out = done.stdout
        assert "/spec/template/spec/containers/0/readinesProbe is not a field of Deployment" in out
        assert "data/spec/kafka/listeners/0/authentication/type must be equal to one of" in out
        assert "data/spec/authorization/acls/0/resource/patternType must be equal to one of" in out
        assert "/spec/authorization/acls/1/operation is not a field of KafkaUser" in out
        assert "data/spec/partitions must be integer" in out
        assert "/spec/minAvailabel is not a field of PodDisruptionBudget" in out
        assert "no schema for v1 Nope" in out
        assert "invalid: " in out
        assert out.count("error: ") == 7

    def test_free_form_maps_are_left_to_their_owner(self, validator, tmp_path):
        resources = manifests(SAMPLE)
        only(resources, "ConfigMap")["data"]["CASEHUB_ANYTHING"] = "x"
        of_kind(resources, "KafkaTopic")[0]["spec"]["config"] = {"segment.bytes": "1048576"}
        done = validate(validator, resources, tmp_path)
        assert done.returncode == 0, done.stdout


def kafka_topics(resources) -> dict[str, dict[str, Any]]:
    return {r["spec"]["topicName"]: r["spec"] for r in of_kind(resources, "KafkaTopic")}


class TestTopics:
    def test_every_topic_family_of_every_municipality(self):
        names = set(kafka_topics(manifests(SAMPLE)))
        for code in SAMPLE.municipalities:
            for domain in DOMAINS:
                assert topic(domain, code) in names
                assert quarantine_topic(topic(domain, code)) in names
            for component in COMPONENTS:
                assert changelog_topic(f"casehub.{component}", code) in names
            assert global_topic("casehub.deadlines", code) in names
        per_municipality = 2 * len(DOMAINS) + len(COMPONENTS) + len(GLOBAL_COMPONENTS)
        assert len(names) == per_municipality * len(SAMPLE.municipalities)

    def test_configs_are_the_ones_the_hub_creates_at_start(self):
        assert provision.quarantine_config() == strimzi.QUARANTINE_CONFIG
        specs = kafka_topics(manifests(SAMPLE))
        assert specs["casehub.101.case.v1.quarantine"]["config"] == provision.quarantine_config()
        assert specs["casehub.101.case.v1"]["config"] == provision.business_config()

    def test_changelogs_are_compacted_and_partitioned_like_the_event_topics(self):
        plan = dataclasses.replace(SAMPLE, partitions=6, group_prefix="acme")
        specs = kafka_topics(manifests(plan))
        changelog = specs["acme.deadlines.state.147"]
        assert changelog["config"]["cleanup.policy"] == "compact"
        assert changelog["partitions"] == specs["casehub.147.deadline.v1"]["partitions"] == 6
        assert changelog["config"] == changelog_config(quarantine_limit(DEFAULT_MAX_RECORD_BYTES))

    def test_a_global_table_is_one_compacted_partition_every_instance_reads_whole(self):
        plan = dataclasses.replace(SAMPLE, partitions=6, group_prefix="acme")
        specs = kafka_topics(manifests(plan))
        table = specs["acme.deadlines.global.147"]
        assert table["config"]["cleanup.policy"] == "compact"
        assert table["partitions"] == 1
        assert tuple(s.name for s in REGISTRY if s.global_stores) == GLOBAL_COMPONENTS

    def test_the_components_are_the_hubs_consumers(self):
        assert tuple(spec.name for spec in REGISTRY if spec.consumes) == COMPONENTS

    def test_kubernetes_names_equal_the_topic_names(self):
        for resource in of_kind(manifests(SAMPLE), "KafkaTopic"):
            assert resource["metadata"]["name"] == resource["spec"]["topicName"]
            assert resource["metadata"]["labels"]["strimzi.io/cluster"] == SAMPLE.cluster


class Acls:
    """Kafka's simple authorizer over a KafkaUser's ACLs: allow rules, literal or prefixed."""

    def __init__(self, user: dict[str, Any]) -> None:
        self.rules = user["spec"]["authorization"]["acls"]
        assert all(rule.get("type", "allow") == "allow" for rule in self.rules)

    def allows(self, operation: str, kind: str, name: str) -> bool:
        implied = {"Read": {"Describe"}, "Write": {"Describe"}, "AlterConfigs": {"DescribeConfigs"}}
        for rule in self.rules:
            resource = rule["resource"]
            if resource["type"] != kind:
                continue
            if resource["patternType"] == "literal":
                matches = name == resource["name"]
            else:
                matches = name.startswith(resource["name"])
            granted = set(rule["operations"])
            granted |= {d for op in granted for d in implied.get(op, set())}
            if matches and (operation in granted or "All" in granted):
                return True
        return False


def users(plan=SAMPLE) -> dict[str, Acls]:
    return {u["metadata"]["name"]: Acls(u) for u in of_kind(manifests(plan), "KafkaUser")}


class TestAccess:
    def test_one_user_per_case_system_one_for_the_hub_one_for_provisioning(self):
        assert set(users()) == {"casesystem-101", "casesystem-147", HUB_USER, PROVISION_USER}

    def test_a_case_system_writes_its_events_and_reads_the_hubs_answers(self):
        acls = users()["casesystem-101"]
        for domain in ("case", "decision", "letter", "document", "person"):
            assert acls.allows("Write", "topic", topic(domain, "101"))
        for domain in DOMAINS:
            assert acls.allows("Read", "topic", topic(domain, "101"))
        for domain in ("deadline", "reporting", "operations"):
            assert not acls.allows("Write", "topic", topic(domain, "101"))
        assert acls.allows("Read", "group", "casesystem.101.dubu")
        assert not acls.allows("Create", "topic", topic("case", "101"))

    def test_a_case_system_never_reaches_quarantines_state_changelogs_or_others(self):
        acls = users()["casesystem-101"]
        names = kafka_topics(manifests(SAMPLE))
        own = {topic(domain, "101") for domain in DOMAINS}
        for name in set(names) - own:
            for operation in ("Read", "Write", "Describe"):
                assert not acls.allows(operation, "topic", name), (operation, name)
        assert not acls.allows("Read", "group", "casehub.triage")
        assert not acls.allows("Read", "group", "casesystem.147.dubu")

    def test_the_hub_reads_and_writes_every_topic_and_joins_its_groups_only(self):
        for plan in (SAMPLE, dataclasses.replace(SAMPLE, group_prefix="acme")):
            acls = users(plan)[HUB_USER]
            for name in kafka_topics(manifests(plan)):
                assert acls.allows("Read", "topic", name), name
                assert acls.allows("Write", "topic", name), name
            for component in COMPONENTS:
                assert acls.allows("Read", "group", plan.group(component))
            assert not acls.allows("Read", "group", "casesystem.101.dubu")
            assert not acls.allows("Create", "topic", "casehub.101.case.v1")

    def test_provisioning_creates_and_alters_topics_and_reads_no_record(self):
        acls = users()[PROVISION_USER]
        for name in kafka_topics(manifests(SAMPLE)):
            assert acls.allows("Create", "topic", name)
            assert acls.allows("AlterConfigs", "topic", name)
            assert not acls.allows("Read", "topic", name)
            assert not acls.allows("Write", "topic", name)
        assert not acls.allows("Delete", "topic", "casehub.101.case.v1")


def paths(routes: list[Route]) -> set[str]:
    return {route.path for route in routes}


class TestWorkload:
    def test_two_replicas_moved_one_at_a_time(self):
        resources = manifests(SAMPLE)
        deployment = only(resources, "Deployment")
        budget = only(resources, "PodDisruptionBudget")
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["replicas"] >= 2
        assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
        assert budget["spec"]["maxUnavailable"] == 1
        assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert only(resources, "Service")["spec"]["selector"].items() <= labels.items()

    def test_probes_ask_the_hubs_health_routes(self):
        container = only(manifests(SAMPLE), "Deployment")["spec"]["template"]["spec"]
        container = container["containers"][0]
        served = paths(health_routes(lambda: True))
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert container["startupProbe"]["httpGet"]["path"] == "/health/live"
        assert {"/health/ready", "/health/live"} <= served

    def test_the_configuration_is_read_by_the_hubs_settings(self, monkeypatch):
        resources = manifests(SAMPLE)
        environment = only(resources, "ConfigMap")["data"]
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        settings = Settings()
        assert settings.municipalities == SAMPLE.municipalities
        assert settings.group_prefix == SAMPLE.group_prefix
        assert settings.bootstrap_servers == "casehub-kafka-bootstrap:9093"
        container = only(resources, "Deployment")["spec"]["template"]["spec"]["containers"][0]
        assert container["ports"][0]["containerPort"] == settings.http_port
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        assert str(settings.state_dir) in mounts
        # Each case system may post for its own municipality only, its secret from the
        # mounted Secret (one file per caller).
        assert {name: c.municipalities for name, c in settings.callers.items()} == {
            f"casesystem-{code}": (code,) for code in SAMPLE.municipalities
        }
        assert {str(c.secret_file.parent) for c in settings.callers.values()} <= mounts

    def test_a_plan_refuses_what_would_not_work(self):
        with pytest.raises(ValueError, match="not kommunekoder"):
            Plan(municipalities=("101", "000"))
        with pytest.raises(ValueError, match="at least two replicas"):
            Plan(municipalities=("101",), hub_replicas=1)
        with pytest.raises(ValueError, match="not a Kubernetes resource name"):
            Plan(municipalities=("101",), group_prefix="Case_Hub")
        with pytest.raises(ValueError, match="belongs to the case systems"):
            Plan(municipalities=("101",), group_prefix="casesystem")
