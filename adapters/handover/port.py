"""The transport port: deliver a sealed package to the receiving municipality, get its receipt.

Errors, under ``hub.runtime.errors``:

- ``DeliveryRefusedError`` (``PermanentError``): the receiver refused the package; ``reason``
  is its ``Refusal`` value (``tampered``, ``wrong_recipient``, ``unknown_ca`` ...).
- ``TransportRefusedError`` (``AuthorisationError``): the channel refuses our credentials.
- ``ReceiverUnavailableError`` (``UnavailableError``): no usable answer (refused, timeout,
  5xx); try again: the receiver answers a package it already has with its first receipt.
- ``NoRouteError`` (``PermanentError``): no endpoint is configured for that municipality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from hub.runtime.errors import AuthorisationError, PermanentError, UnavailableError

__all__ = [
    "Delivery",
    "DeliveryRefusedError",
    "HandoverTransport",
    "NoRouteError",
    "ReceiverUnavailableError",
    "TransportRefusedError",
]


class DeliveryRefusedError(PermanentError):
    """The receiver refused the package; ``reason`` says why (a ``Refusal`` value)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"handover delivery refused: {reason}")


class TransportRefusedError(AuthorisationError):
    """The channel refuses our credentials, agreement or endpoint."""


class ReceiverUnavailableError(UnavailableError):
    """The receiver gave no usable answer; the delivery is tried again."""


class NoRouteError(PermanentError):
    """No endpoint is configured for the receiving municipality."""


@dataclass(frozen=True)
class Delivery:
    """One sealed package on its way."""

    handover_id: str
    from_municipality: str
    to_municipality: str
    package: bytes = field(repr=False)


class HandoverTransport(Protocol):
    """The channel between two municipalities' systems, as the hub needs it."""

    async def deliver(self, delivery: Delivery) -> bytes:
        """Deliver the package; the receiver's signed receipt (``adapters.handover.receipt``).

        Raises:
            DeliveryRefusedError: the receiver refused it.
            TransportRefusedError: the channel refuses our credentials.
            ReceiverUnavailableError: no usable answer; try again.
            NoRouteError: no endpoint for the receiving municipality.

        """
        ...

    async def answer(self, to_municipality: str, answer: bytes) -> None:
        """Deliver the signed business answer (``adapters.handover.answer``) to the sender.

        Raises:
            DeliveryRefusedError: the sender refused it.
            TransportRefusedError: the channel refuses our credentials.
            ReceiverUnavailableError: no usable answer; try again (it is idempotent).
            NoRouteError: no endpoint for that municipality.

        """
        ...
