"""A proposal's people hear of each decision that concerns them as it commits, once each, in the
app and in the e-mail outbox: accepted, not accepted with the reason, scores complete, adopted
with the reward, closed with their own reward; none when they turned case news off."""

import pytest
from django.core import mail

from governance.models import Notification, Unit
from governance.notifications import set_preferences
from tests.support.proposal_http import Driver, run_to_closure

pytestmark = pytest.mark.django_db


def news(proposal):
    return sorted(
        Notification.objects.filter(key__startswith=f"proposal:{proposal.pk}:").values_list(
            "recipient__username", "key"
        )
    )


def test_a_refusal_reaches_the_proposer_with_its_reason(
    client, person, org, django_capture_on_commit_callbacks
):
    drive = Driver(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        refused = drive.submit("readers-staff1", title="增設夜間還書箱")
        drive.first_review(
            "readers-head", refused, "not_accepted", reasons="屬陳情事項", reason_code="complaint_only"
        )
    [notice] = Notification.objects.filter(key__startswith=f"proposal:{refused.pk}:")
    assert notice.recipient == person("readers-staff1") and notice.kind == "event"
    assert notice.subject == f"【初審結果】不予受理：{refused.case_number} 增設夜間還書箱"
    assert "經初審不予受理。理由：" in notice.body and "屬陳情事項" in notice.body
    assert notice.url == f"/proposals/{refused.pk}/"
    assert [m.subject for m in mail.outbox if m.to == [person("readers-staff1").email]] == [notice.subject]


def test_every_decision_once_to_each_proposer(client, person, org, django_capture_on_commit_callbacks):
    drive = Driver(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        shared = drive.submit("readers-staff1", co_proposers="readers-staff2 40")
        run_to_closure(drive, shared)
    keys = ["accepted", "closed", "decision", "scored"]
    assert news(shared) == [
        (login, f"proposal:{shared.pk}:{key}")
        for login in ("readers-staff1", "readers-staff2")
        for key in keys
    ]
    staff2 = {
        n.key.rsplit(":", 1)[1]: n for n in Notification.objects.filter(recipient=person("readers-staff2"))
    }
    assert staff2["accepted"].subject.startswith("【初審結果】受理：")
    assert staff2["scored"].subject.startswith("【複審完成】待採行決定：") and "優等" in staff2["scored"].body
    decision = staff2["decision"]
    assert decision.subject.startswith("【採行決定】採行：")
    readers = Unit.objects.get(code="readers").name
    assert f"經決定採行，由{readers}執行，預定" in decision.body
    assert "結案後依分配比例核給獎勵：獎金 3,000 元、嘉獎二次。" in decision.body
    # At closing each hears of their own reward only (40 % of NT$3,000 is 1,200).
    assert (
        "已完成成效評估並結案（成效評等：優良）；您的獎勵：獎金 1,200 元、嘉獎二次。" in staff2["closed"].body
    )
    staff1_closed = Notification.objects.get(recipient=person("readers-staff1"), key__endswith=":closed")
    assert "獎金 1,800 元" in staff1_closed.body and "1,200" not in staff1_closed.body
    # Each once in the e-mail outbox too.
    to_staff2 = [m.subject for m in mail.outbox if m.to == [person("readers-staff2").email]]
    assert sorted(to_staff2) == sorted(n.subject for n in staff2.values())


def test_no_case_news_for_those_who_turned_it_off(client, person, org, django_capture_on_commit_callbacks):
    set_preferences(actor=person("readers-staff2"), reminders=True, digest=True, email=True, events=False)
    drive = Driver(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        shared = drive.submit("readers-staff1", co_proposers="readers-staff2 40")
        drive.first_review("readers-head", shared, "accepted")
    assert news(shared) == [("readers-staff1", f"proposal:{shared.pk}:accepted")]
    assert not [m for m in mail.outbox if m.to == [person("readers-staff2").email]]


def test_a_decision_posted_twice_is_told_once(client, person, org, django_capture_on_commit_callbacks):
    from tests.helpers import log_in, open_task

    drive = Driver(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = drive.submit("readers-staff1")
    task = open_task(proposal, "first_review")
    log_in(client, person("readers-head"))
    data = {"outcome": "accepted", "reasons": "可行", "reason_code": ""}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(task.reverse("execute"), data)
        again = client.post(task.reverse("execute"), data)  # a double click, a resent form
    assert first.status_code == 302 and again.status_code in (302, 403)
    assert news(proposal) == [("readers-staff1", f"proposal:{proposal.pk}:accepted")]
    assert len([m for m in mail.outbox if "【初審結果】受理" in m.subject]) == 1
