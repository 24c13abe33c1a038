"""The meetings list pages by keyset: every meeting once, latest first, the same queries however
many meetings there are."""

import datetime
import re

import pytest

from meetings.models import GroupMeeting
from tests.helpers import user
from tests.support.paging import assert_walks, last_page_url, queries_of

pytestmark = pytest.mark.django_db

PAGE = 5
START = datetime.datetime(2025, 1, 6, 14, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.LIST_PAGE_SIZE = PAGE


def add_meetings(n, first=0):
    """n meetings, two at each time (ties on the order), numbered within their ROC year."""
    chair, clerk = user("director"), user("tracking")
    GroupMeeting.objects.bulk_create(
        GroupMeeting(
            roc_year=200 + i // 50,
            number=i % 50 + 1,
            scheduled_for=START + datetime.timedelta(days=7 * (i // 2)),
            chair=chair,
            created_by=clerk,
        )
        for i in range(first, first + n)
    )


def listed(page_html):
    return [int(pk) for pk in re.findall(r'<a href="/meetings/(\d+)/">', page_html)]


def test_meetings_page_by_page(org, login_as):
    add_meetings(23)
    expected = [
        pk for _at, pk in sorted(GroupMeeting.objects.values_list("scheduled_for", "pk"), reverse=True)
    ]
    client = login_as("tracking")
    pages = assert_walks(client, "/meetings/", listed, expected, PAGE)
    assert "第 6–10 筆" in client.get(pages[1][0]).content.decode()
    bad = client.get("/meetings/", {"after": "garbage"})
    assert bad.status_code == 200 and listed(bad.content.decode()) == expected[:PAGE]


def test_same_queries_for_30_and_300_meetings(org, login_as):
    add_meetings(30)
    client = login_as("tracking")
    small = [queries_of(client, "/meetings/"), queries_of(client, last_page_url(client, "/meetings/"))]
    add_meetings(270, first=30)
    assert [
        queries_of(client, "/meetings/"),
        queries_of(client, last_page_url(client, "/meetings/")),
    ] == small
