"""The package: sealed by the sender, opened only by the receiver, refused with a reason."""

from __future__ import annotations

import json

import pytest

from adapters.handover.jose import b64url, from_b64url, header_of, json_bytes
from adapters.handover.keys import Keyring
from adapters.handover.opening import open_package
from adapters.handover.refusal import PackageRefusedError, Refusal
from adapters.handover.sealing import encrypt, seal, sign
from tests.adapters.handover.cases import CHILD_NAME, DOCUMENT, OTHER, RECEIVER, SENDER, manifest
from tests.adapters.handover.pki import NOW, YEAR, authority
from tests.people import CHILD

CA = authority("Test OCES CA", slot=0)
ROGUE = authority("Rogue CA", slot=3)
SENDING = CA.identity(SENDER, slot=1)
RECEIVING = CA.identity(RECEIVER, slot=2)
OTHER_RECEIVER = CA.identity(OTHER, slot=3)


def receivers_keyring(*, sender=SENDING.certificate, roots=(CA.certificate,)) -> Keyring:
    return Keyring(own={RECEIVER: RECEIVING}, peers={SENDER: sender}, roots=roots)


def sealed(**kwargs) -> bytes:
    return seal(manifest(**kwargs), SENDING, RECEIVING.certificate)


def refusal(package: bytes, keyring: Keyring | None = None) -> Refusal:
    with pytest.raises(PackageRefusedError) as caught:
        open_package(package, keyring or receivers_keyring(), NOW)
    message = str(caught.value)
    assert CHILD not in message
    assert CHILD_NAME not in message
    return caught.value.reason


def rewritten(package: bytes, **members: str) -> bytes:
    envelope = json.loads(package)
    envelope.update(members)
    return json.dumps(envelope).encode()


class TestOpening:
    def test_the_receiver_reads_what_the_sender_sealed(self):
        opened = open_package(sealed(), receivers_keyring(), NOW)
        assert opened.manifest == manifest()
        assert opened.manifest.documents[0].data() == DOCUMENT
        assert opened.manifest.parties[0].cpr.reveal() == CHILD

    def test_nothing_personal_is_readable_in_the_package(self):
        package = sealed()
        assert CHILD.encode() not in package
        assert CHILD_NAME.encode() not in package
        assert DOCUMENT not in package

    def test_every_package_has_a_fresh_key(self):
        first, second = json.loads(sealed()), json.loads(sealed())
        assert first["encrypted_key"] != second["encrypted_key"]
        assert first["ciphertext"] != second["ciphertext"]

    def test_the_envelope_is_plain_jwe_naming_the_receivers_certificate(self):
        header = header_of(json.loads(sealed())["protected"])
        assert header["alg"] == "RSA-OAEP-256"
        assert header["enc"] == "A256GCM"
        assert header["aud"] == RECEIVER


