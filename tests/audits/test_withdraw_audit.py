"""An audit registered by mistake is withdrawn by the 管考 office with a reason: its findings'
processes are cancelled, they leave statistics, agendas, reminders and to-do lists, and the
audit and its findings stay readable as 已撤銷 with their trails; the units are told once.
Refused, saying why, without a reason, once a finding is closed, or by anyone else."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits import selectors, services
from audits.models import Finding
from governance import todo
from governance.models import Notification, TrailEvent
from meetings import services as meetings
from tests.helpers import days, user
from tests.support.audit_http import AuditDriver, finding_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def drive(client, person, org):
    return AuditDriver(client, person)


def test_a_withdrawn_audit_leaves_everything_but_its_record(drive, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        audit = drive.register(
            [
                finding_fields(0, lead="readers", supporting=["reference"], due=-5),  # overdue
                finding_fields(1, kind="recommendation", self_tracked=True, due=20),
            ]
        )
    first, second = drive.findings(audit)
    assert selectors.summary_by_unit(Finding.objects.all())
    assert todo.todo_page(user("readers-liaison"), kind="inbox").count == 1  # the self-tracked plan
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_audit(actor=user("tracking"), audit=audit, reason="與第 3 號重複登錄")
    audit.refresh_from_db()
    assert audit.withdrawn and audit.withdrawal_reason == "與第 3 號重複登錄"
    for finding in (first, second):
        finding.refresh_from_db()
        assert finding.state == Finding.State.WITHDRAWN
        assert not Task.objects.filter(
            process_id=finding.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
        assert finding.process.status == STATUS.CANCELED
        last = TrailEvent.objects.filter(case_kind="finding", case_ref=str(finding.pk)).last()
        assert last.to_state == "withdrawn" and last.comment == "與第 3 號重複登錄"
    # Gone from statistics, reminders, the agenda, the quarterly report and to-do lists.
    assert selectors.summary_by_unit(Finding.objects.all()) == []
    assert selectors.due_for_reminders([datetime.date.fromisoformat(days(-5))]) == []
    assert selectors.open_findings_for_report() == []
    assert todo.todo_page(user("readers-liaison")).count == 0
    assert todo.todo_page(user("tracking")).count == 0
    # Kept and readable, as 已撤銷.
    page = drive.as_("tracking").get(f"/audits/{audit.pk}/").content.decode()
    assert "已撤銷" in page and "與第 3 號重複登錄" in page and first.tracking_number in page
    assert "已撤銷" in drive.as_("readers-head").get(f"/audits/findings/{first.pk}/").content.decode()
    # The units are told once.
    told = Notification.objects.filter(key=f"audit:{audit.pk}:withdrawn")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "readers-head",
        "readers-liaison",
        "reference-head",
        "reference-liaison",
    ]


def test_the_agenda_leaves_out_withdrawn_findings(drive):
    from tests.support.meeting_factory import meeting

    audit = drive.register([finding_fields(0, due=-5)])
    [finding] = drive.findings(audit)
    upcoming = meeting(datetime.date.fromisoformat(days(7)))
    assert finding.tracking_number in [i.reference for i in meetings.propose_agenda(upcoming)]
    services.withdraw_audit(actor=user("tracking"), audit=audit, reason="登錄錯誤")
    assert finding.tracking_number not in [i.reference for i in meetings.propose_agenda(upcoming)]


def test_refusals_say_why(drive):
    audit = drive.register([finding_fields(0)])
    with pytest.raises(ValidationError, match="請說明撤銷的理由"):
        services.withdraw_audit(actor=user("tracking"), audit=audit, reason=" ")
    with pytest.raises(PermissionDenied):
        services.withdraw_audit(actor=user("readers-head"), audit=audit, reason="錯了")
    assert not services.may_withdraw(user("readers-head"), audit)
    assert services.may_withdraw(user("tracking"), audit)
    [finding] = drive.findings(audit)
    Finding.objects.filter(pk=finding.pk).update(state=Finding.State.CLOSED)
    with pytest.raises(ValidationError, match="已經決定解除列管"):
        services.withdraw_audit(actor=user("tracking"), audit=audit, reason="錯了")
    assert not services.may_withdraw(user("tracking"), audit)


def test_the_page_withdraws_and_says_why_not(drive):
    audit = drive.register([finding_fields(0)])
    client = drive.as_("tracking")
    page = client.get(f"/audits/{audit.pk}/").content.decode()
    assert f"/audits/{audit.pk}/withdraw/" in page
    refused = client.post(f"/audits/{audit.pk}/withdraw/", {"reason": ""}, follow=True).content.decode()
    assert "請說明撤銷的理由" in refused
    done = client.post(f"/audits/{audit.pk}/withdraw/", {"reason": "重複登錄"}, follow=True).content.decode()
    assert "已撤銷這筆考核登錄" in done and f"/audits/{audit.pk}/withdraw/" not in done
    assert drive.as_("readers-head").post(f"/audits/{audit.pk}/withdraw/", {"reason": "x"}).status_code == 403
