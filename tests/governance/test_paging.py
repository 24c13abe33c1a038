"""governance.paging: keyset pages of a queryset, their links, their cursors."""

import base64
import datetime
import functools
import json

import pytest
from django.db import connection
from django.db.models import Value
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance import paging
from governance.models import Notification

pytestmark = pytest.mark.django_db

MOMENT = timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 0))


@pytest.fixture
def notices(org, person):
    """37 notifications of one person, with ties on the time and on the due date, some with none;
    and a few of someone else."""
    liaison = person("readers-liaison")
    rows = []
    for i in range(37):
        rows.append(
            Notification(
                recipient=liaison,
                kind=Notification.Kind.TASK if i % 3 else Notification.Kind.REMINDER,
                key=f"k{i}",
                subject=f"通知 {i}",
                body="內容",
                created_at=MOMENT + datetime.timedelta(hours=i // 4),  # four at each time
                due_date=None if i % 5 == 0 else datetime.date(2026, 4, 1 + i % 7),
            )
        )
    for i in range(3):
        rows.append(
            Notification(recipient=person("readers-head"), kind="task", key=f"o{i}", subject="別人", body="")
        )
    Notification.objects.bulk_create(rows)
    return Notification.objects.filter(recipient=liaison)


def _request(url="/list/"):
    return RequestFactory().get(url)


def _walk(queryset, order, size, url="/list/", rel="next_url"):
    pages = []
    page = paging.keyset_page(_request(url), queryset, order, size=size)
    pages.append(page)
    while getattr(page, rel):
        assert len(pages) < 100
        page = paging.keyset_page(_request("/list/" + getattr(page, rel)), queryset, order, size=size)
        pages.append(page)
    return pages


def _expected(queryset, order):
    """The rows sorted in Python, NULL as the largest value, the tie-break last."""

    def compare(a, b):
        for item in order:
            name = item.lstrip("-")
            x, y = getattr(a, name), getattr(b, name)
            if x == y:
                continue
            greater = x is None or (y is not None and x > y)
            return (1 if greater else -1) * (-1 if item.startswith("-") else 1)
        return 0

    return [r.pk for r in sorted(queryset, key=functools.cmp_to_key(compare))]


@pytest.mark.parametrize(
    "order",
    [
        ("-created_at", "-pk"),
        ("created_at", "pk"),
        ("-due_date", "-pk"),
        ("due_date", "pk"),
        ("due_date", "-pk"),
    ],
)
def test_walking_forward_and_back_lists_every_row_once_in_order(notices, order):
    expected = _expected(notices, order)
    pages = _walk(notices, order, size=5)
    assert [n.pk for page in pages for n in page.rows] == expected
    assert len(pages) == 8 and [len(p.rows) for p in pages] == [5] * 7 + [2]
    # 「第 x–y 筆」 follows the rows.
    assert [(p.start, p.end) for p in pages] == [(i * 5 + 1, min(i * 5 + 5, 37)) for i in range(8)]
    assert pages[0].previous_url is None and pages[0].first_url is None and pages[-1].next_url is None
    assert all(p.paged for p in pages)
    # From the last page back to the first, by 上一頁.
    last = paging.keyset_page(_request("/list/" + pages[-2].next_url), notices, order, size=5)
    back = [last]
    while back[-1].previous_url:
        back.append(paging.keyset_page(_request("/list/" + back[-1].previous_url), notices, order, size=5))
    assert [[n.pk for n in p.rows] for p in back] == [[n.pk for n in p.rows] for p in reversed(pages)]
    assert [(p.start, p.end) for p in back] == [(p.start, p.end) for p in reversed(pages)]
    assert back[-1].first_url is None and back[-1].next_url


def test_one_page_has_no_pager(notices):
    page = paging.keyset_page(_request(), notices, ("-created_at", "-pk"), size=50)
    assert len(page.rows) == 37 and not page.paged and (page.start, page.end) == (1, 37)
    empty = paging.keyset_page(_request(), notices.none(), ("-created_at", "-pk"), size=50)
    assert empty.rows == [] and not empty.paged and (empty.start, empty.end) == (0, 0)


def test_links_keep_the_filters_and_a_filter_starts_again(notices):
    kind = Notification.Kind.TASK
    filtered = notices.filter(kind=kind)
    url = f"/list/?kind={kind}&q=%E9%80%9A"
    pages = _walk(filtered, ("-created_at", "-pk"), size=4, url=url)
    assert [n.pk for p in pages for n in p.rows] == _expected(filtered, ("-created_at", "-pk"))
    for page in pages:
        for link in (page.next_url, page.previous_url, page.first_url):
            if link:
                assert f"kind={kind}" in link and "q=%E9%80%9A" in link
                assert link.count("after=") + link.count("before=") <= 1
    assert pages[-1].first_url == f"?kind={kind}&q=%E9%80%9A"
    # The export link and the filter form carry no cursor: they start again at the first row.
    query = _request("/list/" + pages[1].next_url).GET
    assert "after" in query and "after" not in paging.filters_of(query)
    assert paging.filters_of(query)["kind"] == kind


def _cursor(payload):
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        _cursor("text"),
        _cursor([1]),
        _cursor([1, ["2026-03-01T09:00:00+00:00"]]),  # one value short
        _cursor([1, ["2026-03-01T09:00:00+00:00", 1, 2]]),  # one too many
        _cursor([1, ["2026-03-01T09:00:00", 5]]),  # a naive time
        _cursor([1, ["tomorrow", 5]]),
        _cursor([1, [None, 5]]),  # the time is never empty
        _cursor([1, ["2026-03-01T09:00:00+00:00", 10**30]]),  # past any key column
        _cursor([1, ["2026-03-01T09:00:00+00:00", [5]]]),
        _cursor(["x", ["2026-03-01T09:00:00+00:00", 5]]),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_bad_cursor_shows_the_first_page(notices, cursor, direction):
    order = ("-created_at", "-pk")
    first = paging.keyset_page(_request(), notices, order, size=5)
    page = paging.keyset_page(RequestFactory().get("/list/", {direction: cursor}), notices, order, size=5)
    assert [n.pk for n in page.rows] == [n.pk for n in first.rows]
    assert page.previous_url is None and page.start == 1 and page.next_url


def test_before_the_first_row_shows_the_first_page(notices):
    order = ("-created_at", "-pk")
    pages = _walk(notices, order, size=5)
    top = pages[0].rows[0]
    # Going back from the first row, or from a row deleted since: the first page, not an empty one.
    url = pages[1].previous_url
    Notification.objects.filter(pk__in=[n.pk for n in pages[0].rows]).delete()
    page = paging.keyset_page(_request("/list/" + url), notices, order, size=5)
    assert [n.pk for n in page.rows] == [n.pk for n in pages[1].rows]
    assert page.previous_url is None and page.start == 1
    assert top.pk not in [n.pk for n in page.rows]


def test_an_order_must_end_with_a_unique_column(notices):
    with pytest.raises(ValueError):
        paging.keyset_page(_request(), notices, ("-created_at",), size=5)
    with pytest.raises(ValueError):
        paging.keyset_page(_request(), notices, ("-due_date", "created_at"), size=5)


def test_one_query_a_page_however_many_rows(org, person, notices):
    order = ("-created_at", "-pk")
    liaison = person("readers-liaison")

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            page = paging.keyset_page(_request(url), notices, order, size=10)
        return len(captured), page

    small = [queries("/list/")]
    small.append(queries("/list/" + small[0][1].next_url))
    small.append(queries("/list/" + small[1][1].previous_url))
    Notification.objects.bulk_create(
        Notification(recipient=liaison, kind="task", key=f"m{i}", subject="多", body="", created_at=MOMENT)
        for i in range(300)
    )
    large = [queries("/list/")]
    large.append(queries("/list/" + large[0][1].next_url))
    large.append(queries("/list/" + large[1][1].previous_url))
    assert [n for n, _page in small] == [n for n, _page in large] == [1, 1, 1]


def test_rows_read_by_key_for_a_page_picked_among_the_keys(notices):
    """A list that joins (DISTINCT) passes its filters alone and reads its page's rows by key."""
    order = ("-due_date", "-pk")
    joined = (
        notices.filter(recipient__groups__isnull=False).distinct() | notices.filter(kind="task").distinct()
    )
    asked = []

    def rows(pks):
        asked.append(list(pks))
        return Notification.objects.filter(pk__in=pks).annotate(marked=Value(1)).order_by("pk")

    expected = _expected(notices.filter(pk__in=joined.values("pk")), order)
    pages, page = [], paging.keyset_page(_request(), joined, order, size=4, rows=rows)
    pages.append(page)
    while page.next_url:
        with CaptureQueriesContext(connection) as captured:
            page = paging.keyset_page(_request("/list/" + page.next_url), joined, order, size=4, rows=rows)
        assert len(captured) == 2
        pages.append(page)
    assert [n.pk for p in pages for n in p.rows] == expected
    assert all(n.marked == 1 for p in pages for n in p.rows)
    assert asked == [[n.pk for n in p.rows] for p in pages]
