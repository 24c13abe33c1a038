"""Reminders for practice reports (plan.practice_reports.due_for_reminders as a source of
governance.notifications): each responsible unit without a confirmed report for a deadline's
quarter is reminded, escalated when late; only the current version; constant queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance import notifications
from governance.models import Notification
from plan.practice_reports import due_for_reminders
from tests.helpers import frozen_at, unit
from tests.support.plan_factory import add_version, make_plan, many_practices, practice, report

pytestmark = pytest.mark.django_db

SOURCE = "plan.practice_reports.due_for_reminders"
Q3_END = datetime.date(2026, 9, 30)
REPORTED = datetime.date(2026, 9, 20)  # the reports written by `report`


@pytest.fixture(autouse=True)
def with_source(settings):
    settings.REMINDER_SOURCES = [*settings.REMINDER_SOURCES, SOURCE]


@pytest.fixture
def version(org):
    return make_plan(115)


def who(day):
    rows = Notification.objects.filter(key__startswith="practice:", key__endswith=f"{(day - Q3_END).days:+d}")
    return sorted(rows.values_list("key", "recipient__username", "kind"))


def test_a_late_report_is_reminded_then_escalated(person, version):
    report(version, "1-1-1.1", "readers", confirm=True, day=REPORTED)  # done: never reminded
    report(version, "1-2-2.1", "acquisitions", day=REPORTED)  # written, not yet confirmed: still owed
    report(version, "1-2-2.1", "reference", confirm=False, day=REPORTED)  # returned: still owed

    day = Q3_END - datetime.timedelta(days=7)
    with frozen_at(day):
        notifications.plan_reminders(day)
    shared = practice(version, "1-2-2.1")
    secretariat = practice(version, "2-1-1.1")
    assert who(day) == sorted(
        [
            (f"practice:1-2-2.1:{unit(code).pk}:115Q3:due2026-09-30:-7", f"{code}-liaison", "reminder")
            for code in ("readers", "acquisitions", "reference")
        ]
        + [
            (
                f"practice:2-1-1.1:{unit('secretariat').pk}:115Q3:due2026-09-30:-7",
                "secretariat-liaison",
                "reminder",
            )
        ]
    )

    day = Q3_END + datetime.timedelta(days=1)
    with frozen_at(day):
        notifications.plan_reminders(day)
    late = who(day)
    assert {(login, kind) for _key, login, kind in late} == {
        (f"{code}-{role}", "reminder" if role == "liaison" else "escalation")
        for code in ("readers", "acquisitions", "reference", "secretariat")
        for role in ("liaison", "head")
    }
    notice = Notification.objects.get(recipient=person("secretariat-head"), key__endswith=":+1")
    assert notice.subject.startswith("【逾期陳報】") and "115 年第 3 季 計畫推動作法季報" in notice.subject
    assert "每季辦理電話禮貌測試" in notice.body and "115年9月30日" in notice.body
    assert notice.url == reverse(
        "plan:report_practice", args=[secretariat.pk, unit("secretariat").pk, "115Q3"]
    )
    readers_url = Notification.objects.get(recipient=person("readers-liaison"), key__endswith=":+1").url
    assert readers_url == f"/plan/reports/practices/{shared.pk}/units/{unit('readers').pk}/115Q3/"

    # Once the head confirms the readers' report, their reminders stop.
    report(version, "1-2-2.1", "readers", confirm=True, day=REPORTED)
    day = Q3_END + datetime.timedelta(days=7)
    with frozen_at(day):
        notifications.plan_reminders(day)
        notifications.plan_reminders(day)  # a second run writes nothing more
    keys = {key.split(":due")[0] for key, _login, _kind in who(day)}
    assert keys == {f"practice:1-2-2.1:{unit(c).pk}:115Q3" for c in ("acquisitions", "reference")} | {
        f"practice:2-1-1.1:{unit('secretariat').pk}:115Q3"
    }
    assert len(who(day)) == 3 * 3  # liaison, head and director for each


def test_the_liaison_opens_the_reminder_link(person, version, client):
    day = Q3_END + datetime.timedelta(days=1)
    with frozen_at(day):
        notifications.plan_reminders(day)
        notice = Notification.objects.get(
            recipient=person("secretariat-liaison"), key__startswith="practice:"
        )
        client.force_login(person("secretariat-liaison"))
        page = client.get(notice.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "每季辦理電話禮貌測試" in html and "送出季報" in html


def test_only_the_current_version_is_reminded(person, version):
    add_version(version, drop_keys=["2-1-1.1"])
    items = due_for_reminders([Q3_END])
    assert sorted((i.key, i.what, i.case_number) for i in items) == sorted(
        [
            (f"practice:1-1-1.1:{unit('readers').pk}:115Q3", "115 年第 3 季 計畫推動作法季報", "1.1"),
            *[
                (f"practice:1-2-2.1:{unit(c).pk}:115Q3", "115 年第 3 季 計畫推動作法季報", "2.1")
                for c in ("readers", "acquisitions", "reference")
            ],
        ]
    )
    current = practice(version.plan.versions.get(number=2), "1-1-1.1")
    [first] = [i for i in items if i.case_number == "1.1"]
    assert first.unit_id == unit("readers").pk and first.due_date == Q3_END
    assert first.title == current.text[:100]
    assert first.url == reverse("plan:report_practice", args=[current.pk, unit("readers").pk, "115Q3"])
    assert due_for_reminders([datetime.date(2026, 9, 29)]) == []
    # A December deadline of a yearly practice is owed for 115Q4.
    december = {i.key for i in due_for_reminders([datetime.date(2026, 12, 31)])}
    assert f"practice:3-1-1.1:{unit('planning').pk}:115Q4" in december


def test_a_confirmed_report_of_an_earlier_version_counts(person, version):
    report(version, "1-1-1.1", "readers", confirm=True, day=REPORTED)
    add_version(version)
    keys = {i.key for i in due_for_reminders([Q3_END])}
    assert f"practice:1-1-1.1:{unit('readers').pk}:115Q3" not in keys
    assert f"practice:2-1-1.1:{unit('secretariat').pk}:115Q3" in keys


def test_two_queries_whatever_the_number_of_deadlines(person, org):
    dates = [datetime.date(2027, 3, 31), datetime.date(2027, 6, 30), datetime.date(2027, 9, 30)]

    def count():
        with CaptureQueriesContext(connection) as queries:
            items = due_for_reminders(dates)
        return len(queries), len(items)

    plan = make_plan(116, practices=many_practices(2))  # deadlines in 2027
    small_queries, small_items = count()
    version = plan.plan.versions.get()
    item = practice(version, "k0").item
    for n in range(2, 50):
        added = item.practices.create(key=f"k{n}", number=f"9.{n}", text=f"推動作法 {n}", sort_order=n)
        added.units.set([unit("readers"), unit("reference")])
        added.deadlines.bulk_create([added.deadlines.model(practice=added, due_date=d) for d in dates])
    large_queries, large_items = count()
    assert (small_items, large_items) == (2 * 2 * 3, 50 * 2 * 3)
    assert small_queries == large_queries == 2
