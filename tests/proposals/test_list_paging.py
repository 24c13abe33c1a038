"""The proposal lists page by keyset: every row once, in order, filters kept, the same queries
however long the list."""

import datetime
import re

import pytest
from django.utils import timezone

from proposals.models import Proposal, ScopeCategory
from tests.helpers import unit, user
from tests.support.paging import assert_walks, last_page_url, queries_of

pytestmark = pytest.mark.django_db

PAGE = 7
SENT = timezone.make_aware(datetime.datetime(2026, 2, 2, 10, 0))


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.LIST_PAGE_SIZE = PAGE


def add_proposals(n, first=0, drafts=0):
    """n sent proposals of readers-staff1 (three at each minute: ties on the order's time),
    half in second review; and `drafts` drafts, not sent."""
    category = ScopeCategory.objects.first()
    common = dict(
        unit=unit("readers"),
        submitter=user("readers-staff1"),
        category=category,
        situation="s",
        improvement="i",
    )
    rows = [
        Proposal(
            title=f"分頁提案{i:04}",
            benefit="b",
            state=Proposal.State.SECOND_REVIEW if i % 2 else Proposal.State.FIRST_REVIEW,
            submitted_at=SENT + datetime.timedelta(minutes=i // 3),
            roc_year=115,
            sequence=i + 1,
            case_number=f"115-{i + 1:04}",
            **common,
        )
        for i in range(first, first + n)
    ]
    rows += [Proposal(title=f"分頁草稿{i}", benefit="b", **common) for i in range(drafts)]
    Proposal.objects.bulk_create(rows)


def listed(page_html):
    return [int(pk) for pk in re.findall(r'<a href="/proposals/(\d+)/">', page_html)]


def in_list_order(queryset):
    """Newest sent first, drafts (not sent) before them, the newest row first on a tie."""
    rows = list(queryset.values_list("pk", "submitted_at"))
    drafts = sorted((pk for pk, sent in rows if sent is None), reverse=True)
    sent = sorted(((sent, pk) for pk, sent in rows if sent is not None), reverse=True)
    return drafts + [pk for _sent, pk in sent]


def test_all_proposals_page_by_page_with_a_filter(org, login_as):
    add_proposals(40)
    client = login_as("tracking")
    expected = in_list_order(Proposal.objects.filter(state=Proposal.State.SECOND_REVIEW))
    assert len(expected) == 20
    pages = assert_walks(
        client, "/proposals/all/?state=second_review", listed, expected, PAGE, "state=second_review"
    )
    html = client.get(pages[1][0]).content.decode()
    assert "第 8–14 筆" in html and 'aria-label="分頁"' in html and 'rel="prev"' in html
    assert "僅列出前 200 筆" not in html
    # The export from any page holds every filtered row: its link carries the filter, no cursor.
    export = re.search(r'<a href="([^"]+)"[^>]*>匯出 CSV', html).group(1)
    assert "state=second_review" in export and "after=" not in export


def test_my_proposals_list_drafts_first_then_the_rest(org, login_as):
    add_proposals(12, drafts=9)
    client = login_as("readers-staff1")
    expected = in_list_order(Proposal.objects.all())
    assert_walks(client, "/proposals/", listed, expected, PAGE)


def test_unit_list_pages_too(org, login_as):
    add_proposals(15, drafts=2)  # the unit's list leaves drafts out
    expected = in_list_order(Proposal.objects.exclude(state=Proposal.State.DRAFT))
    assert_walks(login_as("readers-head"), "/proposals/unit/", listed, expected, PAGE)


def test_a_bad_cursor_shows_the_first_page(org, login_as):
    add_proposals(10)
    client = login_as("tracking")
    first = listed(client.get("/proposals/all/").content.decode())
    for cursor in ("garbage", "eyJ4IjoxfQ", "W10"):
        for name in ("after", "before"):
            response = client.get("/proposals/all/", {name: cursor})
            assert response.status_code == 200
            assert listed(response.content.decode()) == first


def test_same_queries_for_30_and_300_proposals(org, login_as):
    add_proposals(30)
    client = login_as("tracking")
    urls = ["/proposals/all/?state=second_review", "/proposals/all/", "/proposals/"]

    def counts():
        result = []
        for url in urls:
            result += [queries_of(client, url), queries_of(client, last_page_url(client, url))]
        return result

    small = counts()
    add_proposals(270, first=30)
    assert counts() == small
