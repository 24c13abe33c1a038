"""The remediation process over HTTP as the real roles, round by round, with its trail."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits.models import Finding, RemediationPlan, TrackingDecision
from audits.services import AUDIT_KIND, FINDING_KIND
from governance.models import TrailEvent
from governance.trail import verify_case
from tests.helpers import days, open_task
from tests.support.audit_http import finding_fields

pytestmark = pytest.mark.django_db
State = Finding.State


def test_registration_enters_the_audit_once_and_starts_a_process_per_finding(drive):
    audit = drive.register(
        [
            finding_fields(0, lead="readers", supporting=["planning"]),
            finding_fields(1, kind="recommendation", lead="acquisitions", self_tracked=True),
            finding_fields(2, lead="reference"),
        ]
    )
    findings = drive.findings(audit)
    assert [f.state for f in findings] == [State.AWAITING_MEETING, State.PLANNING, State.AWAITING_MEETING]
    numbers = [int(f.tracking_number.split("-")[1]) for f in findings]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    assert all(f.process_id for f in findings)
    assert audit.document_number == "臺教綜（一）字第1150012345號"
    assert [u.code for u in findings[0].supporting_units.all()] == ["planning"]
    # One meeting covers the two findings that wait for it.
    drive.meeting(findings[0], also=[findings[2]])
    for f in findings:
        f.refresh_from_db()
    assert findings[0].state == findings[2].state == State.PLANNING
    assert findings[0].review_meetings.get() == findings[2].review_meetings.get()
    assert verify_case(AUDIT_KIND, audit.trail_ref).ok


def test_a_document_number_registered_before_is_pointed_out(drive):
    client = drive.as_("tracking")
    first = drive.register([finding_fields(0)])
    page = client.get(f"/audits/{first.pk}/").content.decode()
    assert "請確認是否重複登錄" not in page
    # The same letter again, written with half-width brackets and a space: registered, and said.
    second = drive.register([finding_fields(0)], document_number="臺教綜(一)字第 1150012345號")
    page = client.get(f"/audits/{second.pk}/").content.decode()
    assert "注意：來文文號 臺教綜(一)字第 1150012345號 也登錄於" in page and "請確認是否重複登錄" in page
    # Full-width digits and 台 for 臺: the same letter too.
    fourth = drive.register([finding_fields(0)], document_number="台教綜(一)字第１１５００１２３４５號")
    assert "請確認是否重複登錄" in client.get(f"/audits/{fourth.pk}/").content.decode()
    # Another letter: nothing said.
    third = drive.register([finding_fields(0)], document_number="臺教綜（一）字第1150012346號")
    assert "請確認是否重複登錄" not in client.get(f"/audits/{third.pk}/").content.decode()


def test_full_remediation_with_two_continued_rounds_then_removal_and_reply(drive, person):
    audit = drive.register(
        [
            finding_fields(0, lead="readers", supporting=["planning"]),
            finding_fields(1, kind="observation", lead="reference", self_tracked=True),
        ]
    )
    finding, light = drive.findings(audit)
    drive.meeting(finding)
    # A returned plan, then an approved one: both stay in the record.
    drive.plan(finding, "僅張貼告示。")
    drive.approve_plan(finding, approve=False, comment="請提出具體改善作法")
    assert finding.state == State.PLANNING
    # The liaison rewrites the returned plan from its words, not from a blank form, with what
    # the review meeting decided in view.
    task = open_task(finding.process_id, "plan")
    page = drive.as_("readers-liaison").get(task.reverse("execute")).content.decode()
    assert "\n僅張貼告示。</textarea>" in page
    assert "檢討會議" in page and "依考核意見限期改善" in page
    drive.plan(finding)
    drive.approve_plan(finding)
    assert finding.state == State.IN_PROGRESS
    assert [p.approval for p in finding.plans.all()] == [
        RemediationPlan.Approval.RETURNED,
        RemediationPlan.Approval.APPROVED,
    ]
    # Each plan says who decided what: the return with its comment, the approval without one.
    page = drive.as_("readers-head").get(f"/audits/findings/{finding.pk}/").content.decode()
    head = person("readers-head").get_full_name()
    assert f"{head} 主管退回" in page and "：請提出具體改善作法" in page
    assert re.search(rf"{head} 主管核定 \d+/\d\d/\d\d \d\d:\d\d</p>", page)
    # The supporting unit contributes its part; the lead unit's report gathers it.
    client = drive.as_("planning-liaison")
    response = client.post(
        f"/audits/findings/{finding.pk}/contribute/",
        {"unit": finding.supporting_units.get().pk, "text": "企劃組已完成導覽圖設計"},
    )
    assert response.status_code == 302
    evidence = SimpleUploadedFile("指標照片.pdf", b"%PDF-1.4 photo", content_type="application/pdf")
    drive.progress(finding, 60, files=[evidence])
    report = finding.progress_rounds.get()
    assert report.contributions.get().text == "企劃組已完成導覽圖設計"

    for round_number, new_due in ((1, 60), (2, 120)):
        drive.progress(finding, 100, "改善完成", propose=True)
        drive.request_removal(finding)
        assert finding.state == State.REMOVAL_REQUESTED
        drive.review_removal(finding, recommend=False, opinion="佐證不足，建議繼續列管")
        assert finding.state == State.AWAITING_DECISION
        drive.council(finding, "continue", new_due=new_due)
        assert finding.state == State.IN_PROGRESS and finding.round == round_number + 1
    assert finding.due_date.isoformat() == days(120)

    drive.progress(finding, 100, "第三輪：全部改善並經複查", propose=True)
    drive.request_removal(finding)
    drive.review_removal(finding)
    # Removal with a new deadline says the two do not go together; nothing is decided.
    data = {
        "outcome": "remove",
        "meeting_date": days(0),
        "minutes_reference": "第 5 次館務會議紀錄",
        "new_due_date": days(200),
        "note": "",
    }
    response = drive.step("tracking", finding, "council_decision", data, expect=200)
    assert "解除列管不需新改善期限" in response.content.decode()
    drive.council(finding, "remove")
    assert finding.state == State.CLOSED and finding.closed_on is not None
    assert [d.outcome for d in finding.decisions.all()] == ["continue", "continue", "remove"]
    assert sorted({r.round for r in finding.progress_rounds.all()}) == [1, 2, 3]

    # The audit waits for its other finding: no reply yet.
    audit.refresh_from_db()
    assert not audit.closed
    # The self-tracked observation: no meeting, the head decides removal.
    drive.plan(light)
    drive.approve_plan(light)
    drive.progress(light, 100, "已改善", propose=True)
    drive.request_removal(light)
    assert light.state == State.CLOSED
    assert light.decisions.get().outcome == TrackingDecision.Outcome.REMOVE
    assert not light.review_meetings.exists()

    # Every finding closed: the audit's page and the list both say it waits for the reply.
    client = drive.as_("tracking")
    assert '<span class="gov-badge">待函復</span>' in client.get(f"/audits/{audit.pk}/").content.decode()
    assert "待函復" in client.get("/audits/").content.decode()
    # The reply reports every finding closed: not dated before the last closure.
    last_closed = max(f.closed_on for f in (finding, light))
    early = drive.reply(audit, replied_on=(last_closed - datetime.timedelta(days=1)).isoformat(), expect=200)
    assert "回復日期不可早於最後一項解除列管日期" in early.content.decode() and not audit.closed
    drive.reply(audit)
    assert audit.closed and audit.reply_document_number == "國圖秘字第1150000321號"
    assert '<span class="gov-badge">已函復結案</span>' in client.get(f"/audits/{audit.pk}/").content.decode()
    for f in (finding, light):
        check = verify_case(FINDING_KIND, f.trail_ref)
        assert check.ok, check.describe()
    assert verify_case(AUDIT_KIND, audit.trail_ref).ok
    actions = list(
        TrailEvent.objects.filter(case_kind=FINDING_KIND, case_ref=finding.trail_ref)
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    for expected in (
        "登錄列管",
        "檢討會議",
        "提報改善措施",
        "主管退回改善措施",
        "主管核定改善措施",
        "協辦單位填報",
        "第 1 輪辦理情形",
        "申請解除列管",
        "管考審查",
        "繼續列管，進入第 2 輪",
        "繼續列管，進入第 3 輪",
        "館務會議決定解除列管",
        "解除列管",
    ):
        assert any(a.startswith(expected) for a in actions), expected
    html = drive.as_("auditor").get(f"/audits/findings/{finding.pk}/").content.decode()
    for text in ("第 1 輪列管", "第 2 輪列管", "第 3 輪列管", "主管退回", "企劃組已完成導覽圖設計"):
        assert text in html, text


def test_a_refused_step_says_its_files_must_be_chosen_again(drive):
    audit = drive.register([finding_fields(0)])
    finding = drive.findings(audit)[0]
    drive.meeting(finding)
    drive.plan(finding)
    drive.approve_plan(finding)
    evidence = SimpleUploadedFile("改善照片.pdf", b"%PDF-1.4 photo", content_type="application/pdf")
    response = drive.step(
        "readers-liaison",
        finding,
        "progress",
        {"percent_complete": 150, "text": "已完成部分改善", "evidence": [evidence]},
        expect=200,
    )
    page = response.content.decode()
    assert "資料未填妥" in page and "先前選擇的檔案未保留，請重新選擇檔案。" in page
    assert finding.state == Finding.State.IN_PROGRESS


def test_head_can_send_the_unit_back_to_work(drive):
    audit = drive.register([finding_fields(0, lead="readers")])
    finding = drive.findings(audit)[0]
    drive.meeting(finding)
    drive.plan(finding)
    drive.approve_plan(finding)
    drive.progress(finding, 100, "完成", propose=True)
    drive.request_removal(finding, confirm=False, reason="請補附前後對照照片")
    assert finding.state == State.IN_PROGRESS
    assert open_task(finding, "progress")


def test_reply_is_refused_while_a_finding_is_open(drive, person):
    from audits import services
    from audits.flows import ReplyFlow

    audit = drive.register([finding_fields(0, lead="readers")])
    # Even a reply process started by hand cannot close an audit with open findings.
    process = ReplyFlow.start.run(audit=audit)
    task = open_task(process.pk, "reply")
    import datetime

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="尚有 1 項"):
        services.run_task(
            person("tracking"),
            task,
            services.record_reply,
            replied_on=datetime.date.today(),
            document_number="國圖秘字第1150000001號",
        )
    audit.refresh_from_db()
    assert not audit.closed


def test_registration_errors_are_clear(drive):
    client = drive.as_("tracking")
    from tests.support.audit_http import audit_form

    response = client.post(
        "/audits/new/", audit_form([finding_fields(0, self_tracked=True)], document_number="沒有文號")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "缺失須由管考列管" in html
    # No finding at all: said once, in words about findings; a chosen file must be chosen again.
    data = audit_form(
        [], attachments=SimpleUploadedFile("來文.pdf", b"%PDF-1.4 letter", content_type="application/pdf")
    )
    html = client.post("/audits/new/", data).content.decode()
    assert html.count("請至少填寫 1 項考核意見。") == 1 and "先前選擇的檔案未保留" in html
    from audits.models import Audit

    assert not Audit.objects.exists()


def test_dates_that_cannot_be_are_refused(drive, person):
    import datetime

    from django.core.exceptions import ValidationError

    from audits import services
    from tests.helpers import unit

    today = datetime.date.today()
    with pytest.raises(ValidationError, match="考核日期不可晚於今天"):
        services.register_audit(
            actor=person("tracking"),
            agency="教育部",
            kind="appraisal",
            title="未來的考核",
            held_on=today + datetime.timedelta(days=3),
            document_number="臺教綜（一）字第1150012345號",
            findings=[
                services.FindingInput(
                    "deficiency", "x", "low", unit("readers"), today + datetime.timedelta(days=30)
                )
            ],
        )
    audit = drive.register([finding_fields(0)], held_on=days(-10))
    finding = drive.findings(audit)[0]
    task = open_task(finding, "review_meeting")
    with pytest.raises(ValidationError, match="不可早於考核日期"):
        services.run_task(
            person("tracking"),
            task,
            services.record_review_meeting,
            held_on=today - datetime.timedelta(days=30),
            attendees="a",
            decisions="b",
        )
    with pytest.raises(ValidationError, match="改善期限不可早於考核日期"):
        services.run_task(
            person("tracking"),
            task,
            services.record_review_meeting,
            held_on=today,
            attendees="a",
            decisions="b",
            due_date=today - datetime.timedelta(days=30),
        )
    finding.refresh_from_db()
    assert finding.state == State.AWAITING_MEETING


def at_council_decision(drive, audit_held_on, meeting_held_on):
    """A finding whose removal the 館務會議 decides next; the officer's client, claimed."""
    audit = drive.register([finding_fields(0)], held_on=audit_held_on)
    finding = drive.findings(audit)[0]
    drive.meeting(finding, held_on=meeting_held_on)
    drive.plan(finding)
    drive.approve_plan(finding)
    drive.progress(finding, 100, "完成", propose=True)
    drive.request_removal(finding)
    drive.review_removal(finding)
    task = open_task(finding, "council_decision")
    client = drive.as_("tracking")
    client.post(task.reverse("assign"))
    return finding, task, client


