"""Quarterly practice reports (plan.practice_reports): the liaison reports, the head
confirms or returns, a confirmed report is final; only the right unit and role, only the
current version, only a begun quarter of the plan; evidence files checked and fingerprinted;
every change on the trail."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from governance.models import Membership, TrailEvent
from governance.permissions import sync_unit_permissions
from governance.roles import UnitRole
from governance.trail import verify_case
from plan.models import PracticeReport, PracticeReportAttachment
from plan.practice_reports import CASE_KIND, confirm_practice_report, quarter_overview, submit_practice_report
from tests.helpers import taipei, unit
from tests.support.plan_factory import add_version, make_plan, practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

State = PracticeReport.State
Q3_DAY = datetime.date(2026, 8, 15)  # 115Q3
NOW = taipei(Q3_DAY, 10)


@pytest.fixture
def version(org):
    return make_plan(115)


def pdf(name="佐證.pdf", content=b"%PDF-1.4 evidence"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def submit(
    person,
    version,
    login="readers-liaison",
    key="1-1-1.1",
    code="readers",
    period="115Q3",
    status="on_track",
    text="已完成網路辦證功能",
    uploads=(),
):
    return submit_practice_report(
        actor=person(login),
        practice=practice(version, key),
        unit=unit(code),
        period=period,
        status=status,
        text=text,
        uploads=uploads,
    )


def events(report):
    return list(TrailEvent.objects.filter(case_kind=CASE_KIND, case_ref=str(report.pk)).order_by("sequence"))


def test_submit_edit_return_resubmit_confirm_then_final(person, version):
    content = b"%PDF-1.4 online registration statistics"
    report = submit(person, version, uploads=[pdf("辦證統計.pdf", content)])
    assert (report.state, report.status, report.period) == (State.SUBMITTED, "on_track", "115Q3")
    assert report.submitted_by == person("readers-liaison")
    [stored] = report.attachments.all()
    assert stored.name == "辦證統計.pdf" and stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.file.open("rb").read() == content

    # Edited by the liaison while waiting: the same report, one per practice, unit and quarter.
    edited = submit(person, version, status="done", text="網路辦證已全面上線")
    assert edited.pk == report.pk and PracticeReport.objects.count() == 1
    assert (edited.status, edited.text, edited.state) == ("done", "網路辦證已全面上線", State.SUBMITTED)

    head = person("readers-head")
    with pytest.raises(ValidationError, match="退回時請填寫意見"):
        confirm_practice_report(actor=head, report=edited, approve=False, comment="  ")
    returned = confirm_practice_report(actor=head, report=edited, approve=False, comment="請補上線日期")
    assert (returned.state, returned.head_comment) == (State.RETURNED, "請補上線日期")
    with pytest.raises(ValidationError, match="待連絡窗口重新填報"):
        confirm_practice_report(actor=head, report=returned, approve=True, comment="")

    again = submit(person, version, status="done", text="網路辦證已於 115/7/1 全面上線")
    assert again.pk == report.pk and again.state == State.SUBMITTED
    confirmed = confirm_practice_report(actor=head, report=again, approve=True, comment="")
    assert confirmed.state == State.CONFIRMED and confirmed.confirmed_by == head
    assert confirmed.confirmed_at is not None

    with pytest.raises(ValidationError, match="已經主管確認，不能再修改"):
        submit(person, version, text="再改一次")
    with pytest.raises(ValidationError, match="已經確認，不能再變更"):
        confirm_practice_report(actor=head, report=confirmed, approve=False, comment="改退回")
    confirmed.refresh_from_db()
    assert confirmed.text == "網路辦證已於 115/7/1 全面上線" and confirmed.state == State.CONFIRMED

    trail = events(report)
    assert [e.action for e in trail] == [
        "115 年第 3 季 填報季報",
        "115 年第 3 季 修改季報",
        "115 年第 3 季 主管退回季報",
        "115 年第 3 季 重新填報季報（退回後）",
        "115 年第 3 季 主管確認季報",
    ]
    assert [(e.from_state, e.to_state) for e in trail] == [
        ("", "submitted"),
        ("submitted", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "confirmed"),
    ]
    assert trail[0].attachments == [{"name": "辦證統計.pdf", "sha256": hashlib.sha256(content).hexdigest()}]
    assert trail[2].comment == "請補上線日期" and trail[2].actor == head
    assert verify_case(CASE_KIND, str(report.pk)).ok


def test_wrong_unit_or_role_is_refused_and_nothing_is_written(person, version):
    # Another unit's liaison, for a practice their unit does not answer for.
    with pytest.raises(PermissionDenied):
        submit(person, version, login="acquisitions-liaison")
    with pytest.raises(PermissionDenied, match="不是推動作法 1.1 的承辦單位"):
        submit(person, version, login="acquisitions-liaison", code="acquisitions")
    # Staff and the head of the right unit do not report; the 管考 office does not either.
    for login in ("readers-staff1", "readers-head", "tracking"):
        with pytest.raises(PermissionDenied):
            submit(person, version, login=login)
    assert not PracticeReport.objects.exists() and not TrailEvent.objects.filter(case_kind=CASE_KIND).exists()

    report = submit(person, version)
    for login in ("readers-liaison", "readers-staff1", "acquisitions-head", "tracking", "director"):
        with pytest.raises(PermissionDenied):
            confirm_practice_report(actor=person(login), report=report, approve=True, comment="")
    report.refresh_from_db()
    assert report.state == State.SUBMITTED and len(events(report)) == 1


def test_each_responsible_unit_reports_its_own(person, version):
    shared = "1-2-2.1"  # 閱覽組、採編組、參考組
    readers = submit(person, version, key=shared, text="閱覽組辦理情形")
    acquisitions = submit(
        person, version, login="acquisitions-liaison", key=shared, code="acquisitions", text="採編組辦理情形"
    )
    assert readers.pk != acquisitions.pk
    with pytest.raises(PermissionDenied):  # the readers' head does not confirm the acquisitions' report
        confirm_practice_report(actor=person("readers-head"), report=acquisitions, approve=True, comment="")
    confirm_practice_report(actor=person("acquisitions-head"), report=acquisitions, approve=True, comment="")
    assert PracticeReport.objects.get(pk=readers.pk).state == State.SUBMITTED


def test_only_the_current_version_is_reported_and_reports_follow_the_key(person, version):
    early = submit(person, version, period="115Q2", text="第二季已辦理")
    revised = add_version(version, drop_keys=["2-1-1.1"])
    with pytest.raises(ValidationError, match="已由第 2 版取代"):
        submit(person, version)
    # The 115Q2 report written against version 1 answers for the same practice in version 2 …
    overview = {(d.practice.key, d.unit.code): d.report for d in quarter_overview(revised, "115Q2")}
    assert overview[("1-1-1.1", "readers")].pk == early.pk
    assert ("2-1-1.1", "secretariat") not in overview  # dropped from version 2
    # … and editing it moves it to the current practice, still one report.
    moved = submit(person, revised, period="115Q2", text="第二季辦理情形（修正）")
    assert moved.pk == early.pk and moved.practice == practice(revised, "1-1-1.1")
    assert PracticeReport.objects.count() == 1


@pytest.mark.parametrize(
    "period, message",
    [
        ("115Q5", "格式不正確"),
        ("第三季", "格式不正確"),
        ("", "格式不正確"),
        ("114Q4", "不在 115 年度計畫的期間內"),
        ("115Q4", "尚未開始"),
    ],
)
def test_the_period_must_be_a_begun_quarter_of_the_plan(person, version, period, message):
    with pytest.raises(ValidationError, match=message):
        submit(person, version, period=period)
    assert not PracticeReport.objects.exists()


def test_status_and_text_are_required(person, version):
    with pytest.raises(ValidationError, match="請選擇執行狀況"):
        submit(person, version, status="almost")
    with pytest.raises(ValidationError, match="請填寫辦理情形"):
        submit(person, version, text="   ")
    assert not PracticeReport.objects.exists()


def test_file_limits_refuse_the_whole_report(person, version, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    for bad, message in (
        (pdf("大檔.pdf", b"x" * 1025), "超過上限"),
        (SimpleUploadedFile("script.exe", b"MZ"), "檔案類型不接受"),
        (pdf("空白.pdf", b""), "空檔案"),
        (pdf("偽裝.pdf", b"MZ\x90\x00"), "執行檔"),
    ):
        with pytest.raises(ValidationError, match=message):
            submit(person, version, uploads=[pdf(), bad])
    assert not PracticeReport.objects.exists() and not PracticeReportAttachment.objects.exists()
    report = submit(person, version, uploads=[pdf("剛好.pdf", b"%PDF-" + b"y" * 1019)])
    # An edit adds evidence; earlier files stay.
    submit(
        person, version, text="補充照片", uploads=[SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n photo")]
    )
    assert list(report.attachments.values_list("name", flat=True)) == ["剛好.pdf", "照片.png"]
    with pytest.raises(ValidationError, match="超過上限"):
        submit(person, version, text="不會存入", uploads=[pdf("大檔.pdf", b"x" * 2000)])
    report.refresh_from_db()
    assert report.text == "補充照片" and report.attachments.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_liaisons_reporting_at_once_write_one_report(org, person):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; this runs on the PostgreSQL pass")
    from tests.threads import at_once

    version = make_plan(115)
    second = person("readers-staff2")
    Membership.objects.create(
        user=second, unit=unit("readers"), role=UnitRole.LIAISON, valid_from=datetime.date(2013, 1, 1)
    )
    sync_unit_permissions(second)
    results, errors = at_once(
        [
            lambda login=login: submit(person, version, login=login, text=f"{login} 的辦理情形")
            for login in ("readers-liaison", "readers-staff2")
        ]
    )
    assert errors == []
    [report] = PracticeReport.objects.all()
    assert {r.pk for r in results} == {report.pk}
    actions = [e.action for e in events(report)]
    assert actions == ["115 年第 3 季 填報季報", "115 年第 3 季 修改季報"]
    assert verify_case(CASE_KIND, str(report.pk)).ok


def test_the_heads_hear_of_a_report_and_the_liaison_of_its_return(
    person, version, mailoutbox, django_capture_on_commit_callbacks
):
    from governance.models import Notification
    from governance.notifications import set_preferences

    head, liaison = person("readers-head"), person("readers-liaison")
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(person, version)
    [notice] = Notification.objects.all()
    assert notice.recipient == head and notice.kind == Notification.Kind.EVENT
    assert notice.subject == "【待確認】115 年第 3 季 計畫推動作法季報：1.1 閱覽典藏組"
    assert "115 年第 3 季 填報季報" in notice.body and "請確認，或退回補正" in notice.body
    assert notice.url == f"/plan/reports/practices/{report.practice_id}/units/{report.unit_id}/115Q3/"
    assert notice.url in notice.body  # the e-mail's link, made absolute with SITE_URL
    # E-mailed as soon as the report was committed, not at the next daily run.
    [mail] = mailoutbox
    assert mail.to == [head.email] and mail.subject == notice.subject
    assert Notification.objects.get(pk=notice.pk).emailed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        confirm_practice_report(actor=head, report=report, approve=False, comment="請補上線日期")
    returned = Notification.objects.get(recipient=liaison)
    assert returned.subject == "【退回】115 年第 3 季 計畫推動作法季報：1.1 閱覽典藏組"
    assert "115 年第 3 季 主管退回季報：推動作法 1.1「" in returned.body
    assert "意見：請補上線日期。請修正後重新填報。" in returned.body
    notice.refresh_from_db()
    assert notice.read_at is not None  # handled: the head has nothing left to clear

    # Written again: the head hears again; e-mail turned off, so only in the app.
    set_preferences(actor=head, reminders=True, digest=True, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(person, version, text="已於 115/7/1 完成網路辦證功能")
    again = Notification.objects.filter(recipient=head).order_by("pk").last()
    assert again.pk != notice.pk and "115 年第 3 季 重新填報季報（退回後）" in again.body
    assert not again.email_wanted and len(mailoutbox) == 2
    returned.refresh_from_db()
    assert returned.read_at is not None and again.read_at is None

    with django_capture_on_commit_callbacks(execute=True):
        confirm_practice_report(actor=head, report=report, approve=True)
    confirmed = Notification.objects.filter(recipient=liaison).order_by("pk").last()
    assert confirmed.subject == "【已確認】115 年第 3 季 計畫推動作法季報：1.1 閱覽典藏組"
    assert "主管確認季報" in confirmed.body and "請修正" not in confirmed.body
    again.refresh_from_db()
    assert again.read_at is not None
    assert not Notification.objects.filter(recipient=head, read_at__isnull=True).exists()


def test_a_head_who_reports_is_not_told_of_their_own_report(person, version, org):
    from governance.models import Notification

    Membership.objects.create(user=person("readers-head"), unit=unit("readers"), role=UnitRole.LIAISON)
    sync_unit_permissions(person("readers-head"))
    submit(person, version, login="readers-head")
    assert not Notification.objects.filter(recipient=person("readers-head")).exists()
