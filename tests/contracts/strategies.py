"""Hypothesis strategies for every contract: the conformance kit's, used by the hub's tests too."""

from hub.conformance.strategies import (
    MARK,
    TextFor,
    contract_documents,
    contract_instances,
    documents,
    marked_text,
    plain_text,
)

__all__ = [
    "MARK",
    "TextFor",
    "contract_documents",
    "contract_instances",
    "documents",
    "marked_text",
    "plain_text",
]
