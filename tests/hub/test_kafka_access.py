"""The Kafka security settings and the client options made from them (no broker)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hub.compose.settings import Settings
from hub.runtime.kafka_access import KafkaConnection, KafkaSecurity, KafkaSecurityError

SECRET = "s3cret-for-the-test"  # noqa: S105 - a test value, in a tmp file


@pytest.fixture
def security(tmp_path):
    password = tmp_path / "password"
    password.write_text(SECRET + "\n")
    return KafkaSecurity(protocol="SASL_SSL", username="casehub-hub", password_file=password)


def test_plaintext_gives_the_address_only():
    assert KafkaConnection("127.0.0.1:9092").client_options() == {
        "bootstrap_servers": "127.0.0.1:9092"
    }
    assert KafkaConnection("127.0.0.1:9092").faststream_security() is None


def test_sasl_ssl_gives_scram_over_verified_tls(security):
    options = KafkaConnection("broker:9093", security).client_options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "casehub-hub",
        SECRET,
    )
    assert options["ssl_context"].check_hostname
    config = KafkaConnection("broker:9093", security).librdkafka_config()
    assert (config["security.protocol"], config["sasl.password"]) == ("SASL_SSL", SECRET)
    scram = KafkaConnection("broker:9093", security).faststream_security()
    assert scram is not None
    assert scram.use_ssl


def test_the_password_is_never_in_a_repr_or_the_environment_given_on(security):
    connection = KafkaConnection("broker:9093", security)
    settings = Settings(bootstrap_servers="broker:9093", kafka_security=security)
    for text in (repr(connection), repr(settings), str(connection.environment())):
        assert SECRET not in text
    assert repr(security.password()) == "SecretStr('**********')"


def test_sasl_ssl_without_credentials_is_refused_at_start():
    with pytest.raises(ValidationError, match="needs a username and a password_file"):
        KafkaSecurity(protocol="SASL_SSL", username="casehub-hub")


def test_the_settings_read_it_from_the_environment(monkeypatch, security):
    monkeypatch.setenv("CASEHUB_KAFKA_SECURITY", security.model_dump_json())
    assert Settings().kafka.security == security


def test_a_missing_file_is_one_line_naming_the_setting(security, tmp_path):
    gone = security.model_copy(update={"password_file": tmp_path / "absent"})
    with pytest.raises(
        KafkaSecurityError, match=r"^CASEHUB_KAFKA_SECURITY password_file: .*absent"
    ):
        KafkaConnection("broker:9093", gone).client_options()
    no_ca = security.model_copy(update={"ca_file": tmp_path / "absent-ca.pem"})
    with pytest.raises(KafkaSecurityError, match=r"^CASEHUB_KAFKA_SECURITY ca_file: .*absent-ca"):
        KafkaConnection("broker:9093", no_ca).client_options()
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(KafkaSecurityError, match="is empty"):
        security.model_copy(update={"password_file": empty}).password()


def test_mutual_tls_needs_a_certificate_and_its_key_and_says_which_file_is_wrong(tmp_path):
    with pytest.raises(ValidationError, match="needs a cert_file and a key_file"):
        KafkaSecurity(protocol="SSL", cert_file=tmp_path / "user.crt")
    (tmp_path / "user.crt").write_text("not a certificate")
    (tmp_path / "user.key").write_text("not a key")
    security = KafkaSecurity(
        protocol="SSL", cert_file=tmp_path / "user.crt", key_file=tmp_path / "user.key"
    )
    with pytest.raises(KafkaSecurityError, match=r"^CASEHUB_KAFKA_SECURITY cert_file: "):
        KafkaConnection("broker:9093", security).client_options()


def test_casehub_run_stops_on_an_unusable_file_with_one_line(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from hub.cli.main import main

    absent = KafkaSecurity(
        protocol="SASL_SSL",
        username="casehub-hub",
        password_file=tmp_path / "password",
        ca_file=tmp_path / "ca.pem",
    )
    (tmp_path / "password").write_text(SECRET)
    monkeypatch.setenv("CASEHUB_KAFKA_SECURITY", absent.model_dump_json())
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 1
    line = f"CASEHUB_KAFKA_SECURITY ca_file: {tmp_path / 'ca.pem'} cannot be read as a PEM CA"
    assert result.output.splitlines() == [f"Error: {line} (FileNotFoundError)"]
