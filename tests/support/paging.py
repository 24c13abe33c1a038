"""Walking a paged list page (governance.paging) through its links, as a person would."""

import html
import re
from urllib.parse import urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext

_LINK = r'<a href="([^"]*)" rel="{rel}">'


def link(page_html, rel):
    """The href of the pager's rel="next" / rel="prev" link, or None."""
    found = re.search(_LINK.format(rel=rel), page_html)
    return html.unescape(found.group(1)) if found else None


def _absolute(url, href):
    return urlsplit(url).path + href if href.startswith("?") else href


def walk(client, url, rows, rel="next", limit=100):
    """[(url, [row, …]), …]: the pages from `url` on, following the rel link, each with the rows
    `rows(page_html)` reads from it. Every page must answer 200."""
    pages = []
    while url is not None:
        assert len(pages) < limit, "the pager does not end"
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        page_html = response.content.decode()
        pages.append((url, rows(page_html)))
        href = link(page_html, rel)
        url = _absolute(url, href) if href else None
    return pages


def last_page_url(client, url):
    return walk(client, url, lambda _html: None)[-1][0]


def queries_of(client, url):
    """How many queries the page takes."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def assert_walks(client, url, rows, expected, page_size, kept=""):
    """Walking `url` by 下一頁 lists `expected` once each, in order, `page_size` a page, each
    link keeping `kept` (a filter) in its query; walking back by 上一頁 from the last page gives
    the same pages in reverse."""
    forward = walk(client, url, rows)
    assert [row for _url, page in forward for row in page] == expected
    assert all(len(page) == page_size for _url, page in forward[:-1])
    assert len(forward) == -(-len(expected) // page_size)
    for page_url, _page in forward[1:]:
        assert kept in page_url, page_url
        assert "after=" in page_url
    backward = walk(client, forward[-1][0], rows, rel="prev")
    assert [page for _url, page in backward] == [page for _url, page in reversed(forward)]
    for page_url, _page in backward[1:]:
        assert kept in page_url, page_url
    return forward
