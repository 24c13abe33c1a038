"""The quarterly progress task of a proposal in execution appears only when a report is due
(docs/domain.md, 「執行與追蹤」): from the adoption quarter on, one approved report a quarter.
After an approved report the flow waits (its progress_wait timer, fired by Celery beat's
governance.fire_due_timers) until the next quarter opens; a returned report comes back at once;
the completing report ends the reporting. So no one is given a task the service would refuse."""

import datetime

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance import inbox
from proposals import selectors, services
from proposals.flows import ProposalFlow
from proposals.models import ProgressReport, Proposal
from tests.helpers import days, frozen_at, taipei
from tests.support.proposal_http import fire_timers, scored

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 5, 12)  # 115 年第 2 季
Q2_END, Q3_END = datetime.date(2026, 6, 30), datetime.date(2026, 9, 30)


def in_execution(drive, readers):
    with frozen_at(DAY):
        proposal = drive.submit("readers-staff1")
        drive.first_review("readers-head", proposal, "accepted")
        scored(drive, proposal, members=("committee1",))
        drive.decide(proposal, "adopt", lead_unit=readers, due=days(300))
        drive.execution_plan("readers-liaison", proposal, "分兩階段建置。", f"{days(60)} 完成語音腳本")
    assert proposal.state == Proposal.State.EXECUTING
    return proposal


def open_tasks(proposal, node):
    return list(
        Task.objects.filter(
            process_id=proposal.process_id,
            flow_task=node,
            status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
        )
    )


def waiting_timers(proposal):
    return list(
        Task.objects.filter(process_id=proposal.process_id, flow_task=ProposalFlow.progress_wait).filter(
            status=STATUS.SCHEDULED
        )
    )


def shown_progress_tasks(person):
    """The progress-report tasks in the liaison's inbox and queue."""
    rows = inbox.inbox_page(person).rows + inbox.queue_page(person).rows
    return [r.task for r in rows if r.task.flow_task == ProposalFlow.progress_report]


def assert_nothing_refusable_shown(liaison, proposal):
    """Each progress task shown is one report_progress accepts now: no approved report yet for
    the quarter it would report on."""
    for _task in shown_progress_tasks(liaison):
        assert not proposal.progress_reports.filter(
            period=services.report_period(), approval=ProgressReport.Approval.APPROVED
        ).exists()


def reminded(proposal, due):
    return [i for i in selectors.due_for_reminders([due]) if i.key.startswith(f"proposal:{proposal.pk}:")]


def form_period(drive, proposal):
    [task] = open_tasks(proposal, ProposalFlow.progress_report)
    liaison = drive.as_("readers-liaison")
    if task.owner_id is None:
        assert liaison.post(task.reverse("assign")).status_code == 302
    page = liaison.get(task.reverse("execute")).content.decode()
    return page.split("本次回報季別：", 1)[1].split("<", 1)[0].strip()


