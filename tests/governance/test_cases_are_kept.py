"""Cases are never hard-deleted: not one by one, not in bulk, not from the admin."""

import pytest

from audits.models import Audit, Finding
from governance.models import CaseDeletionError
from proposals.models import Proposal
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db


def test_proposals_audits_and_findings_cannot_be_deleted(org, client, person):
    proposal = Driver(client, person).submit("readers-staff1")
    audit = AuditDriver(client, person).register([finding_fields(0)])
    for obj in (proposal, audit, audit.findings.first()):
        with pytest.raises(CaseDeletionError):
            obj.delete()
    for queryset in (Proposal.objects.all(), Audit.objects.all(), Finding.objects.all()):
        with pytest.raises(CaseDeletionError):
            queryset.delete()
    assert Proposal.objects.count() == 1 and Finding.objects.count() == 1
