"""Danmarks Statistik: notification, placement, transfer and yearly reports, client and stand-in."""

from adapters.statistics.client import StatisticsClient
from adapters.statistics.component import COMPONENT
from adapters.statistics.format import FormatError, Report, validate_report
from adapters.statistics.memory import STORES, Memory, PlacementFacts, SupportingMeasure
from adapters.statistics.port import (
    Acceptance,
    MalformedAnswerError,
    ReportRejectedError,
    StatisticsReceiver,
    StatisticsRefusedError,
    StatisticsUnavailableError,
)
from adapters.statistics.reports import ChildNotYetKnownError, MeasureNotYetKnownError
from adapters.statistics.versions import VERSIONS, accepted_on, version_for
from adapters.statistics.wiring import NAME, build_statistics_reporter
from adapters.statistics.yearly import Yearly, read_memory, report_year, yearly_report

__all__ = [
    "COMPONENT",
    "NAME",
    "STORES",
    "VERSIONS",
    "Acceptance",
    "ChildNotYetKnownError",
    "FormatError",
    "MalformedAnswerError",
    "MeasureNotYetKnownError",
    "Memory",
    "PlacementFacts",
    "Report",
    "ReportRejectedError",
    "StatisticsClient",
    "StatisticsReceiver",
    "StatisticsRefusedError",
    "StatisticsUnavailableError",
    "SupportingMeasure",
    "Yearly",
    "accepted_on",
    "build_statistics_reporter",
    "read_memory",
    "report_year",
    "validate_report",
    "version_for",
    "yearly_report",
]