def test_closing_date_is_the_decisions_meeting_date(drive):
    import datetime

    finding, task, client = at_council_decision(drive, days(-30), days(-20))
    meeting_day = datetime.date.today() - datetime.timedelta(days=3)
    response = client.post(
        task.reverse("execute"),
        {
            "outcome": "remove",
            "meeting_date": meeting_day.isoformat(),
            "minutes_reference": "第 9 次館務會議",
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.state == State.CLOSED and finding.closed_on == meeting_day
    # Days to close count from the audit, not from when it was typed in (today).
    from audits.selectors import days_to_close

    closed = type(finding).objects.annotate(days=days_to_close()).get(pk=finding.pk)
    assert closed.days == datetime.timedelta(days=27)


def test_a_decision_cannot_predate_the_meeting_before_it(drive):
    """A closure dated before the review meeting (or the audit) would count negative days."""
    finding, task, client = at_council_decision(drive, days(-30), days(-10))
    for day, refusal in ((days(-11), "不可早於前次會議日期"), (days(-400), "不可早於前次會議日期")):
        response = client.post(
            task.reverse("execute"),
            {"outcome": "remove", "meeting_date": day, "minutes_reference": "第 9 次館務會議"},
        )
        assert response.status_code == 200 and refusal in response.content.decode()
    finding.refresh_from_db()
    assert finding.state != State.CLOSED and not finding.decisions.exists()
    response = client.post(
        task.reverse("execute"),
        {"outcome": "remove", "meeting_date": days(-10), "minutes_reference": "第 9 次館務會議"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.state == State.CLOSED and finding.closed_on.isoformat() == days(-10)


def test_audit_page_links_the_officer_to_the_meetings_waiting(drive):
    audit = drive.register([finding_fields(0), finding_fields(1, lead="reference")])
    html = drive.as_("tracking").get(f"/audits/{audit.pk}/").content.decode()
    # One link per finding, each naming its finding.
    for finding in drive.findings(audit):
        assert html.count(f"認領任務：召開檢討會議（{finding.tracking_number}）") == 1
    html = drive.as_("readers-liaison").get(f"/audits/{audit.pk}/").content.decode()
    assert "召開檢討會議" not in html


def test_registration_page_ignores_untouched_fieldsets(drive):
    from tests.support.audit_http import audit_form

    data = audit_form([finding_fields(0)])
    data["findings-TOTAL_FORMS"] = "4"
    for i in (1, 2, 3):  # what a browser sends for untouched fieldsets
        data.update(
            {
                f"findings-{i}-kind": "",
                f"findings-{i}-text": "",
                f"findings-{i}-severity": "medium",
                f"findings-{i}-lead_unit": "",
                f"findings-{i}-due_date": "",
            }
        )
    response = drive.as_("tracking").post("/audits/new/", data)
    assert response.status_code == 302
    from audits.models import Audit

    assert len(drive.findings(Audit.objects.get())) == 1
    assert "考核意見第 8 項" in drive.as_("tracking").get("/audits/new/?rows=8").content.decode()
