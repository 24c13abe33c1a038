"""Fixtures of the audit tests (the shared ones are in tests/conftest.py)."""

import pytest

from tests.support.audit_http import AuditDriver


@pytest.fixture
def drive(client, person, org):
    """Audits and findings driven over HTTP as the real roles (tests/support/audit_http.py)."""
    return AuditDriver(client, person)
