"""Naming a practice's 承辦人 on the report pages: the practice page and the unit's quarterly
page offer the unit's people as checkboxes, ticked as the previous quarter named them; the
liaison, the head and the 管考 office save them; other units' people and the unit's staff get
no form and are refused."""

import datetime
import re

import pytest
from django.urls import reverse

from plan.models import PracticeOfficer
from tests.helpers import taipei, unit
from tests.support.plan_factory import make_plan, practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = taipei(datetime.date(2026, 8, 15), 10)  # 115Q3
KEY = "1-1-1.1"


@pytest.fixture
def version(org):
    return make_plan(115)


def page_url(version, period="115Q3", code="readers", key=KEY):
    return reverse("plan:report_practice", args=[practice(version, key).pk, unit(code).pk, period])


def officers_url(version, period="115Q3", code="readers", key=KEY):
    return reverse("plan:report_officers", args=[practice(version, key).pk, unit(code).pk, period])


def ticked(page):
    """The ids of the people whose checkbox is ticked."""
    return sorted(
        int(value)
        for tag in re.findall(r"<input[^>]*name=\"people\"[^>]*>", page)
        if " checked" in tag
        for value in re.findall(r'value="(\d+)"', tag)
    )


def offered(page):
    return sorted(int(v) for v in re.findall(r'<input[^>]*name="people"[^>]*value="(\d+)"', page))


def test_liaison_names_them_and_the_next_quarter_offers_them(login_as, person, version):
    client = login_as("readers-liaison")
    page = client.get(page_url(version, "115Q1")).content.decode()
    assert "115 年第 1 季 承辦人" in page and "尚未指定承辦人" in page and "儲存承辦人" in page
    readers = [
        person(login) for login in ("readers-head", "readers-liaison", "readers-staff1", "readers-staff2")
    ]
    assert offered(page) == sorted(p.pk for p in readers) and ticked(page) == []

    staff1, staff2 = person("readers-staff1"), person("readers-staff2")
    response = client.post(officers_url(version, "115Q1"), {"people": [staff1.pk, staff2.pk]})
    assert response.status_code == 302 and response.url == page_url(version, "115Q1")
    assert set(PracticeOfficer.objects.values_list("person", "quarter")) == {(staff1.pk, 1), (staff2.pk, 1)}
    page = client.get(page_url(version, "115Q1")).content.decode()
    assert (
        f"{staff1.get_full_name()}、{staff2.get_full_name()}" in page and "指定承辦人——推動作法 1.1" in page
    )

    # The next quarter offers them ticked, saying where they come from; nothing is stored yet.
    page = client.get(page_url(version, "115Q2")).content.decode()
    assert "（尚未指定，預設沿用115 年第 1 季）" in page and ticked(page) == sorted([staff1.pk, staff2.pk])
    assert not PracticeOfficer.objects.filter(quarter=2).exists()

    # Nothing ticked: refused on the page, nothing changed.
    response = client.post(officers_url(version, "115Q2"), {})
    assert response.status_code == 200 and "請至少勾選一位承辦人" in response.content.decode()
    # Someone of another unit is not a choice.
    response = client.post(officers_url(version, "115Q2"), {"people": [person("planning-staff1").pk]})
    assert response.status_code == 200 and not PracticeOfficer.objects.filter(quarter=2).exists()


def test_head_and_tracking_office_name_them_other_units_are_refused(client, login_as, person, version):
    staff1 = person("readers-staff1")
    assert login_as("readers-head").post(officers_url(version), {"people": [staff1.pk]}).status_code == 302
    tracking = login_as("tracking")
    assert "儲存承辦人" in tracking.get(page_url(version)).content.decode()
    response = tracking.post(officers_url(version, "115Q2"), {"people": [staff1.pk]})
    assert response.status_code == 302
    for login in ("planning-liaison", "planning-head"):
        response = login_as(login).post(officers_url(version, "115Q1"), {"people": [staff1.pk]})
        assert response.status_code == 403, login
    # The unit's staff read who is named but get no form, and are refused.
    staff = login_as("readers-staff2")
    page = staff.get(page_url(version)).content.decode()
    assert staff1.get_full_name() in page and "儲存承辦人" not in page
    assert staff.post(officers_url(version, "115Q1"), {"people": [staff1.pk]}).status_code == 403
    assert set(PracticeOfficer.objects.values_list("quarter", flat=True)) == {2, 3}
    # Only by POST.
    assert staff.get(officers_url(version)).status_code == 405


def test_the_unit_page_shows_them_with_a_form_per_practice(login_as, person, version):
    client = login_as("readers-liaison")
    staff2 = person("readers-staff2")
    client.post(officers_url(version, "115Q2"), {"people": [staff2.pk]})
    index = reverse("plan:report_index") + f"?plan={version.plan_id}&period=115Q3"
    page = client.get(index).content.decode()
    assert "承辦人" in page and f"{staff2.get_full_name()} <span" in page and "預設沿用115 年第 2 季" in page
    assert page.count("儲存承辦人") == 3  # readers answer for three practices of the plan
    assert officers_url(version) in page
    # Saved from the unit page: back to it.
    response = client.post(officers_url(version), {"people": [staff2.pk], "next": index})
    assert response.status_code == 302 and response.url == index
    assert PracticeOfficer.objects.filter(quarter=3, person=staff2).exists()
