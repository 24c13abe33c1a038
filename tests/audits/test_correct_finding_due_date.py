"""The 管考 office corrects an open finding's 改善期限, with the reason: before and after on the
finding's trail, the lead and supporting units' liaisons and heads told, reminders and the
overdue flag following the new date; refused, saying why, without a reason, with no change,
before the audit or the 館務會議 that opened the round, once the finding is closed or withdrawn,
or by anyone else."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audits import selectors, services
from audits.models import FINDING_KIND, Finding
from governance.models import Notification, TrailEvent
from governance.rocdate import format_roc, today_taipei
from tests.helpers import user
from tests.support.audit_http import finding_fields

pytestmark = pytest.mark.django_db


def day(n):
    return today_taipei() + datetime.timedelta(days=n)


@pytest.fixture
def overdue(drive):
    """A readers finding (reference supporting), registered ten days ago, due five days ago."""
    audit = drive.register([finding_fields(0, lead="readers", supporting=["reference"], due=-5)])
    [finding] = drive.findings(audit)
    return finding


def correct(finding, **overrides):
    data = {"actor": user("tracking"), "finding": finding, "due_date": day(30), "reason": "登錄時期限誤植"}
    data.update(overrides)
    return services.correct_due_date(**data)


def test_a_correction_is_on_the_trail_told_and_followed(overdue, django_capture_on_commit_callbacks):
    assert selectors.is_overdue(overdue)
    with django_capture_on_commit_callbacks(execute=True):
        corrected = correct(overdue)
    overdue.refresh_from_db()
    assert corrected.due_date == overdue.due_date == day(30)
    assert overdue.state == Finding.State.AWAITING_MEETING
    event = TrailEvent.objects.filter(case_kind=FINDING_KIND, case_ref=str(overdue.pk)).last()
    assert event.action == "更正改善期限"
    assert event.comment == f"改善期限 {format_roc(day(-5))} → {format_roc(day(30))}。理由：登錄時期限誤植"
    told = Notification.objects.filter(key__startswith=f"finding:{overdue.pk}:due-date:")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "readers-head",
        "readers-liaison",
        "reference-head",
        "reference-liaison",
    ]
    notice = told.get(recipient__username="readers-liaison")
    assert format_roc(day(30)) in notice.body and "登錄時期限誤植" in notice.body
    # Read live: no longer overdue, reminded at the new date and not the old one.
    assert not selectors.is_overdue(overdue)
    assert [i.key for i in selectors.due_for_reminders([day(30)])] == [f"finding:{overdue.pk}"]
    assert selectors.due_for_reminders([day(-5)]) == []


def test_refusals_say_why(overdue):
    with pytest.raises(ValidationError, match="請說明更正的理由"):
        correct(overdue, reason=" ")
    with pytest.raises(ValidationError, match="沒有任何更正"):
        correct(overdue, due_date=overdue.due_date)
    with pytest.raises(ValidationError, match="改善期限不可早於考核日期"):
        correct(overdue, due_date=day(-11))  # held ten days ago
    for login in ("readers-head", "readers-liaison", "director", "auditor"):
        with pytest.raises(PermissionDenied):
            correct(overdue, actor=user(login))
    assert correct(overdue, due_date=day(-10)).due_date == day(-10)  # the audit's own day


def test_a_later_round_cannot_precede_the_meeting_that_opened_it(drive, overdue):
    drive.meeting(overdue)
    drive.plan(overdue)
    drive.approve_plan(overdue)
    drive.progress(overdue, 100, propose=True)
    drive.request_removal(overdue)
    drive.review_removal(overdue)
    drive.council(overdue, "continue", new_due=60)  # the meeting is today
    assert overdue.round == 2 and overdue.due_date == day(60)
    with pytest.raises(ValidationError, match="須晚於決定繼續列管的館務會議日期"):
        correct(overdue, due_date=day(0))
    assert correct(overdue, due_date=day(1)).due_date == day(1)


def test_not_once_closed_or_withdrawn(drive, overdue):
    audit = drive.register(
        [finding_fields(0, kind="recommendation", self_tracked=True)],
        document_number="臺教綜（一）字第1150055555號",
    )
    [closed] = drive.findings(audit)
    drive.plan(closed)
    drive.approve_plan(closed)
    drive.progress(closed, 100, propose=True)
    drive.request_removal(closed)
    assert closed.state == Finding.State.CLOSED
    assert not services.may_correct_due_date(user("tracking"), closed)
    with pytest.raises(ValidationError, match="已經解除列管，不能更正改善期限"):
        correct(closed)
    services.withdraw_audit(actor=user("tracking"), audit=overdue.audit, reason="重複登錄")
    overdue.refresh_from_db()
    assert not services.may_correct_due_date(user("tracking"), overdue)
    with pytest.raises(ValidationError, match="已經撤銷，不能更正改善期限"):
        correct(overdue)


def test_the_page_corrects_and_others_cannot_open_it(drive, overdue):
    detail = reverse("audits:finding", args=[overdue.pk])
    url = reverse("audits:finding_correct_due_date", args=[overdue.pk])
    client = drive.as_("tracking")
    assert url in client.get(detail).content.decode()
    assert f"{day(-5).year - 1911}/{day(-5):%m/%d}" in client.get(url).content.decode()  # ROC
    refused = client.post(url, {"due_date": day(30).isoformat(), "reason": ""}).content.decode()
    assert "請說明更正的理由" in refused
    roc = f"{day(30).year - 1911}年{day(30).month}月{day(30).day}日"
    done = client.post(url, {"due_date": roc, "reason": "期限誤植"}, follow=True).content.decode()
    assert "已更正改善期限" in done and "期限誤植" in done
    overdue.refresh_from_db()
    assert overdue.due_date == day(30)
    for login in ("readers-head", "readers-liaison", "reference-liaison", "director", "auditor"):
        assert url not in drive.as_(login).get(detail).content.decode(), login
        assert drive.as_(login).get(url).status_code == 403, login
        assert (
            drive.as_(login).post(url, {"due_date": day(60).isoformat(), "reason": "延長"}).status_code == 403
        )
    assert drive.as_("planning-staff1").get(url).status_code == 403
