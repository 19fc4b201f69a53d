"""Handover between municipalities (BL §132): a signed, encrypted case package and a receipt."""

from adapters.handover.component import COMPONENT
from adapters.handover.direct import HttpTransport
from adapters.handover.keys import Identity, KeyFileError, Keyring, thumbprint
from adapters.handover.manifest import FORMAT, HandoverManifest
from adapters.handover.opening import OpenedPackage, open_package, package_digest
from adapters.handover.port import (
    Delivery,
    DeliveryRefusedError,
    HandoverTransport,
    NoRouteError,
    ReceiverUnavailableError,
    TransportRefusedError,
)
from adapters.handover.reception import Reception
from adapters.handover.refusal import PackageRefusedError, Refusal
from adapters.handover.sealing import seal
from adapters.handover.settings import HandoverSettings, IdentityFiles, PeerSettings
from adapters.handover.wiring import NAME, build_handover

__all__ = [
    "COMPONENT",
    "FORMAT",
    "NAME",
    "Delivery",
    "DeliveryRefusedError",
    "HandoverManifest",
    "HandoverSettings",
    "HandoverTransport",
    "HttpTransport",
    "Identity",
    "IdentityFiles",
    "KeyFileError",
    "Keyring",
    "NoRouteError",
    "OpenedPackage",
    "PackageRefusedError",
    "PeerSettings",
    "ReceiverUnavailableError",
    "Reception",
    "Refusal",
    "TransportRefusedError",
    "build_handover",
    "open_package",
    "package_digest",
    "seal",
    "thumbprint",
]
