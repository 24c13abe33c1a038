"""The audits list and the findings lists page by keyset: every row once, in order, filters kept,
the same queries however long the list."""

import datetime
import re

import pytest

from audits.models import Audit, Finding
from tests.helpers import unit, user
from tests.support.paging import assert_walks, last_page_url, queries_of

pytestmark = pytest.mark.django_db

PAGE = 6
HELD = datetime.date(2026, 1, 5)


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.LIST_PAGE_SIZE = PAGE


def add_audits(n, first=0):
    """n audits, two held on each day (ties on the order's date)."""
    tracking = user("tracking")
    return Audit.objects.bulk_create(
        Audit(
            agency="國家發展委員會",
            kind=Audit.Kind.APPRAISAL,
            title=f"分頁考核{i:04}",
            held_on=HELD + datetime.timedelta(days=i // 2),
            registered_by=tracking,
        )
        for i in range(first, first + n)
    )


def add_findings(n, first=0):
    """n findings over a few audits, three due on each day, alternately of the readers and the
    acquisitions units, a third of them in planning."""
    audits = add_audits(3, first=first)
    units = [unit("readers"), unit("acquisitions")]
    Finding.objects.bulk_create(
        Finding(
            audit=audits[i % 3],
            tracking_number=f"A115-{i + 1:04}",
            roc_year=115,
            sequence=i + 1,
            kind=Finding.Kind.DEFICIENCY,
            text=f"分頁意見{i:04}",
            severity=Finding.Severity.MEDIUM,
            lead_unit=units[i % 2],
            due_date=datetime.date(2027, 1, 1) + datetime.timedelta(days=(i * 7 % 50) // 3),
            state=Finding.State.PLANNING if i % 3 == 0 else Finding.State.IN_PROGRESS,
        )
        for i in range(first, first + n)
    )


def findings_listed(page_html):
    return [int(pk) for pk in re.findall(r'<a href="/audits/findings/(\d+)/">', page_html)]


def audits_listed(page_html):
    return [int(pk) for pk in re.findall(r'<a href="/audits/(\d+)/">', page_html)]


def in_due_order(queryset):
    return [pk for _due, pk in sorted(queryset.values_list("due_date", "pk"))]


def test_all_findings_page_by_page_with_filters(org, login_as):
    add_findings(60)
    client = login_as("tracking")
    readers = unit("readers")
    expected = in_due_order(Finding.objects.filter(lead_unit=readers, state=Finding.State.PLANNING))
    assert len(expected) == 10
    url = f"/audits/findings/?unit={readers.pk}&state=planning"
    assert_walks(client, url, findings_listed, expected, PAGE, f"unit={readers.pk}&state=planning")
    expected = in_due_order(Finding.objects.all())
    pages = assert_walks(client, "/audits/findings/", findings_listed, expected, PAGE)
    html = client.get(pages[2][0]).content.decode()
    assert "第 13–18 筆" in html and "僅列出前 200 筆" not in html
    export = re.search(r'<a href="([^"]+)"[^>]*>匯出 CSV', html).group(1)
    assert "after=" not in export and "before=" not in export


def test_unit_findings_page_too(org, login_as):
    add_findings(40)
    expected = in_due_order(Finding.objects.filter(lead_unit=unit("readers")))
    assert_walks(login_as("readers-head"), "/audits/findings/unit/", findings_listed, expected, PAGE)


def test_audits_page_by_page(org, login_as):
    add_audits(25)
    expected = [pk for _held, pk in sorted(Audit.objects.values_list("held_on", "pk"), reverse=True)]
    assert_walks(login_as("tracking"), "/audits/", audits_listed, expected, PAGE)


def test_a_bad_cursor_shows_the_first_page(org, login_as):
    add_findings(20)
    client = login_as("tracking")
    for url in ("/audits/findings/", "/audits/"):
        first = client.get(url).content.decode()
        for cursor in ("garbage", "WzEsWyJub3QgYSBkYXRlIiwxXV0"):
            for name in ("after", "before"):
                response = client.get(url, {name: cursor})
                assert response.status_code == 200
                assert findings_listed(response.content.decode()) == findings_listed(first)
                assert audits_listed(response.content.decode()) == audits_listed(first)


def test_same_queries_for_30_and_300_rows(org, login_as):
    add_findings(30)
    add_audits(27, first=100)
    client = login_as("tracking")
    urls = ["/audits/findings/", "/audits/findings/?state=planning", "/audits/"]

    def counts():
        result = []
        for url in urls:
            result += [queries_of(client, url), queries_of(client, last_page_url(client, url))]
        return result

    small = counts()
    add_findings(270, first=30)
    add_audits(270, first=1000)
    assert counts() == small
