"""The canonical case events: what travels on the bus, and what vendors code against."""

from contracts.base import Contract, Record
from contracts.binding import InvalidRecordError, KafkaRecord, from_kafka, to_kafka
from contracts.catalogue import CATALOGUE, contract_for
from contracts.classification import Classification, classified
from contracts.cpr import Cpr
from contracts.envelope import Envelope, Event, follow_up, new_event
from contracts.intake import NotificationReceived
from contracts.person import PersonLookupRequested

__all__ = [
    "CATALOGUE",
    "Classification",
    "Contract",
    "Cpr",
    "Envelope",
    "Event",
    "InvalidRecordError",
    "KafkaRecord",
    "NotificationReceived",
    "PersonLookupRequested",
    "Record",
    "classified",
    "contract_for",
    "follow_up",
    "from_kafka",
    "new_event",
    "to_kafka",
]
