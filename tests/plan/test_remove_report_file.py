"""The unit's liaison removes a wrong file from a quarterly report before the head confirms it,
with the reason: the file is gone, the trail keeps its name and fingerprint; refused, saying
why, once confirmed, without a reason, or by anyone else."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import TrailEvent
from plan import practice_reports as reports
from plan.models import PracticeReportAttachment
from tests.helpers import log_in, taipei, unit, user
from tests.support.plan_factory import make_plan, practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = taipei(datetime.date(2026, 8, 15), 10)  # 115Q3


@pytest.fixture
def report(org, django_capture_on_commit_callbacks):
    version = make_plan(115)
    with django_capture_on_commit_callbacks(execute=True):
        return reports.submit_practice_report(
            actor=user("readers-liaison"),
            practice=practice(version, "1-1-1.1"),
            unit=unit("readers"),
            period="115Q3",
            status="on_track",
            text="依進度辦理。",
            uploads=[
                SimpleUploadedFile("錯的檔案.pdf", b"%PDF-1.4 wrong file", content_type="application/pdf")
            ],
        )


def test_the_liaison_removes_a_file_before_confirmation(report, django_capture_on_commit_callbacks):
    [attachment] = report.attachments.all()
    stored, storage = attachment.file.name, attachment.file.storage
    assert storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        reports.remove_report_file(actor=user("readers-liaison"), attachment=attachment, reason="上傳錯檔")
    assert not PracticeReportAttachment.objects.filter(pk=attachment.pk).exists()
    assert not storage.exists(stored)
    event = TrailEvent.objects.filter(case_kind=reports.CASE_KIND, case_ref=str(report.pk)).last()
    assert "移除佐證檔案" in event.action and event.comment == "錯的檔案.pdf。理由：上傳錯檔"
    assert event.attachments == [{"name": "錯的檔案.pdf", "sha256": attachment.sha256}]


def test_refusals_say_why(report):
    [attachment] = report.attachments.all()
    with pytest.raises(ValidationError, match="請說明移除檔案的理由"):
        reports.remove_report_file(actor=user("readers-liaison"), attachment=attachment, reason="")
    with pytest.raises(PermissionDenied):
        reports.remove_report_file(actor=user("readers-staff1"), attachment=attachment, reason="錯檔")
    reports.confirm_practice_report(actor=user("readers-head"), report=report, approve=True)
    with pytest.raises(ValidationError, match="已經主管確認"):
        reports.remove_report_file(actor=user("readers-liaison"), attachment=attachment, reason="錯檔")
    assert PracticeReportAttachment.objects.filter(pk=attachment.pk).exists()


def test_the_page_offers_and_does_it(client, report):
    [attachment] = report.attachments.all()
    page_url = reverse("plan:report_practice", args=[report.practice_id, report.unit_id, report.period])
    remove_url = reverse("plan:report_attachment_remove", args=[report.pk, attachment.pk])
    log_in(client, user("readers-liaison"))
    assert remove_url in client.get(page_url).content.decode()
    refused = client.post(remove_url, {"reason": ""}, follow=True).content.decode()
    assert "請說明移除檔案的理由" in refused
    done = client.post(remove_url, {"reason": "上傳錯檔"}, follow=True).content.decode()
    assert "已移除檔案「錯的檔案.pdf」" in done
    log_in(client, user("readers-head"))
    assert remove_url not in client.get(page_url).content.decode()
