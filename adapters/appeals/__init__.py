"""Ankestyrelsen: upheld appeals forwarded with the case material; client and stand-in."""

from adapters.appeals.client import AppealsClient
from adapters.appeals.component import COMPONENT
from adapters.appeals.package import AppealPackage, PackageError, build_package, validate_package
from adapters.appeals.port import (
    Acknowledgement,
    AppealRejectedError,
    AppealsBoard,
    AppealsRefusedError,
    AppealsUnavailableError,
    MalformedAnswerError,
)
from adapters.appeals.wiring import NAME, build_appeal_forwarder

__all__ = [
    "COMPONENT",
    "NAME",
    "Acknowledgement",
    "AppealPackage",
    "AppealRejectedError",
    "AppealsBoard",
    "AppealsClient",
    "AppealsRefusedError",
    "AppealsUnavailableError",
    "MalformedAnswerError",
    "PackageError",
    "build_appeal_forwarder",
    "build_package",
    "validate_package",
]
