"""Fixtures of the proposal tests (the shared ones are in tests/conftest.py)."""

import pytest

from tests.support.proposal_http import Driver


@pytest.fixture
def drive(client, person, org):
    """Proposals driven over HTTP as the real roles (tests/support/proposal_http.py)."""
    return Driver(client, person)
