"""The meetings pages at a large agency's scale (issue step 14): the same queries however many
meetings, actions and overdue cases there are, and the attendee checkboxes (everyone who may
attend) rendered in Python exactly as Django's widget renders them."""

import datetime

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.rocdate import TAIPEI
from meetings.models import GroupMeeting
from meetings.views import RecordForm
from tests.support.meeting_factory import finding, held, meeting, proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 5, 10, 9, 0, tzinfo=TAIPEI)
D = datetime.date
UNITS = ("readers", "acquisitions", "planning", "secretariat")


def _queries(client, url):
    client.get(url)  # warm: the session, caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _more(n, start):
    """`n` held meetings with open and done actions, and overdue cases for the agenda."""
    for i in range(n):
        code = UNITS[i % len(UNITS)]
        held(
            start + datetime.timedelta(days=7 * i),
            decisions=[
                (f"決議 {i}-1", code, D(2026, 4, 1), None),
                (f"決議 {i}-2", code, D(2026, 8, 1), None),
                (f"決議 {i}-3", None, None, None),
                (f"決議 {i}-4", code, D(2026, 3, 1), "已辦理"),
            ],
        )
        finding(code, f"逾期考核意見 {i}", due=D(2026, 4, 1))
        proposal(code, f"逾期提案 {i}", due=D(2026, 4, 2))


@pytest.mark.parametrize(
    ("login", "page"),
    [
        ("tracking", "list"),
        ("readers-staff1", "list"),
        ("readers-head", "held"),
        ("tracking", "agenda"),
        ("tracking", "record"),
    ],
)
def test_queries_do_not_grow_with_meetings_actions_or_cases(login_as, org, login, page):
    first = held(D(2026, 1, 15), decisions=[("決議", "readers", D(2026, 4, 1), None)])
    scheduled = meeting(D(2026, 5, 15))
    urls = {
        "list": "/meetings/",
        "held": f"/meetings/{first.pk}/",
        "agenda": f"/meetings/{scheduled.pk}/agenda/",
        "record": f"/meetings/{scheduled.pk}/record/",
    }
    client = login_as(login)
    few = _queries(client, urls[page])
    _more(8, D(2026, 1, 20))
    assert GroupMeeting.objects.count() == 10
    assert _queries(client, urls[page]) == few


@pytest.mark.parametrize("data", [None, {"attendees": []}, "some"])
def test_attendee_checkboxes_are_djangos_own_html(org, data):
    target = meeting(D(2026, 5, 15))
    if data == "some":
        people = list(RecordForm(meeting=target).fields["attendees"].queryset.values_list("pk", flat=True))
        data = {"attendees": [str(pk) for pk in people[1::3]]}
    ours = RecordForm(data, meeting=target)
    django = RecordForm(data, meeting=target)
    field = django.fields["attendees"]
    field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
    html = str(ours["attendees"])
    assert html == str(django["attendees"])
    assert html.count('type="checkbox"') == field.queryset.count() > 10
    assert (" checked" in html) == (data != {"attendees": []})
