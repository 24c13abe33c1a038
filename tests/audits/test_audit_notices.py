"""The units of a finding hear of each step that concerns them as it commits, once each: the
supporting units' contribution request, the plan approved (a return comes with the lead unit's
task, quoting its reasons), 繼續列管 with the new due date, 解除列管, the audit replied and closed."""

import pytest
from django.core import mail

from governance.models import Notification
from tests.helpers import days, open_task
from tests.support.audit_http import AuditDriver, finding_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def drive(client, person, org):
    return AuditDriver(client, person)


def told(key):
    return sorted(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))


def test_a_finding_from_registration_to_reply(drive, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        audit = drive.register([finding_fields(0, lead="readers", supporting=["reference"])])
        [finding] = drive.findings(audit)
        # Contributions open at the review meeting: not before.
        assert not Notification.objects.filter(key__startswith=f"finding:{finding.pk}:contribution").exists()
        drive.meeting(finding)
    key = f"finding:{finding.pk}:contribution:1"
    assert told(key) == ["reference-head", "reference-liaison"]
    request = Notification.objects.get(key=key, recipient=person("reference-liaison"))
    assert request.subject == f"【協辦請求】請填報協辦辦理情形：{finding.tracking_number}"
    assert "第 1 輪請貴單位協辦" in request.body and request.due_date == finding.due_date
    assert sorted(m.to[0] for m in mail.outbox if m.subject == request.subject) == sorted(
        [person("reference-head").email, person("reference-liaison").email]
    )

    with django_capture_on_commit_callbacks(execute=True):
        drive.plan(finding)
        drive.approve_plan(finding, approve=False, comment="請列出完成日期")
    returned = open_task(finding.process_id, "plan")
    [notice] = Notification.objects.filter(key=f"task:{returned.pk}:assigned")
    assert notice.recipient == person("readers-liaison")
    assert "「主管退回改善措施」。意見：請列出完成日期" in notice.body

    with django_capture_on_commit_callbacks(execute=True):
        drive.plan(finding)
        drive.approve_plan(finding)
    [approved_key] = {
        k
        for k in Notification.objects.filter(key__contains=":approved").values_list("key", flat=True)
        if k.startswith(f"finding:{finding.pk}:plan:")
    }
    assert told(approved_key) == ["readers-head", "readers-liaison", "reference-head", "reference-liaison"]

    with django_capture_on_commit_callbacks(execute=True):
        drive.progress(finding, 100, propose=True)
        drive.request_removal(finding)
        drive.review_removal(finding, recommend=False)
        drive.council(finding, "continue", new_due=60)
    continued = Notification.objects.get(
        key=f"finding:{finding.pk}:decision:1", recipient=person("readers-head")
    )
    assert continued.subject.startswith("【繼續列管】新期限 ")
    assert "進入第 2 輪" in continued.body
    assert told(f"finding:{finding.pk}:decision:1") == ["readers-head", "readers-liaison"]
    # A new round: the supporting unit is asked again.
    assert told(f"finding:{finding.pk}:contribution:2") == ["reference-head", "reference-liaison"]

    with django_capture_on_commit_callbacks(execute=True):
        drive.progress(finding, 100, propose=True)
        drive.request_removal(finding)
        drive.review_removal(finding)
        drive.council(finding, "remove")
    removed = f"finding:{finding.pk}:decision:2"
    assert told(removed) == ["readers-head", "readers-liaison", "reference-head", "reference-liaison"]
    assert Notification.objects.filter(key=removed).first().subject.startswith("【解除列管】")

    with django_capture_on_commit_callbacks(execute=True):
        drive.reply(audit, replied_on=days(0))
    replied = f"audit:{audit.pk}:replied"
    assert told(replied) == ["readers-head", "readers-liaison", "reference-head", "reference-liaison"]
    assert "已全數解除列管" in Notification.objects.filter(key=replied).first().body
    # Once per person and event: no key twice for anyone.
    keys = list(Notification.objects.values_list("recipient_id", "key"))
    assert len(keys) == len(set(keys))