def test_the_next_report_task_appears_when_its_quarter_opens(drive, person, org):
    liaison = person("readers-liaison")
    proposal = in_execution(drive, _readers())
    # The adoption quarter's report is due at once: the task is there, and the reminders count it.
    assert len(open_tasks(proposal, ProposalFlow.progress_report)) == 1
    assert [i.key for i in reminded(proposal, Q2_END)] == [f"proposal:{proposal.pk}:115Q2"]
    with frozen_at(DAY, hour=11):
        assert form_period(drive, proposal) == "115 年第 2 季"
        assert_nothing_refusable_shown(liaison, proposal)
        drive.report("readers-liaison", proposal, 40, "完成語音腳本")
        drive.approve("readers-head", proposal)
        # Approved: no task for a quarter already reported, only the wait for the next one.
        assert open_tasks(proposal, ProposalFlow.progress_report) == []
        assert shown_progress_tasks(liaison) == []
        [timer] = waiting_timers(proposal)
        assert timer.scheduled == taipei(datetime.date(2026, 7, 1))
    assert reminded(proposal, Q2_END) == []

    # Beat runs every minute: nothing fires before the quarter opens.
    with frozen_at(taipei(Q2_END, 23, 59)):
        assert fire_timers() == 0
        assert shown_progress_tasks(liaison) == []
    with frozen_at(taipei(datetime.date(2026, 7, 1), 0, 0)):
        assert fire_timers() == 1
        assert fire_timers() == 0
        assert len(open_tasks(proposal, ProposalFlow.progress_report)) == 1
        assert len(shown_progress_tasks(liaison)) == 1
        assert waiting_timers(proposal) == []
        assert_nothing_refusable_shown(liaison, proposal)
    assert [i.key for i in reminded(proposal, Q3_END)] == [f"proposal:{proposal.pk}:115Q3"]

    # A returned report is back with the liaison at once, with no wait.
    with frozen_at(datetime.date(2026, 7, 3)):
        assert form_period(drive, proposal) == "115 年第 3 季"
        drive.report("readers-liaison", proposal, 60, "試辦兩個分館")
        drive.approve("readers-head", proposal, approve=False, comment="請附試辦照片")
        assert len(open_tasks(proposal, ProposalFlow.progress_report)) == 1
        assert waiting_timers(proposal) == []
        assert_nothing_refusable_shown(liaison, proposal)
        drive.report("readers-liaison", proposal, 65, "試辦兩個分館，附照片")
        drive.approve("readers-head", proposal)
        assert open_tasks(proposal, ProposalFlow.progress_report) == []
        [timer] = waiting_timers(proposal)
        assert timer.scheduled == taipei(datetime.date(2026, 10, 1))
    assert reminded(proposal, Q3_END) == []

    # The completing report ends the reporting: evaluation next, no further report or wait.
    with frozen_at(datetime.date(2026, 10, 2)):
        assert fire_timers() == 1
        assert form_period(drive, proposal) == "115 年第 4 季"
        drive.report("readers-liaison", proposal, 100, "全館上線", complete=True)
        drive.approve("readers-head", proposal)
        assert proposal.state == Proposal.State.EVALUATING
        assert open_tasks(proposal, ProposalFlow.progress_report) == []
        assert waiting_timers(proposal) == []
        assert len(open_tasks(proposal, ProposalFlow.evaluate)) == 1
    with frozen_at(datetime.date(2027, 1, 5)):
        assert fire_timers() == 0
        assert open_tasks(proposal, ProposalFlow.progress_report) == []
    periods = list(proposal.progress_reports.order_by("pk").values_list("period", "approval"))
    assert periods == [
        ("115Q2", "approved"),
        ("115Q3", "returned"),
        ("115Q3", "approved"),
        ("115Q4", "approved"),
    ]


def test_a_report_approved_after_its_quarter_brings_the_next_task_at_once(drive, person, org):
    proposal = in_execution(drive, _readers())
    with frozen_at(taipei(Q2_END, 16)):
        drive.report("readers-liaison", proposal, 40, "完成語音腳本")
    # The head approves the 2nd quarter's report in the 3rd: that quarter's report is due now.
    with frozen_at(datetime.date(2026, 7, 2)):
        drive.approve("readers-head", proposal)
        assert waiting_timers(proposal) == []
        assert len(open_tasks(proposal, ProposalFlow.progress_report)) == 1
        assert_nothing_refusable_shown(person("readers-liaison"), proposal)
        assert form_period(drive, proposal) == "115 年第 3 季"
        drive.report("readers-liaison", proposal, 50, "試辦")
    assert proposal.progress_reports.latest("pk").period == "115Q3"


def test_the_wait_is_the_quarter_after_the_approved_report():
    report = ProgressReport(reported_at=taipei(datetime.date(2026, 12, 31), 23, 30))
    assert services.next_report_opens(report) == taipei(datetime.date(2027, 1, 1))
    report = ProgressReport(reported_at=taipei(datetime.date(2026, 1, 1), 0, 10))
    assert services.next_report_opens(report) == taipei(datetime.date(2026, 4, 1))
    # The period it reports on counts, when it has one.
    report = ProgressReport(period="115Q3", reported_at=taipei(datetime.date(2026, 10, 2)))
    assert services.next_report_opens(report) == taipei(datetime.date(2026, 10, 1))
    report = ProgressReport(period="115Q4", reported_at=taipei(datetime.date(2026, 10, 2)))
    assert services.next_report_opens(report) == taipei(datetime.date(2027, 1, 1))


def _readers():
    from governance.models import Unit

    return Unit.objects.get(code="readers")
