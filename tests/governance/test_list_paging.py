"""The notifications list and the access-log lists page by keyset: every row once, newest first,
filters kept, the same queries however long the list."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from governance import access_log
from governance.models import Notification, PersonalDataAccess
from tests.helpers import user
from tests.support.paging import assert_walks, last_page_url, link, queries_of

pytestmark = pytest.mark.django_db

PAGE = 6
MOMENT = timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 0))


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.LIST_PAGE_SIZE = PAGE


def add_notifications(login, n, first=0):
    """n notifications, three at each minute (ties on the order's time)."""
    Notification.objects.bulk_create(
        Notification(
            recipient=user(login),
            kind=Notification.Kind.TASK,
            key=f"k{i}",
            subject=f"分頁通知{i:04}",
            body="內容",
            created_at=MOMENT + datetime.timedelta(minutes=i // 3),
        )
        for i in range(first, first + n)
    )


def notices_listed(page_html):
    return re.findall(r"(分頁通知\d{4})</th>", page_html)


def newest_first(login):
    return list(
        Notification.objects.filter(recipient=user(login))
        .order_by("-created_at", "-pk")
        .values_list("subject", flat=True)
    )


def test_notifications_page_by_page(org, login_as):
    add_notifications("readers-liaison", 20)
    add_notifications("readers-head", 5, first=100)
    client = login_as("readers-liaison")
    pages = assert_walks(client, "/notifications/", notices_listed, newest_first("readers-liaison"), PAGE)
    second = client.get(pages[1][0]).content.decode()
    # The unread count is of them all, not of the page.
    assert "第 7–12 筆" in second and "20 則未讀" in second
    # Marking one read from the second page comes back to it.
    pk = re.search(r'name="pk" value="(\d+)"', second).group(1)
    following = html.unescape(re.search(r'name="next" value="([^"]+)"', second).group(1))
    assert following == pages[1][0]
    response = client.post("/notifications/read/", {"pk": pk, "next": following})
    assert response.status_code == 302 and response["Location"] == pages[1][0]
    assert Notification.objects.get(pk=pk).read_at is not None


def test_notifications_same_queries_for_30_and_300(org, login_as):
    add_notifications("readers-liaison", 30)
    client = login_as("readers-liaison")
    small = [
        queries_of(client, "/notifications/"),
        queries_of(client, last_page_url(client, "/notifications/")),
    ]
    add_notifications("readers-liaison", 270, first=30)
    large = [
        queries_of(client, "/notifications/"),
        queries_of(client, last_page_url(client, "/notifications/")),
    ]
    assert large == small


def add_records(n, subjects, first=0):
    """n access-log records, each read by HR with its own detail, of the subjects in turn."""
    hr = user("hr")
    for i in range(first, first + n):
        access_log._append(
            actor=hr,
            actor_name="人事",
            subjects=[subjects[i % len(subjects)]],
            action=PersonalDataAccess.Action.EVIDENCE_PDF,
            detail=f"分頁紀錄{i:04}",
            request=None,
        )


def records_listed(page_html):
    return re.findall(r"<td>(分頁紀錄\d{4})</td>", page_html)


def details(**filters):
    return list(
        PersonalDataAccess.objects.filter(**filters).order_by("-sequence").values_list("detail", flat=True)
    )


def test_access_log_pages_with_its_filters(org, login_as):
    staff1, staff2 = user("readers-staff1"), user("readers-staff2")
    add_records(30, [staff1, staff2])
    url = "/access-log/?subject=readers-staff2&action=evidence_pdf"
    expected = details(subject=staff2)
    assert len(expected) == 15
    for login in ("auditor", "hr"):  # HR reads one person at a time, auditors as they like
        client = login_as(login)
        pages = assert_walks(
            client, url, records_listed, expected, PAGE, "subject=readers-staff2&action=evidence_pdf"
        )
        page = client.get(pages[1][0]).content.decode()
        export = re.search(r'<a href="([^"]+)"[^>]*>匯出 CSV', page).group(1)
        assert "subject=readers-staff2" in export and "after=" not in export
    assert_walks(login_as("auditor"), "/access-log/", records_listed, details(), PAGE)


def test_who_read_my_data_pages(org, login_as):
    staff1, staff2 = user("readers-staff1"), user("readers-staff2")
    add_records(20, [staff1, staff2, staff1])
    client = login_as("readers-staff1")
    assert_walks(client, "/access-log/mine/", records_listed, details(subject=staff1), PAGE)
    bad = client.get("/access-log/mine/", {"before": "x" * 40})
    assert bad.status_code == 200 and records_listed(bad.content.decode()) == details(subject=staff1)[:PAGE]
    assert link(bad.content.decode(), "prev") is None


def test_access_log_same_queries_for_30_and_300(org, login_as):
    staff1, staff2 = user("readers-staff1"), user("readers-staff2")
    add_records(30, [staff1, staff2])
    urls = [
        ("auditor", "/access-log/"),
        ("auditor", "/access-log/?subject=readers-staff1"),
        ("readers-staff1", "/access-log/mine/"),
    ]

    def counts():
        result = []
        for login, url in urls:
            client = login_as(login)
            result += [queries_of(client, url), queries_of(client, last_page_url(client, url))]
        return result

    small = counts()
    add_records(270, [staff1, staff2], first=30)
    assert counts() == small


def test_access_log_names_people_by_account_or_name_not_from_a_list_of_everyone(login_as, person):
    """A select of every person would be thousands of options at a ministry: the filters
    take an account or a full name, and say so when it names nobody or more than one."""
    from governance.models import User

    client = login_as("auditor")
    page = client.get("/access-log/").content.decode()
    form = page[page.index('role="search"') : page.index('name="action"')]
    assert "<option" not in form and 'name="subject"' in form  # no list of people before 動作
    staff = person("readers-staff1")
    for typed in (staff.username, staff.full_name):
        response = client.get("/access-log/", {"subject": typed})
        assert response.status_code == 200 and response.context["form"].cleaned_data["subject"] == staff
    page = client.get("/access-log/", {"subject": "查無此人"}).content.decode()
    assert "查無「查無此人」，請輸入帳號或姓名。" in page
    User.objects.create(username="twin-a", full_name="王同名")
    User.objects.create(username="twin-b", full_name="王同名")
    page = client.get("/access-log/", {"actor": "王同名"}).content.decode()
    assert "同名者不只一位，請輸入帳號。" in page
    response = client.get("/access-log/", {"actor": "twin-b"})
    assert response.context["form"].cleaned_data["actor"].username == "twin-b"
