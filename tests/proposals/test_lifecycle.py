"""The whole proposal lifecycle over HTTP as the real roles, with its trail."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.models import TrailEvent, Unit
from governance.trail import verify_case
from proposals.models import Proposal, ReviewRound, Reward
from proposals.services import CASE_KIND
from tests.helpers import days, open_task
from tests.support.proposal_http import fire_timers, scored

pytestmark = pytest.mark.django_db
State = Proposal.State


def open_tasks(proposal, node_name):
    proposal.refresh_from_db()
    tasks = Task.objects.filter(process_id=proposal.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    return [t for t in tasks if t.flow_task.name == node_name]


def test_adopted_proposal_runs_to_closure_with_rewards(drive, person):
    proposal = drive.submit("readers-staff1", co_proposers="readers-staff2 40")
    assert proposal.state == State.FIRST_REVIEW
    year = timezone.localdate().year - 1911
    assert proposal.case_number == f"提{year}-0001"
    # Returned once, revised, then accepted: both rounds are kept.
    drive.first_review("readers-head", proposal, "returned", reasons="請補充語音內容與經費來源")
    assert proposal.state == State.RETURNED
    drive.revise(
        "readers-staff1",
        proposal,
        co_proposers="readers-staff2 40",
        improvement="加入中文與台語語音導引，經費由年度預算支應。",
    )
    assert proposal.state == State.FIRST_REVIEW
    drive.first_review("readers-head", proposal, "accepted")
    assert proposal.state == State.SECOND_REVIEW
    rounds = list(proposal.review_rounds.all())
    assert [(r.number, r.outcome) for r in rounds] == [(1, "returned"), (2, "accepted")]
    assert rounds[0].submitted_content["improvement"].startswith("於自助借書機")

    scored(drive, proposal)
    assert proposal.state == State.AWAITING_DECISION
    # (92×30 + 88×25 + 90×30 + 85×15) / 100 = 89.35 for each member.
    assert str(proposal.weighted_total) == "89.35"
    assert proposal.grade == "優等"

    readers = Unit.objects.get(code="readers")
    drive.decide(
        proposal, "adopt", lead_unit=readers, supporting=[Unit.objects.get(code="planning")], due=days(200)
    )
    assert proposal.state == State.EXECUTING
    assert (proposal.reward_amount, proposal.reward_commendations) == (3000, 2)

    # A milestone must fall between the decision and the due date.
    for milestones, error in (
        (f"{days(-400)} 過去的日期", "早於採行決定日"),
        (f"{days(201)} 太晚的日期", "晚於預定完成日"),
    ):
        response = drive.execute(
            "readers-liaison",
            proposal,
            "execution_plan",
            {"plan": "計畫", "milestones": milestones},
            expect=200,
            claim=True,
        )
        assert error in response.content.decode()
    assert proposal.milestones.count() == 0
    drive.execution_plan(
        "readers-liaison",
        proposal,
        "分三階段建置語音導引。",
        f"{days(60)} 完成語音腳本\n{days(150)} 全館上線",
    )
    assert proposal.milestones.count() == 2
    # The report form says which quarter it reports on.
    task = open_task(proposal, "progress_report")
    liaison = drive.as_("readers-liaison")
    if task.owner_id is None:
        assert liaison.post(task.reverse("assign")).status_code == 302
    from governance.rocdate import quarter_of

    year, quarter = quarter_of(timezone.localdate())
    assert f"本次回報季別：{year} 年第 {quarter} 季" in liaison.get(task.reverse("execute")).content.decode()
    # Three quarters: a report returned by the head and redone, then progress, then completion.
    start = timezone.localtime()
    evidence = SimpleUploadedFile("試辦紀錄.pdf", b"%PDF-1.4 test evidence", content_type="application/pdf")
    drive.report("readers-liaison", proposal, 30, "完成語音腳本", files=[evidence])
    drive.approve("readers-head", proposal, approve=False, comment="請附試辦照片")
    drive.report("readers-liaison", proposal, 40, "完成語音腳本並附照片")
    drive.approve("readers-head", proposal)
    # The next report waits for the next quarter: no task to type in and be refused.
    assert not open_tasks(proposal, "progress_report")
    with time_machine.travel(start + datetime.timedelta(days=92), tick=False):
        assert fire_timers() == 1  # Celery beat, once the quarter has begun
        drive.report("readers-liaison", proposal, 70, "試辦兩個分館")
        drive.approve("readers-head", proposal)
        assert proposal.state == State.EXECUTING
    with time_machine.travel(start + datetime.timedelta(days=184), tick=False):
        assert fire_timers() == 1
        drive.report("readers-liaison", proposal, 100, "全館上線", complete=True)
        drive.approve("readers-head", proposal)
    assert proposal.state == State.EVALUATING
    reports = list(proposal.progress_reports.order_by("pk"))
    assert [r.approval for r in reports] == ["returned", "approved", "approved", "approved"]
    periods = [r.period for r in reports]
    assert periods[0] == periods[1] and len(set(periods[1:])) == 3  # three different quarters

    # The officer's interface is in English: the rewards' stored roles stay in Chinese.
    officer = person("tracking")
    officer.language = "en"
    officer.save(update_fields=["language"])
    drive.evaluate(proposal)
    assert proposal.state == State.CLOSED
    rewards = {
        r.person.username: (r.role, r.share, r.amount, r.commendations)
        for r in Reward.objects.filter(proposal=proposal)
    }
    assert rewards == {
        "readers-staff1": ("提案人", 60, 1800, 2),
        "readers-staff2": ("共同提案人", 40, 1200, 2),
    }
    closing = TrailEvent.objects.filter(case_kind=CASE_KIND, case_ref=proposal.trail_ref).latest("sequence")
    assert "60% 獎金 1,800 元" in closing.comment
    process = proposal.process
    process.refresh_from_db()
    assert process.status == STATUS.DONE

    check = verify_case(CASE_KIND, proposal.trail_ref)
    assert check.ok and check.events >= 15
    actions = list(TrailEvent.objects.filter(case_ref=proposal.trail_ref).values_list("action", flat=True))
    for expected in [
        "送出提案",
        "初審退回修正",
        "初審受理",
        "指派複審委員",
        "採行決定：採行",
        "提報執行計畫",
        "成效評估：優良",
        "結案並登錄獎勵",
    ]:
        assert any(a.startswith(expected) for a in actions), expected
    # The evidence file's fingerprint is on the trail.
    assert any(e.attachments for e in TrailEvent.objects.filter(case_ref=proposal.trail_ref))


def test_not_accepted_is_final_and_not_counted(drive, person):
    from proposals.selectors import statistics

    proposal = drive.submit("planning-staff1")
    drive.first_review(
        "planning-head", proposal, "not_accepted", reason_code="complaint_only", reasons="僅陳述問題"
    )
    assert proposal.state == State.NOT_ACCEPTED
    assert proposal.not_accepted_reason.code == "complaint_only"
    assert proposal.review_rounds.get().outcome == ReviewRound.Outcome.NOT_ACCEPTED
    assert not Task.objects.filter(process_id=proposal.process_id, status__in=["NEW", "ASSIGNED"]).exists()
    assert statistics(Proposal.objects.all())["total"] == 0
    assert verify_case(CASE_KIND, proposal.trail_ref).ok


def test_rejected_and_reference_proposals_end_after_the_decision(drive):
    for decision, state in (("reject", State.REJECTED), ("reference", State.REFERENCE)):
        proposal = drive.submit("acquisitions-staff1", title=f"編目流程改善（{decision}）")
        drive.first_review("acquisitions-head", proposal, "accepted")
        scored(
            drive,
            proposal,
            members=("committee1",),
            values={"創意性": 70, "可行性": 70, "效益性": 70, "完整性": 70},
        )
        assert proposal.grade == ""
        drive.decide(proposal, decision, reason="效益有限")
        assert proposal.state == state
        proposal.process.refresh_from_db()
        assert proposal.process.status == STATUS.DONE


def test_not_accepted_needs_a_listed_reason(drive):
    proposal = drive.submit("planning-staff1")
    task = open_task(proposal, "first_review")
    client = drive.as_("planning-head")
    response = client.post(
        task.reverse("execute"), {"outcome": "not_accepted", "reasons": "", "reason_code": ""}
    )
    assert response.status_code == 200
    assert "不予受理須選擇理由" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == State.FIRST_REVIEW


def test_adoption_needs_lead_unit_and_due_date(drive):
    proposal = drive.submit("planning-staff1")
    drive.first_review("planning-head", proposal, "accepted")
    scored(drive, proposal, members=("committee1",))
    task = open_task(proposal, "decide")
    client = drive.as_("director")
    client.post(task.reverse("assign"))
    response = client.post(
        task.reverse("execute"), {"decision": "adopt", "reason": "好", "lead_unit": "", "due_date": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "採行須指定主辦單位" in html and "採行須指定預定完成日" in html
    proposal.refresh_from_db()
    assert proposal.state == State.AWAITING_DECISION


def test_withdraw_before_review_cancels_the_process(drive, person):
    proposal = drive.submit("reference-staff1")
    client = drive.as_("reference-staff1")
    # Not without saying they mean it: it cannot be undone.
    response = client.post(f"/proposals/{proposal.pk}/withdraw/", {"reason": "重複送出"}, follow=True)
    assert "請勾選「確定撤回本提案」" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == State.FIRST_REVIEW
    response = client.post(f"/proposals/{proposal.pk}/withdraw/", {"reason": "重複送出", "confirm": "1"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == State.WITHDRAWN
    proposal.process.refresh_from_db()
    assert proposal.process.status == STATUS.CANCELED
    assert not Task.objects.filter(process_id=proposal.process_id, status__in=["NEW", "ASSIGNED"]).exists()
    # Its first-review round was never reviewed: the page says so, not 審查中.
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "提案人撤回，未審查" in page and "審查中" not in page
    # Someone else cannot withdraw a proposal.
    other = drive.submit("reference-staff1", title="另一案")
    assert drive.as_("reference-staff2").post(f"/proposals/{other.pk}/withdraw/").status_code == 403


def test_withdraw_refused_once_first_review_decided(drive):
    proposal = drive.submit("reference-staff1")
    drive.first_review("reference-head", proposal, "accepted")
    response = drive.as_("reference-staff1").post(f"/proposals/{proposal.pk}/withdraw/")
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == State.SECOND_REVIEW


def test_draft_is_saved_edited_then_submitted(drive):
    client = drive.as_("chungshan-staff1")
    from tests.support.proposal_http import proposal_form

    response = client.post("/proposals/new/", proposal_form(save="1"))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.state == State.DRAFT and proposal.case_number is None
    response = client.post(f"/proposals/{proposal.pk}/edit/", proposal_form(title="改過的題目", save="1"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "改過的題目"
    # Another person cannot open or edit the draft.
    other = drive.as_("chungshan-head")
    assert other.get(f"/proposals/{proposal.pk}/").status_code == 403
    assert other.post(f"/proposals/{proposal.pk}/edit/", proposal_form(save="1")).status_code == 403
    client = drive.as_("chungshan-staff1")
    assert client.post(f"/proposals/{proposal.pk}/submit/").status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == State.FIRST_REVIEW and proposal.case_number


def test_case_numbers_follow_each_other_within_the_year(drive):
    first = drive.submit("planning-staff1")
    second = drive.submit("planning-staff2")
    assert int(second.case_number.split("-")[1]) == int(first.case_number.split("-")[1]) + 1
