"""The meetings list and a meeting's page: who reads them, what they show."""

import datetime

import pytest

from governance.rocdate import TAIPEI
from meetings import services as meetings
from tests.helpers import taipei, user
from tests.support.meeting_factory import finding, held, meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 5, 20, 9, 0, tzinfo=TAIPEI)
D = datetime.date


@pytest.fixture
def recorded(org):
    """第 1 次 (held, through the services, with an agenda about a finding) and 第 2 次 (scheduled)."""
    late = finding("reference", "參考服務台動線不佳", due=D(2026, 5, 1))
    first = meetings.schedule_meeting(
        actor=user("tracking"),
        scheduled_for=taipei(D(2026, 5, 15), 14),
        location="第一會議室",
        chair=user("director"),
    )
    meetings.set_agenda(actor=user("tracking"), meeting=first, items=meetings.propose_agenda(first))
    meetings.record_meeting(
        actor=user("tracking"),
        meeting=first,
        attendees=[user("director"), user("tracking")],
        minutes="討論逾期事項。",
        decisions=[
            meetings.DecisionInput(
                text="請參考組改善動線",
                agenda_item=first.agenda.get(),
                action_unit=late.lead_unit,
                action_due=D(2026, 6, 30),
            )
        ],
    )
    second = meeting(D(2026, 7, 10))
    return {"first": first, "second": second, "finding": late}


def test_the_list_shows_each_meeting_with_its_counts(login_as, recorded):
    page = login_as("readers-staff1").get("/meetings/")
    assert page.status_code == 200
    listed = {
        (m.number, m.state, m.agenda_count, m.decision_count, m.open_action_count)
        for m in page.context["meetings"]
    }
    assert listed == {(1, "held", 1, 1, 1), (2, "scheduled", 0, 0, 0)}
    body = page.content.decode()
    assert "115 年第 1 次" in body and "115/05/15 14:00" in body and "115/07/10 14:00" in body


def test_the_meeting_page_shows_agenda_attendees_minutes_decisions_and_trail(login_as, recorded):
    first, late = recorded["first"], recorded["finding"]
    body = login_as("readers-staff1").get(f"/meetings/{first.pk}/").content.decode()
    assert "115 年第 1 次執行小組會議" in body and "已召開" in body
    assert f'href="/audits/findings/{late.pk}/"' in body and late.tracking_number in body
    assert "參考服務台動線不佳（改善期限 115/05/01；主辦單位：參考特藏組）" in body
    assert '<strong class="gov-overdue">逾期</strong>' in body
    assert "陳德光、孫立群" in body and "討論逾期事項。" in body
    assert "請參考組改善動線" in body and "（議程第 1 項）" in body
    assert "追蹤事項：參考特藏組，期限 115年6月30日" in body
    for action in ("排定 115 年第 1 次會議", "排定議程", "登錄會議紀錄"):
        assert action in body
    # Not the 管考 office: no links to change it.
    assert "/agenda/" not in body and "/record/" not in body


def test_the_tracking_office_sees_what_it_can_do_next(login_as, recorded):
    client = login_as("tracking")
    second = client.get(f"/meetings/{recorded['second'].pk}/").content.decode()
    assert f'href="/meetings/{recorded["second"].pk}/agenda/"' in second
    assert f'href="/meetings/{recorded["second"].pk}/record/"' in second
    assert "尚未排定議程" in second
    first = client.get(f"/meetings/{recorded['first'].pk}/").content.decode()
    assert "/agenda/" not in first and "/record/" not in first  # held: closed


@pytest.mark.parametrize(
    "login", ["readers-staff1", "chungshan-liaison", "director", "deputy", "auditor", "tracking", "hr"]
)
def test_everyone_who_reads_unit_cases_reads_meetings(login_as, recorded, login):
    client = login_as(login)
    assert client.get("/meetings/").status_code == 200
    assert client.get(f"/meetings/{recorded['first'].pk}/").status_code == 200


@pytest.mark.parametrize("login", ["external1", "admin"])
def test_people_without_unit_cases_do_not(login_as, recorded, login):
    client = login_as(login)
    assert client.get("/meetings/").status_code == 403
    assert client.get(f"/meetings/{recorded['first'].pk}/").status_code == 403


def test_anonymous_people_go_to_the_login_page(client, recorded):
    response = client.get(f"/meetings/{recorded['first'].pk}/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_an_unknown_meeting_is_404(login_as, org):
    assert login_as("tracking").get("/meetings/999/").status_code == 404


def test_a_meeting_held_earlier_is_listed_without_agenda(login_as, org):
    held(D(2026, 3, 8), decisions=[("洽悉", None, None, None)])
    body = login_as("tracking").get("/meetings/").content.decode()
    assert "115 年第 1 次" in body and "目前沒有追蹤中的決議事項" in body
