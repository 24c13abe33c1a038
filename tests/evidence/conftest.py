"""Fixtures of the evidence tests (the shared ones are in tests/conftest.py)."""

import pytest


@pytest.fixture
def proposal(frozen, closed_proposal, client):
    """Closed at the module's NOW: readers-staff1 with readers-staff2 (40 %); nobody logged in."""
    client.logout()
    return closed_proposal
