"""The 管考 office corrects the 預定完成日 of a proposal in execution, with the reason: before and
after on the case's trail, the lead and supporting units' liaisons and heads told; refused,
saying why, without a reason, with no change, before the decision or a milestone, once the
proposal is no longer executing, or by anyone else."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.models import Notification, TrailEvent
from governance.rocdate import format_roc
from proposals import services
from proposals.models import CASE_KIND, Proposal
from tests.helpers import days, unit, user
from tests.support.proposal_http import scored

pytestmark = pytest.mark.django_db


def day(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def executing(drive):
    """Adopted with the readers unit leading and the planning unit supporting, due in 200
    days, its last milestone in 150."""
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    scored(drive, proposal, members=("committee1",))
    drive.decide(proposal, "adopt", lead_unit=unit("readers"), supporting=[unit("planning")], due=days(200))
    drive.execution_plan("readers-liaison", proposal, "分兩階段建置。", f"{days(150)} 全面上線")
    return proposal


def correct(proposal, **overrides):
    data = {"actor": user("tracking"), "proposal": proposal, "due_date": day(250), "reason": "決定書誤植"}
    data.update(overrides)
    return services.correct_due_date(**data)


def test_a_correction_is_on_the_trail_and_told(executing, django_capture_on_commit_callbacks):
    before = executing.due_date
    with django_capture_on_commit_callbacks(execute=True):
        corrected = correct(executing)
    assert corrected.due_date == day(250)
    executing.refresh_from_db()
    assert executing.due_date == day(250) and executing.state == Proposal.State.EXECUTING
    event = TrailEvent.objects.filter(case_kind=CASE_KIND, case_ref=str(executing.pk)).last()
    assert event.action == "更正預定完成日"
    assert event.comment == f"預定完成日 {format_roc(before)} → {format_roc(day(250))}。理由：決定書誤植"
    told = Notification.objects.filter(key__startswith=f"proposal:{executing.pk}:due-date:")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "planning-head",
        "planning-liaison",
        "readers-head",
        "readers-liaison",
    ]
    notice = told.get(recipient__username="readers-liaison")
    assert format_roc(day(250)) in notice.body and "決定書誤植" in notice.body
    assert notice.due_date == day(250)


def test_refusals_say_why(executing):
    with pytest.raises(ValidationError, match="請說明更正的理由"):
        correct(executing, reason="")
    with pytest.raises(ValidationError, match="沒有任何更正"):
        correct(executing, due_date=executing.due_date)
    with pytest.raises(ValidationError, match="須晚於採行決定日"):
        correct(executing, due_date=day(0))
    with pytest.raises(ValidationError, match="不可早於查核點「全面上線」"):
        correct(executing, due_date=day(149))
    for login in ("readers-head", "readers-liaison", "director", "auditor"):
        with pytest.raises(PermissionDenied):
            correct(executing, actor=user(login))
    assert correct(executing, due_date=day(150)).due_date == day(150)  # on the milestone's day


def test_only_while_executing(drive, executing):
    drive.report("readers-liaison", executing, 100, "全部完成。", complete=True)
    drive.approve("readers-head", executing)
    assert executing.state == Proposal.State.EVALUATING
    assert not services.may_correct_due_date(user("tracking"), executing)
    with pytest.raises(ValidationError, match="只有執行中的提案可以更正預定完成日"):
        correct(executing)
    waiting = drive.submit("readers-staff2")
    assert not services.may_correct_due_date(user("tracking"), waiting)


def test_the_page_corrects_and_others_cannot_open_it(drive, executing):
    detail = reverse("proposals:detail", args=[executing.pk])
    url = reverse("proposals:correct_due_date", args=[executing.pk])
    client = drive.as_("tracking")
    assert url in client.get(detail).content.decode()
    page = client.get(url).content.decode()
    assert executing.due_date.strftime("%m/%d") in page  # the recorded date, in ROC form
    refused = client.post(url, {"due_date": days(250), "reason": ""}).content.decode()
    assert "請說明更正的理由" in refused
    roc = f"{day(250).year - 1911}/{day(250):%m/%d}"
    done = client.post(url, {"due_date": roc, "reason": "決定書誤植"}, follow=True).content.decode()
    assert "已更正預定完成日" in done and "決定書誤植" in done
    executing.refresh_from_db()
    assert executing.due_date == day(250)
    for login in ("readers-head", "readers-liaison", "director", "auditor", "planning-staff1"):
        assert url not in drive.as_(login).get(detail).content.decode(), login
        assert drive.as_(login).get(url).status_code == 403, login
        assert drive.as_(login).post(url, {"due_date": days(300), "reason": "延長"}).status_code == 403
