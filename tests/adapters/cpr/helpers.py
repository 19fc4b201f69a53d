"""Plain helpers for the CPR tests (conftest.py holds fixtures only and is never imported)."""

import uuid

from adapters.cpr import InvocationContext

BASE_URL = "https://cpr.standin.invalid/"


def invocation_context():
    return InvocationContext(
        service_agreement_uuid=uuid.uuid4(), user_system_uuid=uuid.uuid4(), user_uuid=uuid.uuid4()
    )