class TestTamper:
    @pytest.mark.parametrize("member", ["ciphertext", "tag", "iv", "encrypted_key"])
    def test_a_changed_byte_is_refused_as_tampered(self, member):
        package = sealed()
        value = bytearray(from_b64url(json.loads(package)[member]))
        value[len(value) // 2] ^= 0x01
        assert refusal(rewritten(package, **{member: b64url(bytes(value))})) is Refusal.TAMPERED

    def test_a_changed_protected_header_breaks_the_tag(self):
        package = sealed()
        header = header_of(json.loads(package)["protected"]) | {"kid": "x"}
        assert refusal(rewritten(package, protected=b64url(json_bytes(header)))) is (
            Refusal.TAMPERED
        )

    def test_a_manifest_re_encrypted_after_a_change_fails_the_signature(self):
        # Someone holding the receiver's public key re-encrypts a changed JWS.
        jws = json.loads(sign(manifest(), SENDING, RECEIVING.certificate))
        payload = json.loads(from_b64url(jws["payload"]))
        payload["summary"] = "changed"
        jws["payload"] = b64url(json_bytes(payload))
        forged = encrypt(json_bytes(jws), RECEIVING.certificate, RECEIVER)
        assert refusal(forged) is Refusal.TAMPERED

    def test_garbage_is_malformed(self):
        assert refusal(b"not json") is Refusal.MALFORMED
        assert refusal(b'{"protected": "e30"}') is Refusal.MALFORMED


class TestRecipient:
    def test_a_package_for_another_municipality_is_refused(self):
        package = seal(manifest(to=OTHER), SENDING, OTHER_RECEIVER.certificate)
        assert refusal(package) is Refusal.WRONG_RECIPIENT

    def test_a_package_encrypted_to_another_certificate_is_refused(self):
        package = seal(manifest(), SENDING, OTHER_RECEIVER.certificate)
        assert refusal(package) is Refusal.WRONG_RECIPIENT

    def test_the_other_municipality_can_open_its_own(self):
        package = seal(manifest(to=OTHER), SENDING, OTHER_RECEIVER.certificate)
        keyring = Keyring(
            own={OTHER: OTHER_RECEIVER},
            peers={SENDER: SENDING.certificate},
            roots=(CA.certificate,),
        )
        assert open_package(package, keyring, NOW).manifest.to_municipality == OTHER


class TestCertificates:
    def test_an_expired_sender_certificate_is_refused(self):
        expired = CA.identity(SENDER, slot=1, not_before=NOW - 2 * YEAR, not_after=NOW - YEAR)
        package = seal(manifest(), expired, RECEIVING.certificate)
        assert refusal(package, receivers_keyring(sender=expired.certificate)) is (
            Refusal.CERTIFICATE_EXPIRED
        )

    def test_a_certificate_not_yet_valid_is_refused(self):
        early = CA.identity(SENDER, slot=1, not_before=NOW + YEAR, not_after=NOW + 2 * YEAR)
        package = seal(manifest(), early, RECEIVING.certificate)
        assert refusal(package, receivers_keyring(sender=early.certificate)) is (
            Refusal.CERTIFICATE_NOT_YET_VALID
        )

    def test_a_certificate_from_an_unknown_ca_is_refused(self):
        rogue = ROGUE.identity(SENDER, slot=1)
        package = seal(manifest(), rogue, RECEIVING.certificate)
        assert refusal(package, receivers_keyring(sender=rogue.certificate)) is Refusal.UNKNOWN_CA

    def test_a_ca_named_like_ours_but_another_key_is_unknown(self):
        impostor = authority("Test OCES CA", slot=3)
        forged = impostor.identity(SENDER, slot=1)
        package = seal(manifest(), forged, RECEIVING.certificate)
        assert refusal(package, receivers_keyring(sender=forged.certificate)) is (
            Refusal.UNKNOWN_CA
        )

    def test_a_chain_through_an_intermediate_is_trusted(self):
        intermediate_certificate, intermediate_key = CA.issue("Test issuing CA", slot=4, ca=True)
        from tests.adapters.handover.pki import Authority

        issuing = Authority(intermediate_certificate, intermediate_key)
        leaf = issuing.identity(SENDER, slot=1)
        chained = type(leaf)(SENDER, (leaf.certificate, intermediate_certificate), leaf.key)
        package = seal(manifest(), chained, RECEIVING.certificate)
        opened = open_package(package, receivers_keyring(sender=leaf.certificate), NOW)
        assert opened.manifest.handover_id == "ho-1"

    def test_a_leaf_that_is_not_a_ca_cannot_issue(self):
        leaf_certificate, leaf_key = CA.issue("Not a CA", slot=4)
        from tests.adapters.handover.pki import Authority

        below = Authority(leaf_certificate, leaf_key).identity(SENDER, slot=1)
        chained = type(below)(SENDER, (below.certificate, leaf_certificate), below.key)
        package = seal(manifest(), chained, RECEIVING.certificate)
        assert refusal(package, receivers_keyring(sender=below.certificate)) is Refusal.UNKNOWN_CA

    def test_a_valid_certificate_that_is_not_the_senders_is_refused(self):
        package = seal(manifest(), CA.identity(SENDER, slot=4), RECEIVING.certificate)
        assert refusal(package) is Refusal.UNKNOWN_SENDER


class TestDocuments:
    def test_a_document_whose_bytes_are_not_its_references_is_refused(self):
        from adapters.handover.manifest import PackedDocument
        from tests.adapters.handover.cases import reference

        wrong = PackedDocument.of(reference(), DOCUMENT + b"changed")
        package = seal(
            manifest().model_copy(update={"documents": (wrong,)}), SENDING, RECEIVING.certificate
        )
        assert refusal(package) is Refusal.TAMPERED


class TestSettings:
    def test_the_keyring_is_read_from_files(self, tmp_path):
        from adapters.handover.demopki import write_identity
        from adapters.handover.settings import HandoverSettings
        from tests.adapters.handover.pki import write_certificate

        certificate_file, key_file = write_identity(RECEIVING, tmp_path)
        settings = HandoverSettings.model_validate(
            {
                "own": {RECEIVER: {"certificate_file": certificate_file, "key_file": key_file}},
                "peers": {
                    SENDER: {
                        "certificate_file": write_certificate(SENDING.certificate, tmp_path / "s")
                    }
                },
                "trusted_cas": [write_certificate(CA.certificate, tmp_path / "ca.crt")],
            }
        )
        opened = open_package(sealed(), settings.keyring(), NOW)
        assert opened.manifest.from_municipality == SENDER

    def test_a_key_that_is_not_the_certificates_is_refused_naming_the_file(self, tmp_path):
        from adapters.handover.demopki import write_identity
        from adapters.handover.keys import KeyFileError, load_identity

        certificate_file, _ = write_identity(RECEIVING, tmp_path / "a")
        _, other_key = write_identity(SENDING, tmp_path / "b")
        with pytest.raises(KeyFileError, match="is not the key of"):
            load_identity(RECEIVER, certificate_file, other_key)


class TestBuild:
    def test_a_hub_refuses_to_hand_over_for_a_municipality_it_does_not_serve(self, tmp_path):
        from adapters.handover import COMPONENT, HandoverSettings
        from adapters.handover.demopki import write_identity
        from hub.compose.app import build_context
        from hub.compose.settings import Settings
        from hub.runtime.state import MemoryChangelog, StateTable
        from tests.adapters.handover.pki import write_certificate

        certificate_file, key_file = write_identity(RECEIVING, tmp_path)
        settings = HandoverSettings.model_validate(
            {
                "own": {RECEIVER: {"certificate_file": certificate_file, "key_file": key_file}},
                "trusted_cas": [write_certificate(CA.certificate, tmp_path / "ca.crt")],
            }
        )
        hub = Settings(municipalities=(SENDER,), state_dir=tmp_path)
        table = StateTable(COMPONENT.name, MemoryChangelog())

        async def publish(event) -> str:
            return str(event.envelope.type)

        context = build_context(hub, publish, COMPONENT.name, table, COMPONENT.stores)
        with pytest.raises(ValueError, match="does not serve"):
            COMPONENT.build(settings, context)
