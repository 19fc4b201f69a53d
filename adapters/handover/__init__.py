"""Handover between municipalities (BL §132): a signed, encrypted case package and a receipt."""

from adapters.handover.keys import Identity, KeyFileError, Keyring, thumbprint
from adapters.handover.manifest import FORMAT, HandoverManifest
from adapters.handover.opening import OpenedPackage, open_package, package_digest
from adapters.handover.refusal import PackageRefusedError, Refusal
from adapters.handover.sealing import seal
from adapters.handover.settings import HandoverSettings, IdentityFiles

__all__ = [
    "FORMAT",
    "HandoverManifest",
    "HandoverSettings",
    "Identity",
    "IdentityFiles",
    "KeyFileError",
    "Keyring",
    "OpenedPackage",
    "PackageRefusedError",
    "Refusal",
    "open_package",
    "package_digest",
    "seal",
    "thumbprint",
]
