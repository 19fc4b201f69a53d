"""The package exports its port, errors, client and letter types, sorted, and nothing else."""

from __future__ import annotations

import types

import adapters.digitalpost as package
from adapters.digitalpost.client import DigitalPostClient
from adapters.digitalpost.port import DigitalPost
from adapters.digitalpost.standin import InMemoryDigitalPost, Sf1601StandIn


def test_all_is_sorted_and_complete():
    public = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert package.__all__ == sorted(package.__all__)
    assert set(package.__all__) == public


def check(port: DigitalPost) -> DigitalPost:
    return port


def test_the_client_and_the_fake_fit_the_port_for_mypy():
    # mypy checks these calls; at run time they only prove the names import.
    assert check(InMemoryDigitalPost()) is not None
    assert Sf1601StandIn({}).transport() is not None
    assert DigitalPostClient is not None
