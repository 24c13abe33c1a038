"""The adoption decision's form: each refused field says why, once."""

import pytest

from proposals.forms import DecisionForm

pytestmark = pytest.mark.django_db


def form(**data):
    return DecisionForm({"decision": "adopt", "reason": "經評審小組建議", **data})


def test_a_date_that_does_not_exist_says_so_and_only_so(org):
    from governance.models import Unit

    readers = Unit.objects.get(code="readers").pk
    refused = form(lead_unit=readers, due_date="115/2/29")
    assert not refused.is_valid()
    assert len(refused.errors["due_date"]) == 1 and "2月沒有29日" in refused.errors["due_date"][0]


def test_adoption_needs_a_lead_unit_and_a_due_date(org):
    refused = form()
    assert not refused.is_valid()
    assert refused.errors["lead_unit"] == ["採行須指定主辦單位。"]
    assert refused.errors["due_date"] == ["採行須指定預定完成日。"]
