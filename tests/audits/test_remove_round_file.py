"""The lead unit's liaison removes a wrong file from the finding's latest progress report while it
is still safe (nothing reported, asked or decided on the finding since), with the reason: the
file is gone, the finding's trail keeps its name and fingerprint; refused, saying why, once a
newer report, a removal request or a decision followed, once the finding is closed or withdrawn,
without a reason, or by anyone else; the finding page offers it only then and only to them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits import services
from audits.models import FINDING_KIND, Finding, FindingAttachment
from governance.models import TrailEvent
from tests.helpers import open_task, user
from tests.support.audit_http import finding_fields

pytestmark = pytest.mark.django_db


def upload(name, text="佐證"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


@pytest.fixture
def remedying(drive):
    """A readers finding (reference supporting) with its plan approved: progress is reported."""
    audit = drive.register([finding_fields(0, lead="readers", supporting=["reference"])])
    [finding] = drive.findings(audit)
    drive.meeting(finding)
    drive.plan(finding)
    drive.approve_plan(finding)
    return finding


def reported(drive, finding, *names, percent=40, propose=False):
    drive.progress(finding, percent, files=[upload(n) for n in names], propose=propose)
    return finding.progress_rounds.latest("reported_at", "pk")


def remove(attachment, login="readers-liaison", reason="含讀者個資"):
    return services.remove_round_file(actor=user(login), attachment=attachment, reason=reason)


def test_the_liaison_removes_a_file_of_the_latest_report(
    drive, remedying, django_capture_on_commit_callbacks
):
    report = reported(drive, remedying, "錯的檔案.txt", "照片.txt")
    wrong = report.attachments.get(name="錯的檔案.txt")
    stored, storage = wrong.file.name, wrong.file.storage
    assert storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        assert remove(wrong) == report
    assert not FindingAttachment.objects.filter(pk=wrong.pk).exists()
    assert not storage.exists(stored)
    assert [a.name for a in report.attachments.all()] == ["照片.txt"]
    event = TrailEvent.objects.filter(case_kind=FINDING_KIND, case_ref=str(remedying.pk)).last()
    assert event.action == "第 1 輪辦理情形移除佐證檔案"
    assert event.comment == "錯的檔案.txt。理由：含讀者個資"
    assert event.attachments == [{"name": "錯的檔案.txt", "sha256": wrong.sha256}]
    assert event.from_state == event.to_state == "in_progress"


def test_while_the_head_considers_a_proposed_removal_and_after_they_decline(drive, remedying):
    report = reported(drive, remedying, "一.txt", "二.txt", "三.txt", percent=100, propose=True)
    remove(report.attachments.get(name="一.txt"))  # the head has not asked yet
    drive.request_removal(remedying, confirm=False, reason="請補齊佐證後再報")
    remove(report.attachments.get(name="二.txt"))  # declined: nothing was asked
    drive.progress(remedying, 100, propose=True)
    drive.request_removal(remedying, confirm=True)
    with pytest.raises(ValidationError, match="已有新的填報"):
        remove(report.attachments.get(name="三.txt"))


def test_refusals_say_why(drive, remedying):
    first = reported(drive, remedying, "第一次.txt")
    early = first.attachments.get()
    latest = reported(drive, remedying, "第二次.txt", percent=100, propose=True)
    attachment = latest.attachments.get()
    with pytest.raises(ValidationError, match="之後已有新的填報"):
        remove(early)
    with pytest.raises(ValidationError, match="請說明移除檔案的理由"):
        remove(attachment, reason="")
    # Not the lead unit's liaison: its head and staff, the supporting unit's liaison, 管考.
    for login in ("readers-head", "readers-staff1", "reference-liaison", "tracking"):
        with pytest.raises(PermissionDenied):
            remove(attachment, login=login)
    drive.request_removal(remedying)
    with pytest.raises(ValidationError, match="之後已申請解除列管"):
        remove(attachment)
    drive.review_removal(remedying, recommend=False, opinion="仍待觀察")
    drive.council(remedying, "continue", new_due=60)
    with pytest.raises(ValidationError, match="之後已有列管決定"):
        remove(attachment)
    assert FindingAttachment.objects.filter(pk__in=[early.pk, attachment.pk]).count() == 2


def test_not_once_the_finding_is_closed(drive):
    audit = drive.register([finding_fields(0, kind="recommendation", self_tracked=True)])
    [finding] = drive.findings(audit)
    drive.plan(finding)
    drive.approve_plan(finding)
    done = reported(drive, finding, "完成.txt", percent=100, propose=True).attachments.get()
    drive.request_removal(finding)  # self-tracked: the head's request closes it
    assert finding.state == Finding.State.CLOSED
    assert services.removable_round_files(user("readers-liaison"), finding) == set()
    with pytest.raises(ValidationError, match="已經解除列管，不能再移除檔案"):
        remove(done)


def test_not_once_the_finding_is_withdrawn(drive, remedying):
    attachment = reported(drive, remedying, "辦理.txt").attachments.get()
    services.withdraw_audit(actor=user("tracking"), audit=remedying.audit, reason="重複登錄")
    with pytest.raises(ValidationError, match="已經撤銷，不能再移除檔案"):
        remove(attachment)


def test_a_file_not_of_a_progress_report_is_not_removed_here(drive, remedying):
    registered = FindingAttachment.objects.create(
        finding=remedying,
        file=upload("考核報告.txt"),
        name="考核報告.txt",
        size=6,
        content_type="text/plain",
        sha256="0" * 64,
        uploaded_by=user("tracking"),
    )
    with pytest.raises(ValidationError, match="不是辦理情形的佐證"):
        remove(registered)


def test_the_finding_page_offers_it_and_does_it(drive, remedying):
    attachment = reported(drive, remedying, "錯的檔案.txt").attachments.get()
    page_url = reverse("audits:finding", args=[remedying.pk])
    remove_url = reverse("audits:finding_file_remove", args=[remedying.pk, attachment.pk])
    for login in ("readers-head", "readers-staff1", "reference-liaison", "tracking"):
        page = drive.as_(login).get(page_url).content.decode()
        assert "錯的檔案.txt" in page and remove_url not in page, login
        assert drive.as_(login).post(remove_url, {"reason": "錯檔"}).status_code == 403, login
    assert drive.as_("planning-staff1").post(remove_url, {"reason": "錯檔"}).status_code == 403
    client = drive.as_("readers-liaison")
    assert remove_url in client.get(page_url).content.decode()
    assert client.get(remove_url).status_code == 405
    refused = client.post(remove_url, {"reason": ""}, follow=True).content.decode()
    assert "請說明移除檔案的理由" in refused
    done = client.post(remove_url, {"reason": "上傳錯檔"}, follow=True).content.decode()
    assert "已移除檔案「錯的檔案.txt」" in done and "上傳錯檔" in done
    assert not FindingAttachment.objects.filter(pk=attachment.pk).exists()


def test_the_task_page_does_not_offer_it(drive, remedying):
    """The rounds are shown on the head's task page too: the removal is the finding page's."""
    attachment = reported(drive, remedying, "錯的檔案.txt", percent=100, propose=True).attachments.get()
    remove_url = reverse("audits:finding_file_remove", args=[remedying.pk, attachment.pk])
    task = open_task(remedying, "request_removal")
    client = drive.as_("readers-head")
    if task.owner_id is None:
        assert client.post(task.reverse("assign")).status_code == 302
    page = client.get(task.reverse("execute")).content.decode()
    assert "錯的檔案.txt" in page and remove_url not in page


def test_a_file_named_under_another_finding_is_not_found(drive, remedying):
    attachment = reported(drive, remedying, "錯的檔案.txt").attachments.get()
    other = drive.findings(
        drive.register([finding_fields(0)], document_number="臺教綜（一）字第1150077777號")
    )[0]
    url = reverse("audits:finding_file_remove", args=[other.pk, attachment.pk])
    client = drive.as_("readers-liaison")
    assert client.get(url).status_code == 404  # before the method is refused
    assert client.post(url, {"reason": "錯檔"}).status_code == 404
    assert FindingAttachment.objects.filter(pk=attachment.pk).exists()
