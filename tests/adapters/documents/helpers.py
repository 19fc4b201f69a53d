"""What the document store tests share: the municipalities, and one store under test."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from adapters.documents import DocumentStore

__all__ = ["HOME", "OTHER", "StoreCase"]

HOME = "101"
OTHER = "147"


@dataclass
class StoreCase:
    """One store under test, and what a test does behind its back."""

    store: DocumentStore
    open_store: Callable[..., AbstractAsyncContextManager[DocumentStore]]
    overwrite: Callable[[str, str, bytes], Awaitable[None]]  # municipality, id, bytes
    keys: Callable[[], Awaitable[set[str]]]
    down: Callable[[], AbstractAsyncContextManager[DocumentStore]]
