"""The agenda: drawn from what is overdue, due within two months or decided and still open;
the 管考 office removes and adds items, then saves it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import Finding
from governance.models import TrailEvent
from governance.rocdate import TAIPEI
from meetings import services as meetings
from meetings.models import AgendaItem, GroupMeeting
from plan.models import PracticeReport
from proposals.models import Proposal
from tests.helpers import user
from tests.support.meeting_factory import (
    finding,
    held,
    meeting,
    plan_version,
    practice_spec,
    proposal,
    report,
)
from tests.support.plan_factory import practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 5, 10, 9, 0, tzinfo=TAIPEI)
D = datetime.date
Q = [D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)]  # 115 年每季
DAY = D(2026, 5, 15)  # the meeting: two months ahead is 115/07/15
Status = PracticeReport.Status


@pytest.fixture
def plan(org):
    """1.1 quarterly (Q1 confirmed: next due 6/30); 2.1 due 3/31 with one of two units confirmed;
    3.1 due 12/31; 4.1 due 3/31, confirmed."""
    version = plan_version(
        115,
        [
            practice_spec("k1", "1.1", "讀者辦證單一窗口服務", ["readers"], Q),
            practice_spec("k2", "2.1", "線上申辦服務", ["readers", "acquisitions"], [D(2026, 3, 31)]),
            practice_spec("k3", "3.1", "年度讀者滿意度調查", ["secretariat"], [D(2026, 12, 31)]),
            practice_spec("k4", "4.1", "電話禮貌測試", ["planning"], [D(2026, 3, 31)]),
        ],
    )
    report(practice(version, "k1"), "readers", Q[0], Status.ON_TRACK, "已開辦網路辦證")
    report(practice(version, "k2"), "readers", Q[0], Status.DONE, "完成")
    report(practice(version, "k2"), "acquisitions", Q[0], Status.ON_TRACK, "辦理中", confirmed=False)
    report(practice(version, "k4"), "planning", Q[0], Status.DONE, "完成")
    return version


@pytest.fixture
def cases(org):
    return {
        "late_proposal": proposal("readers", "自助借書機語音導引", due=D(2026, 4, 30)),
        "soon_proposal": proposal("planning", "館藏查詢系統改版", due=D(2026, 7, 10)),
        "later_proposal": proposal("planning", "行動借閱證", due=D(2026, 12, 31)),
        "evaluating": proposal(
            "readers", "成效評估中的提案", due=D(2026, 4, 1), state=Proposal.State.EVALUATING
        ),
        "undated": proposal("readers", "未訂完成日的提案", due=None),
        "late_finding": finding("reference", "參考服務台動線不佳", due=D(2026, 5, 1)),
        "edge_finding": finding(
            "readers", "館藏盤點延宕", due=D(2026, 7, 15), state=Finding.State.IN_PROGRESS
        ),
        "later_finding": finding("readers", "閱覽室照明不足", due=D(2026, 7, 16)),
        "closed_finding": finding("readers", "已改善的事項", due=D(2026, 4, 1), state=Finding.State.CLOSED),
        "earlier": held(
            D(2026, 3, 8),
            decisions=[
                ("請閱覽組於 4 月底前完成讀者動線調整", "readers", D(2026, 4, 30), None),
                ("請秘書室辦理教育訓練", "secretariat", D(2026, 6, 30), "已於 4 月辦理"),
                ("洽悉", None, None, None),
            ],
        ),
    }


def proposed(target=None):
    target = target or meeting(DAY)
    return {(item.kind, item.reference): item for item in meetings.propose_agenda(target)}


def test_practices_overdue_or_due_soon_without_a_confirmed_report(plan):
    items = proposed()
    assert set(items) == {("practice", "1.1"), ("practice", "2.1")}
    due_soon, overdue = items[("practice", "1.1")], items[("practice", "2.1")]
    assert (due_soon.reason, due_soon.due_date) == ("兩個月內到期", D(2026, 6, 30))
    assert due_soon.ref_id == practice(plan, "k1").pk
    assert (overdue.reason, overdue.due_date) == ("逾期", D(2026, 3, 31))
    # Only the unit whose report is missing or unconfirmed is named.
    assert overdue.title == "線上申辦服務（完成期限 115/03/31；尚未確認季報：採訪編目組）"


def test_a_confirmed_report_settles_the_deadline_of_its_quarter(plan):
    # The head confirms acquisitions' 115Q1 report: both units have confirmed reports.
    PracticeReport.objects.filter(unit__code="acquisitions").update(state=PracticeReport.State.CONFIRMED)
    assert ("practice", "2.1") not in proposed()
    # A returned report does not.
    PracticeReport.objects.filter(unit__code="readers", practice__key="k1").update(
        state=PracticeReport.State.RETURNED
    )
    late = proposed()[("practice", "1.1")]
    assert (late.reason, late.due_date) == ("逾期", D(2026, 3, 31))  # the earliest unsettled deadline


def test_reports_follow_a_practice_into_the_next_version(plan):
    from tests.support.meeting_factory import plan_version as make

    version2 = make(
        115,
        [
            practice_spec("k1", "1.1", "讀者辦證單一窗口服務（修正）", ["readers"], Q),
            practice_spec("k2", "2.1", "線上申辦服務", ["readers", "acquisitions"], [D(2026, 3, 31)]),
        ],
        number=2,
        plan=plan.plan,
    )
    items = proposed()
    # The current version's practices, with the reports made on version 1.
    assert items[("practice", "1.1")].ref_id == practice(version2, "k1").pk
    assert items[("practice", "1.1")].reason == "兩個月內到期"
    assert items[("practice", "2.1")].ref_id == practice(version2, "k2").pk


def test_proposals_findings_and_open_decisions(cases):
    items = proposed()
    c = cases
    assert items[("proposal", c["late_proposal"].case_number)].reason == "逾期"
    assert items[("proposal", c["soon_proposal"].case_number)].reason == "兩個月內到期"
    assert (
        items[("proposal", c["soon_proposal"].case_number)].title
        == "館藏查詢系統改版（預定完成日 115/07/10；主辦單位：企劃推廣組）"
    )
    for left_out in ("later_proposal", "evaluating", "undated"):
        assert ("proposal", c[left_out].case_number) not in items, left_out
    assert items[("finding", c["late_finding"].tracking_number)].reason == "逾期"
    assert (
        items[("finding", c["edge_finding"].tracking_number)].reason == "兩個月內到期"
    )  # 07/15 is the last day
    for left_out in ("later_finding", "closed_finding"):
        assert ("finding", c[left_out].tracking_number) not in items, left_out
    follow_up = [i for i in items.values() if i.reason == "決議追蹤"]
    assert [(i.kind, i.reference) for i in follow_up] == [("other", "115 年第 1 次")]
    assert (
        follow_up[0].title
        == "請閱覽組於 4 月底前完成讀者動線調整（追蹤單位：閱覽典藏組；追蹤期限 115/04/30）"
    )


def test_order_follow_ups_then_practices_proposals_findings_overdue_first(plan, cases):
    kinds = [(i.kind, i.reason) for i in meetings.propose_agenda(meeting(DAY))]
    assert kinds == [
        ("other", "決議追蹤"),
        ("practice", "逾期"),
        ("practice", "兩個月內到期"),
        ("proposal", "逾期"),
        ("proposal", "兩個月內到期"),
        ("finding", "逾期"),
        ("finding", "兩個月內到期"),
    ]


def test_counted_from_the_meeting_date_in_few_queries(plan, cases):
    later = meeting(D(2026, 7, 20))
    with CaptureQueriesContext(connection) as queries:
        items = proposed(later)
    assert len(queries) == 7
    # By 115/07/20 the soon-due proposal and the edge finding are overdue, and 3rd-quarter items are due.
    assert items[("proposal", cases["soon_proposal"].case_number)].reason == "逾期"
    assert items[("finding", cases["later_finding"].tracking_number)].reason == "逾期"
    assert items[("practice", "1.1")].due_date == D(2026, 6, 30)
    assert ("proposal", cases["later_proposal"].case_number) not in items


def test_a_decisions_own_meeting_does_not_list_it(cases):
    assert not [i for i in meetings.propose_agenda(cases["earlier"]) if i.reason == "決議追蹤"]


def test_findings_awaiting_the_review_meeting_come_first_whatever_their_due_date(org):
    """After an audit the group's next meeting is its review meeting (檢討會議): every finding
    still awaiting it is on the agenda, first among the findings, as 待檢討會議."""
    waiting = finding(
        "readers", "新登錄的考核意見", due=D(2026, 12, 31), state=Finding.State.AWAITING_MEETING
    )
    stale = finding("planning", "久候檢討的考核意見", due=D(2026, 4, 1), state=Finding.State.AWAITING_MEETING)
    late = finding("reference", "逾期的考核意見", due=D(2026, 5, 1))
    items = [i for i in meetings.propose_agenda(meeting(DAY)) if i.kind == AgendaItem.Kind.FINDING]
    assert [(i.reference, i.reason) for i in items] == [
        (stale.tracking_number, "待檢討會議"),
        (waiting.tracking_number, "待檢討會議"),
        (late.tracking_number, "逾期"),
    ]
    assert items[1].ref_id == waiting.pk and items[1].title.startswith("新登錄的考核意見（改善期限 115/12/31")


# ---------------------------------------------------------------- saving the agenda


def test_set_agenda_replaces_the_items_and_writes_the_trail(plan, cases):
    target = meeting(DAY)
    items = meetings.propose_agenda(target)
    meetings.set_agenda(actor=user("tracking"), meeting=target, items=items[:2])
    meetings.set_agenda(
        actor=user("tracking"),
        meeting=target,
        items=[items[1], meetings.AgendaInput(kind="other", title="  臨時動議：館慶活動  ", reference="")],
    )
    saved = list(target.agenda.values_list("sort_order", "kind", "reference", "title", "reason"))
    assert saved == [
        (1, "practice", "2.1", items[1].title, "逾期"),
        (2, "other", "", "臨時動議：館慶活動", ""),
    ]
    events = TrailEvent.objects.filter(case_kind="meeting", case_ref=str(target.pk)).order_by("sequence")
    assert [e.action for e in events] == ["排定議程", "排定議程"]
    assert events.last().comment.startswith("議程 2 項：\n1. ［逾期］2.1 線上申辦服務")


def test_set_agenda_refuses_bad_items_others_and_a_held_meeting(plan, cases):
    target = meeting(DAY)
    with pytest.raises(ValidationError):
        meetings.set_agenda(
            actor=user("tracking"), meeting=target, items=[meetings.AgendaInput(kind="other", title="  ")]
        )
    for login in ("director", "readers-head"):
        with pytest.raises(PermissionDenied):
            meetings.set_agenda(actor=user(login), meeting=target, items=[])
    with pytest.raises(ValidationError):
        meetings.set_agenda(actor=user("tracking"), meeting=cases["earlier"], items=[])
    assert not AgendaItem.objects.exists()


# ---------------------------------------------------------------- the page


def url(target):
    return f"/meetings/{target.pk}/agenda/"


def test_the_page_proposes_everything_ticked(login_as, plan, cases):
    target = meeting(DAY)
    page = login_as("tracking").get(url(target))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert len(rows) == 7 and all(r["checked"] for r in rows)
    body = page.content.decode()
    assert "線上申辦服務（完成期限 115/03/31；尚未確認季報：採訪編目組）" in body
    assert cases["late_finding"].tracking_number in body and "決議追蹤" in body


def test_the_rows_escape_what_people_typed_and_label_each_box(login_as, cases):
    """The rows are written in Python (meetings/templatetags/agenda_rows.py), not by the
    template engine: what a submitter typed must still come out as text."""
    typed = proposal("readers", '<script>alert("x")</script> & 「讀者」' + "長" * 40, due=D(2026, 4, 1))
    page = login_as("tracking").get(url(meeting(DAY)))
    body = page.content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 「讀者」" in body
    row = next(r for r in page.context["rows"] if r["item"].ref_id == typed.pk)
    assert len(row["short_title"]) == 40 and row["short_title"].endswith("…")
    n = page.context["rows"].index(row) + 1
    assert f'id="keep-{n}" checked><label for="keep-{n}" class="gov-skip">列入議程：' in body
    assert '<strong class="gov-overdue">逾期</strong>' in body


def test_removing_and_adding_items(login_as, plan, cases):
    target = meeting(DAY)
    client = login_as("tracking")
    rows = client.get(url(target)).context["rows"]
    keep = [r["key"] for r in rows if r["item"].kind != "finding"]
    data = {
        "keep": keep,
        "other-TOTAL_FORMS": "3",
        "other-INITIAL_FORMS": "0",
        "other-0-reference": "臨時動議",
        "other-0-title": "館慶活動籌備",
        "other-1-title": "",
        "other-2-title": "",
    }
    response = client.post(url(target), data)
    assert response.status_code == 302 and response.url == f"/meetings/{target.pk}/"
    saved = list(target.agenda.values_list("kind", "reason"))
    assert saved == [
        ("other", "決議追蹤"),
        ("practice", "逾期"),
        ("practice", "兩個月內到期"),
        ("proposal", "逾期"),
        ("proposal", "兩個月內到期"),
        ("other", ""),
    ]
    detail = client.get(response.url).content.decode()
    assert "館慶活動籌備" in detail and cases["late_proposal"].title in detail
    assert f'href="/proposals/{cases["late_proposal"].pk}/"' in detail  # the case is one click away
    # Coming back: the saved items are ticked, the left-out findings are offered unticked.
    again = client.get(url(target)).context["rows"]
    assert [r["checked"] for r in again] == [True] * 6 + [False, False]
    assert {r["item"].kind for r in again if not r["checked"]} == {"finding"}


def test_a_half_filled_added_item_is_refused(login_as, plan):
    target = meeting(DAY)
    client = login_as("tracking")
    response = client.post(
        url(target),
        {
            "keep": [],
            "other-TOTAL_FORMS": "1",
            "other-INITIAL_FORMS": "0",
            "other-0-reference": "臨時動議",
            "other-0-title": "",
        },
    )
    assert response.status_code == 200 and "議程未儲存" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_only_the_tracking_office_builds_the_agenda(login_as, plan):
    target = meeting(DAY)
    for login in ("director", "readers-head", "readers-liaison", "auditor"):
        client = login_as(login)
        assert client.get(url(target)).status_code == 403, login
        assert (
            client.post(url(target), {"other-TOTAL_FORMS": "0", "other-INITIAL_FORMS": "0"}).status_code
            == 403
        )
    assert not AgendaItem.objects.exists()


def test_a_held_meetings_agenda_is_closed(login_as, cases):
    response = login_as("tracking").get(url(cases["earlier"]))
    assert response.status_code == 302 and response.url == f"/meetings/{cases['earlier'].pk}/"
    assert GroupMeeting.objects.get(pk=cases["earlier"].pk).state == "held"
