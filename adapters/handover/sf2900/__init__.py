"""SF2900 Fordelingskomponent: the handover transport over Serviceplatformen (SFTP and SOAP)."""

from adapters.handover.sf2900.kvittering import KVITTERING_PATH, kvittering_route
from adapters.handover.sf2900.settings import Sf2900Agreement, Sf2900Settings, SftpSettings
from adapters.handover.sf2900.transport import NoReceiptError, Sf2900Transport

__all__ = [
    "KVITTERING_PATH",
    "NoReceiptError",
    "Sf2900Agreement",
    "Sf2900Settings",
    "Sf2900Transport",
    "SftpSettings",
    "kvittering_route",
]
