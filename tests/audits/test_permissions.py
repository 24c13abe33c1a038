"""Refusals: the wrong unit, a liaison deciding removal, anonymous, an auditor changing anything."""

import pytest

from audits.models import Audit, Finding
from governance.models import TrailEvent
from tests.helpers import days, open_task
from tests.support.audit_http import audit_form, finding_fields

pytestmark = pytest.mark.django_db
State = Finding.State


@pytest.fixture
def finding(drive):
    audit = drive.register([finding_fields(0, lead="readers", supporting=["planning"])])
    return drive.findings(audit)[0]


def snapshot(finding):
    finding.refresh_from_db()
    return (
        finding.state,
        finding.round,
        TrailEvent.objects.filter(case_kind="finding", case_ref=finding.trail_ref).count(),
    )


def post_task(drive, login, task, data=None):
    client = drive.as_(login)
    return client.post(task.reverse("assign")).status_code, client.post(
        task.reverse("execute"), data or {}
    ).status_code


def test_only_the_tracking_office_registers(drive):
    for login in ("readers-head", "readers-liaison", "director", "auditor", "hr"):
        client = drive.as_(login)
        assert client.get("/audits/new/").status_code == 403, login
        assert client.post("/audits/new/", audit_form([finding_fields(0)])).status_code == 403, login
    assert not Audit.objects.exists()


def test_only_the_tracking_office_records_the_meeting(drive, finding):
    before = snapshot(finding)
    task = open_task(finding, "review_meeting")
    for login in ("readers-head", "readers-liaison", "auditor", "director"):
        assert post_task(drive, login, task) == (403, 403), login
    assert snapshot(finding) == before


def test_another_units_liaison_cannot_plan(drive, finding):
    drive.meeting(finding)
    task = open_task(finding, "plan")
    assert task.owner.username == "readers-liaison"  # the unit's sole liaison gets it directly
    before = snapshot(finding)
    for login in ("acquisitions-liaison", "planning-liaison", "readers-staff1", "tracking"):
        assert post_task(drive, login, task, {"text": "別人代寫"}) == (403, 403), login
    assert snapshot(finding) == before


def test_a_liaison_cannot_request_or_decide_removal(drive, finding):
    drive.meeting(finding)
    drive.plan(finding)
    drive.approve_plan(finding)
    drive.progress(finding, 100, "完成", propose=True)
    task = open_task(finding, "request_removal")
    before = snapshot(finding)
    assert post_task(drive, "readers-liaison", task, {"confirm": "1", "reason": "自行申請"}) == (403, 403)
    assert snapshot(finding) == before
    drive.request_removal(finding)
    drive.review_removal(finding)
    task = open_task(finding, "council_decision")
    before = snapshot(finding)
    data = {"outcome": "remove", "meeting_date": days(0), "minutes_reference": "偽造"}
    for login in ("readers-liaison", "readers-head", "auditor"):
        assert post_task(drive, login, task, data) == (403, 403), login
    assert snapshot(finding) == before


def test_auditor_reads_everything_and_changes_nothing(drive, finding):
    client = drive.as_("auditor")
    assert client.get(f"/audits/findings/{finding.pk}/").status_code == 200
    assert client.get(f"/audits/{finding.audit_id}/").status_code == 200
    assert client.get("/audits/findings/").status_code == 200
    before = snapshot(finding)
    task = open_task(finding, "review_meeting")
    assert post_task(drive, "auditor", task) == (403, 403)
    response = client.post(
        f"/audits/findings/{finding.pk}/contribute/",
        {"unit": finding.supporting_units.get().pk, "text": "稽核不應能填"},
    )
    assert response.status_code == 403
    assert snapshot(finding) == before


def test_supporting_unit_contributes_only_for_itself(drive, finding):
    drive.meeting(finding)
    url = f"/audits/findings/{finding.pk}/contribute/"
    before = snapshot(finding)
    # 採編組 is not a supporting unit of this finding.
    assert (
        drive.as_("acquisitions-liaison")
        .post(url, {"unit": finding.supporting_units.get().pk, "text": "x"})
        .status_code
        == 403
    )
    assert snapshot(finding) == before
    assert (
        drive.as_("planning-liaison")
        .post(url, {"unit": finding.supporting_units.get().pk, "text": "協辦說明"})
        .status_code
        == 302
    )
    assert finding.contributions.get().unit.code == "planning"


def test_other_units_staff_cannot_see_the_finding(drive, finding):
    assert drive.as_("acquisitions-staff1").get(f"/audits/findings/{finding.pk}/").status_code == 403
    assert (
        drive.as_("planning-staff1").get(f"/audits/findings/{finding.pk}/").status_code == 200
    )  # supporting
    assert drive.as_("readers-staff1").get("/audits/findings/").status_code == 403
    html = drive.as_("readers-staff1").get("/audits/findings/unit/").content.decode()
    assert finding.tracking_number in html


def test_anonymous_is_sent_to_login_and_nothing_changes(client, drive, finding):
    before = snapshot(finding)
    task = open_task(finding, "review_meeting")
    client.logout()
    for url in ("/audits/", "/audits/new/", f"/audits/findings/{finding.pk}/", task.reverse("execute")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    response = client.post(task.reverse("execute"), {"held_on": days(0)})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert snapshot(finding) == before
