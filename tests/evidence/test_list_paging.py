"""HR's list of people pages: every person once, in the list's order, the period and unit kept,
the page's reads (and access-log records) only of the people it shows, the same queries however
many people the unit has."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidence.selectors import people_in_period
from governance.models import Membership, PersonalDataAccess, Unit
from governance.periods import period_of_year
from tests.support.paging import assert_walks, last_page_url, link, queries_of

pytestmark = pytest.mark.django_db

PAGE = 6


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.LIST_PAGE_SIZE = PAGE


def new_people(code, count, first=0):
    new_unit = Unit.objects.get_or_create(
        code=code, defaults={"name": f"測試{code}", "kind": Unit.Kind.DIVISION, "sort_order": 90}
    )[0]
    for n in range(first, first + count):
        member = get_user_model().objects.create(username=f"{code}-{n:03}", full_name=f"{code} {n}")
        Membership.objects.create(
            user=member, unit=new_unit, role="staff", valid_from=datetime.date(2020, 1, 1)
        )
    return new_unit


def listed(page_html):
    return [int(pk) for pk in re.findall(r'<a href="/evidence/people/(\d+)\.pdf', page_html)]


def test_people_page_by_page_with_the_unit_and_period_kept(org, login_as):
    big = new_people("big", 20)
    client = login_as("hr")
    start, end = period_of_year(115)
    expected = [p.pk for p, _unit in people_in_period(start, end, big)]
    url = "/evidence/?year=115&unit=big"
    pages = assert_walks(client, url, listed, expected, PAGE, "year=115&unit=big")
    html = client.get(pages[1][0]).content.decode()
    assert "第 7–12 筆" in html
    # The ZIP is of everyone listed, on every page.
    assert "產製 ZIP（20 人的 PDF）" in html
    # Everyone's list, without a unit, pages too: everyone once.
    everyone = [p.pk for p, _unit in people_in_period(start, end)]
    assert_walks(client, "/evidence/?year=115", listed, everyone, PAGE, "year=115")


def test_a_page_records_the_reads_of_its_own_people_only(org, login_as):
    new_people("big", 20)
    client = login_as("hr")
    before = set(PersonalDataAccess.objects.values_list("pk", flat=True))
    html = client.get("/evidence/", {"year": "115", "unit": "big"}).content.decode()
    read = PersonalDataAccess.objects.exclude(pk__in=before).filter(
        action=PersonalDataAccess.Action.EVIDENCE_LIST
    )
    assert sorted(read.values_list("subject_id", flat=True)) == sorted(listed(html))
    assert len(listed(html)) == PAGE


def test_a_page_reads_its_own_people_only(org, login_as):
    """The list pages (person, unit) ids and reads the people of its page: a ministry's list
    is 3,000 people, and reading them all took half the page's time."""
    new_people("big", 30)
    client = login_as("hr")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/evidence/", {"year": "115"}).content.decode()
    reads = [
        re.search(r'"governance_user"\."id" IN \(([^)]*)\)', q["sql"])
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "governance_user"."id", "governance_user"."password"')
    ]
    ids = [m.group(1).split(", ") for m in reads if m]
    assert ids and all(len(group) <= PAGE for group in ids), ids
    assert len(listed(html)) == PAGE


def test_a_bad_cursor_shows_the_first_page(org, login_as):
    new_people("big", 10)
    client = login_as("hr")
    first = listed(client.get("/evidence/", {"year": "115", "unit": "big"}).content.decode())
    for cursor in ("garbage", "WzEsWyJ4Il1d", "WzEsWzk5OTk5OTldXQ"):  # text; a person not listed
        for name in ("after", "before"):
            response = client.get("/evidence/", {"year": "115", "unit": "big", name: cursor})
            assert response.status_code == 200
            assert listed(response.content.decode()) == first
            assert link(response.content.decode(), "prev") is None


def test_same_queries_for_30_and_300_people(org, login_as):
    new_people("big", 30)
    client = login_as("hr")
    url = "/evidence/?year=115&unit=big"
    client.get(url)  # the first read ever makes the access log's head row
    small = [queries_of(client, url), queries_of(client, last_page_url(client, url))]
    new_people("big", 270, first=30)
    assert [queries_of(client, url), queries_of(client, last_page_url(client, url))] == small
