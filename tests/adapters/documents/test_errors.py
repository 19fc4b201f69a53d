"""The port's errors sit where the delivery policy gives them the right outcome."""

from __future__ import annotations

import pytest

from adapters.documents import (
    DocumentIntegrityError,
    DocumentNotFoundError,
    DocumentRejectedError,
    DocumentStoreRefusedError,
    DocumentStoreUnavailableError,
    MunicipalityNotServedError,
)
from hub.runtime.errors import AuthorisationError, PermanentError, TransientError, UnavailableError


@pytest.mark.parametrize(
    "error",
    [
        DocumentIntegrityError,
        DocumentNotFoundError,
        DocumentRejectedError,
        MunicipalityNotServedError,
    ],
)
def test_a_missing_damaged_or_refused_document_is_quarantined_not_retried(error):
    assert issubclass(error, PermanentError)
    assert not issubclass(error, TransientError)


def test_a_store_that_does_not_answer_is_retried_and_counts_for_the_breaker():
    assert issubclass(DocumentStoreUnavailableError, UnavailableError)
    assert issubclass(DocumentStoreUnavailableError, TransientError)


def test_refused_credentials_open_the_breaker():
    assert issubclass(DocumentStoreRefusedError, AuthorisationError)
    assert not issubclass(DocumentStoreRefusedError, PermanentError | TransientError)
