"""Mutual-TLS context, the lookup cache, the adapter's settings and the reference-folder helper."""

import datetime as dt
import ssl
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import ValidationError

from adapters.cpr import CprSettings, InvocationContext
from adapters.cpr.cache import TtlCache
from adapters.cpr.settings import SF1520_SERVICE_UUID
from hub.runtime.tls import TlsFileError, client_ssl_context
from tests import reference
from tests.adapters.cpr.helpers import invocation_context


def write_self_signed(folder):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "casehub test client")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "client.pem", folder / "client.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class TestTls:
    def test_the_context_verifies_the_server_and_presents_our_certificate(self, tmp_path):
        cert_file, key_file = write_self_signed(tmp_path)

        context = client_ssl_context(cert_file, key_file, ca_file=cert_file)

        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname
        assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
        assert context.get_ca_certs()[0]["subject"] == ((("commonName", "casehub test client"),),)

    def test_a_key_that_does_not_match_is_refused_at_start_up(self, tmp_path):
        cert_file, _ = write_self_signed(tmp_path)
        other = tmp_path / "other"
        other.mkdir()
        _, other_key = write_self_signed(other)
        with pytest.raises(TlsFileError, match=r"^TLS setting key_file: .* is not the key of"):
            client_ssl_context(cert_file, other_key)

    @pytest.mark.parametrize(
        ("which", "content", "expected"),
        [
            ("cert", None, "TLS setting cert_file: .* cannot be read"),
            ("cert", b"not pem", "TLS setting cert_file: .* is not a PEM certificate"),
            ("key", b"-----BEGIN PRIVATE KEY-----\nbroken\n", "TLS setting key_file: .* is not"),
            ("ca", b"garbage", "TLS setting ca_file: .* cannot be read as a PEM CA bundle"),
        ],
    )
    def test_a_bad_file_is_one_line_naming_the_setting(self, tmp_path, which, content, expected):
        cert_file, key_file = write_self_signed(tmp_path)
        files = {"cert": cert_file, "key": key_file, "ca": tmp_path / "ca.pem"}
        files["ca"].write_bytes(cert_file.read_bytes())
        if content is None:
            files[which].unlink()
        else:
            files[which].write_bytes(content)
        with pytest.raises(TlsFileError, match=expected) as raised:
            client_ssl_context(files["cert"], files["key"], ca_file=files["ca"])
        assert "\n" not in str(raised.value)
        assert raised.value.__cause__ is None

    async def test_the_http_client_for_the_register_uses_the_settings(self, tmp_path):
        cert_file, key_file = write_self_signed(tmp_path)
        settings = CprSettings(
            base_url="https://sp.example.invalid/",
            invocation_contexts={"751": invocation_context()},
            cert_file=cert_file,
            key_file=key_file,
            ca_file=cert_file,
            timeout_s=3,
        )
        async with settings.http_client() as http:
            assert str(http.base_url) == "https://sp.example.invalid/"
            assert http.timeout.read == 3


class TestSettings:
    def test_the_service_uuid_defaults_to_sf1520s(self):
        context = invocation_context()
        assert context.service_uuid == SF1520_SERVICE_UUID

    def test_unknown_municipality_and_lone_certificate_are_refused(self, tmp_path):
        with pytest.raises(ValidationError, match="unknown kommunekode"):
            CprSettings(
                base_url="https://x.invalid/", invocation_contexts={"999": invocation_context()}
            )
        with pytest.raises(ValidationError, match="go together"):
            CprSettings(
                base_url="https://x.invalid/",
                invocation_contexts={},
                cert_file=tmp_path / "c.pem",
            )

    def test_settings_read_from_json_with_nested_contexts(self):
        agreement = uuid.uuid4()
        settings = CprSettings.model_validate_json(
            '{"base_url": "https://x.invalid/", "invocation_contexts": {"101": {'
            f'"service_agreement_uuid": "{agreement}", "user_system_uuid": "{uuid.uuid4()}",'
            f'"user_uuid": "{uuid.uuid4()}"'
            "}}}"
        )
        assert settings.invocation_contexts["101"].service_agreement_uuid == agreement
        assert isinstance(settings.invocation_contexts["101"], InvocationContext)


class TestCache:
    def test_values_expire_and_the_oldest_go_first(self):
        now = [0.0]
        cache: TtlCache[str, int] = TtlCache(ttl_s=10, max_size=2, clock=lambda: now[0])
        cache.put("a", 1)
        cache.put("b", 2)
        assert cache.get("a") == 1  # a is now the most recently used
        cache.put("c", 3)
        assert cache.get("b") is None
        assert (cache.get("a"), cache.get("c")) == (1, 3)
        now[0] = 10.0
        assert cache.get("a") is None
        assert len(cache) == 1

    def test_repr_shows_only_sizes(self):
        cache: TtlCache[str, str] = TtlCache(ttl_s=10, max_size=5)
        cache.put("7403164123", "secret")
        assert repr(cache) == "TtlCache(size=1, max_size=5)"


class TestReferenceHelper:
    def test_the_default_is_beside_the_checkout(self, monkeypatch, repo_root):
        monkeypatch.delenv(reference.ENV, raising=False)
        assert reference.reference_dir() == repo_root.parent / "shared" / "reference"

    def test_a_missing_folder_fails_in_ci(self, monkeypatch, tmp_path):
        monkeypatch.setenv(reference.ENV, str(tmp_path / "absent"))
        monkeypatch.setenv("CI", "true")
        with pytest.raises(pytest.fail.Exception, match="reference files missing"):
            reference.require_reference("cpr-sf1520")

    def test_a_missing_folder_skips_locally_with_a_reason(self, monkeypatch, tmp_path):
        monkeypatch.setenv(reference.ENV, str(tmp_path / "absent"))
        monkeypatch.delenv("CI", raising=False)
        with pytest.raises(pytest.skip.Exception, match="CASEHUB_REFERENCE_DIR"):
            reference.require_reference("cpr-sf1520")

    def test_the_setting_names_the_folder(self, monkeypatch, tmp_path):
        (tmp_path / "cpr-sf1520").mkdir()
        monkeypatch.setenv(reference.ENV, str(tmp_path))
        assert reference.require_reference("cpr-sf1520") == tmp_path / "cpr-sf1520"
