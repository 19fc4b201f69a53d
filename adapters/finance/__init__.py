"""Finance: the money model of measures, commitments and cost estimates, postings to FK-ØKO."""

from adapters.finance.client import FinanceClient
from adapters.finance.component import COMPONENT
from adapters.finance.port import (
    FinanceSystem,
    FinanceUnavailableError,
    Posting,
    PostingKind,
    PostingReceipt,
    PostingRejectedError,
)
from adapters.finance.settings import FinanceSettings, Rate
from adapters.finance.standin import FinanceStandin
from adapters.finance.wiring import NAME, build_finance

__all__ = [
    "COMPONENT",
    "NAME",
    "FinanceClient",
    "FinanceSettings",
    "FinanceStandin",
    "FinanceSystem",
    "FinanceUnavailableError",
    "Posting",
    "PostingKind",
    "PostingReceipt",
    "PostingRejectedError",
    "Rate",
    "build_finance",
]
