"""Every proposal task page opens with what the decision needs: the case and its link, the
step's instructions, the due date with days left, the step before (a return's reasons), what a
revision changed, and on execution steps the adopted due date, milestones and last approved
report."""

import datetime

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.models import StepInstruction, Unit
from tests.helpers import days, open_task
from tests.support.proposal_http import HIGH, fire_timers, scored

pytestmark = pytest.mark.django_db


def page(drive, login, proposal, node_name, owner=None):
    task = open_task(proposal, node_name, owner=owner)
    client = drive.as_(login)
    if task.owner_id is None:
        assert client.post(task.reverse("assign")).status_code == 302
    response = client.get(task.reverse("execute"))
    assert response.status_code == 200
    return response.content.decode()


def before_form(html):
    """The page down to the task's form (past the menu's own forms)."""
    start = html.index('id="gov-main"')
    return html[start : html.index('class="gov-card gov-form"', start)]


def test_a_revised_proposal_shows_the_heads_reasons_and_the_changes_above_the_form(drive):
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "returned", reasons="請補充預估效益的計算方式")
    drive.revise("readers-staff1", proposal, benefit="預估可減少四成櫃檯協助量，依去年同期統計推估。")

    html = page(drive, "readers-head", proposal, "first_review")
    top = before_form(html)
    assert "前一步" in top and "請補充預估效益的計算方式" in html
    assert "與上一輪相比的修改" in top and "預期效益" in top
    # The head's own reasons for returning it, beside what the proposer changed.
    changes = top.split("與上一輪相比的修改", 1)[1]
    assert "上一輪的意見（" in changes and "請補充預估效益的計算方式" in changes
    # The words dropped are struck through and the words added marked, each named for a screen reader.
    assert (
        '<del><span class="gov-sr">刪除：</span>三</del><ins><span class="gov-sr">新增：</span>四</ins>成'
        in top
    )
    assert '<ins><span class="gov-sr">新增：</span>依去年同期統計推估</ins>' in top
    assert "現況說明" not in top.split("與上一輪相比的修改")[1]  # unchanged fields are not listed
    assert f'href="/proposals/{proposal.pk}/"' in top  # the whole case, one click away


def test_the_first_round_has_no_changes_section_and_a_step_instruction_the_administrator_rewords(drive):
    proposal = drive.submit("readers-staff1")
    html = page(drive, "readers-head", proposal, "first_review")
    assert "與上一輪相比的修改" not in html
    assert "辦理說明" in html and "請判斷本提案是否受理" in html

    row = StepInstruction.objects.get(step="proposals.flows.ProposalFlow.first_review")
    row.text = "請於三個工作天內完成初審。"
    row.save()
    html = page(drive, "readers-head", proposal, "first_review")
    assert "請於三個工作天內完成初審。" in html and "請判斷本提案是否受理" not in html


def test_the_score_page_shows_scale_weight_due_date_and_a_preview_total_without_scoring(drive):
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    drive.assign_reviewers(proposal, ["committee1"])
    member = drive.person("committee1")

    html = page(drive, "committee1", proposal, "score", owner=member)
    assert "0 到 100 分（整數），權重 30%" in html and 'data-weight="30"' in html
    assert "proposals/score_total.js" in html
    assert "期限" in before_form(html) and "尚有 14 天" in before_form(html)

    task = open_task(proposal, "score", owner=member)
    from proposals.selectors import criteria_for_year

    values = {f"criterion_{c.pk}": HIGH[c.name] for c in criteria_for_year(proposal.roc_year)}
    response = drive.as_("committee1").post(task.reverse("execute"), {**values, "preview": "1"})
    assert response.status_code == 200
    assert '<output id="score-total" aria-live="polite">89.35</output>' in response.content.decode()
    assert proposal.reviewer_assignments.get().scored_at is None  # a preview scores nothing


def test_a_member_sees_their_own_scores_on_the_case_afterwards(drive):
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    scored(drive, proposal, members=("committee1", "committee2"), comment="具體可行")
    html = drive.as_("committee1").get(f"/proposals/{proposal.pk}/").content.decode()
    assert "您給本案的評分" in html and "89.35" in html and "具體可行" in html


def test_execution_pages_show_the_adopted_due_date_milestones_and_last_approved_report(drive):
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    scored(drive, proposal, members=("committee1",))
    due = days(100)
    drive.decide(proposal, "adopt", lead_unit=Unit.objects.get(code="readers"), due=due)

    html = page(drive, "readers-liaison", proposal, "execution_plan")
    execution = before_form(html)
    assert "預定完成日" in execution and "尚有 100 天" in execution
    assert "經評審小組建議" in execution  # the director's reason for adopting

    drive.execution_plan("readers-liaison", proposal, "分三階段建置", f"{days(30)} 完成語音錄製")
    drive.report("readers-liaison", proposal, 40, "語音錄製完成")
    drive.approve("readers-head", proposal, comment="進度良好")
    # The next quarter opens (what beat's timer job does when it comes).
    Task.objects.filter(process_id=proposal.process_id, status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert fire_timers() == 1
    html = page(drive, "readers-liaison", proposal, "progress_report")
    execution = before_form(html)
    assert "完成語音錄製" in execution and "尚有 30 天" in execution
    assert "最近一次核定的進度" in execution and "語音錄製完成" in execution and "進度良好" in execution
