"""Whoever may report the lead unit's progress (its liaison) removes a wrong file from a quarterly
progress report while the head has not yet decided on it, with the reason: the file is gone, the
case's trail keeps its name and fingerprint; refused, saying why, once the report is approved or
returned, without a reason, or by anyone else; the proposal page offers it only to them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import TrailEvent
from proposals import services
from proposals.models import CASE_KIND, Attachment, ProgressReport
from tests.helpers import days, unit, user
from tests.support.proposal_http import scored

pytestmark = pytest.mark.django_db


def upload(name, text="佐證"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


@pytest.fixture
def executing(drive):
    """Adopted with the readers unit leading, its plan written: reports are due."""
    proposal = drive.submit("planning-staff1")
    drive.first_review("planning-head", proposal, "accepted")
    scored(drive, proposal, members=("committee1",))
    due = days(200)
    drive.decide(proposal, "adopt", lead_unit=unit("readers"), due=due)
    drive.execution_plan("readers-liaison", proposal, "分兩階段建置。", f"{due} 全面上線")
    return proposal


def reported(drive, proposal, *names):
    drive.report("readers-liaison", proposal, 30, "已完成需求訪談。", files=[upload(n) for n in names])
    return proposal.progress_reports.latest("reported_at", "pk")


def file_of(report, name):
    return report.attachments.get(name=name)


def test_the_liaison_removes_a_file_while_the_report_waits(
    drive, executing, django_capture_on_commit_callbacks
):
    report = reported(drive, executing, "錯的檔案.txt", "訪談紀錄.txt")
    wrong = file_of(report, "錯的檔案.txt")
    stored, storage = wrong.file.name, wrong.file.storage
    assert storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_progress_file(actor=user("readers-liaison"), attachment=wrong, reason="含讀者個資")
    assert not Attachment.objects.filter(pk=wrong.pk).exists()
    assert not storage.exists(stored)
    assert [a.name for a in report.attachments.all()] == ["訪談紀錄.txt"]  # the other stays
    event = TrailEvent.objects.filter(case_kind=CASE_KIND, case_ref=str(executing.pk)).last()
    assert event.action.endswith("進度回報移除佐證檔案")
    assert event.actor_name == user("readers-liaison").get_full_name()
    assert event.comment == "錯的檔案.txt。理由：含讀者個資"
    assert event.attachments == [{"name": "錯的檔案.txt", "sha256": wrong.sha256}]
    assert event.from_state == event.to_state == "executing"
    report.refresh_from_db()
    assert report.approval == ProgressReport.Approval.PENDING  # the head still decides it


def test_refusals_say_why(drive, executing):
    returned = reported(drive, executing, "第一版.txt")
    drive.approve("readers-head", executing, approve=False, comment="請補附統計表")
    with pytest.raises(ValidationError, match="進度已經主管退回，不能再移除檔案"):
        services.remove_progress_file(
            actor=user("readers-liaison"), attachment=file_of(returned, "第一版.txt"), reason="錯檔"
        )
    pending = reported(drive, executing, "第二版.txt")
    attachment = file_of(pending, "第二版.txt")
    with pytest.raises(ValidationError, match="請說明移除檔案的理由"):
        services.remove_progress_file(actor=user("readers-liaison"), attachment=attachment, reason=" ")
    # Not the lead unit's liaison: its head, its staff, the proposer's unit, the 管考 office.
    for login in ("readers-head", "readers-staff1", "planning-liaison", "tracking"):
        with pytest.raises(PermissionDenied):
            services.remove_progress_file(actor=user(login), attachment=attachment, reason="錯檔")
    drive.approve("readers-head", executing)
    with pytest.raises(ValidationError, match="進度已經主管核定，不能再移除檔案"):
        services.remove_progress_file(actor=user("readers-liaison"), attachment=attachment, reason="錯檔")
    assert Attachment.objects.filter(pk__in=[attachment.pk, file_of(returned, "第一版.txt").pk]).count() == 2


def test_a_proposal_file_is_not_removed_here(drive, executing):
    other = Attachment.objects.create(
        proposal=executing,
        purpose=Attachment.Purpose.PROPOSAL,
        file=upload("提案說明.txt"),
        name="提案說明.txt",
        size=6,
        content_type="text/plain",
        sha256="0" * 64,
        uploaded_by=user("planning-staff1"),
    )
    with pytest.raises(ValidationError, match="不是季進度回報的佐證"):
        services.remove_progress_file(actor=user("readers-liaison"), attachment=other, reason="錯檔")


def test_the_page_offers_it_to_the_liaison_and_does_it(drive, executing):
    report = reported(drive, executing, "錯的檔案.txt")
    attachment = file_of(report, "錯的檔案.txt")
    page_url = reverse("proposals:detail", args=[executing.pk])
    remove_url = reverse("proposals:progress_file_remove", args=[executing.pk, attachment.pk])
    for login in ("readers-head", "readers-staff1", "planning-staff1", "tracking"):
        page = drive.as_(login).get(page_url).content.decode()
        assert "錯的檔案.txt" in page and remove_url not in page, login
        assert drive.as_(login).post(remove_url, {"reason": "錯檔"}).status_code == 403, login
    client = drive.as_("readers-liaison")
    assert remove_url in client.get(page_url).content.decode()
    assert client.get(remove_url).status_code == 405
    refused = client.post(remove_url, {"reason": ""}, follow=True).content.decode()
    assert "請說明移除檔案的理由" in refused
    done = client.post(remove_url, {"reason": "上傳錯檔"}, follow=True).content.decode()
    assert "已移除檔案「錯的檔案.txt」" in done and "上傳錯檔" in done  # the message, the history
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert client.post(remove_url, {"reason": "上傳錯檔"}).status_code == 404  # gone


def test_a_file_named_under_another_proposal_is_not_found(drive, executing):
    report = reported(drive, executing, "錯的檔案.txt")
    attachment = file_of(report, "錯的檔案.txt")
    other = drive.submit("readers-staff1")
    url = reverse("proposals:progress_file_remove", args=[other.pk, attachment.pk])
    client = drive.as_("readers-liaison")
    assert client.get(url).status_code == 404  # before the method is refused
    assert client.post(url, {"reason": "錯檔"}).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()
