"""The record of a review meeting (檢討會議紀錄; audits.views.audit_meeting_record) from the audit's
page, as PDF and ODT: the meeting's name, time, attendees and decisions, and the findings it
covered with the lead unit and the due date it confirmed, whatever happened to them since."""

import datetime
import io

import pytest
from django.test import Client
from odf import teletype
from odf.opendocument import load
from odf.text import P

from audits.models import ReviewMeeting, ReviewMeetingItem
from governance.rocdate import TAIPEI, format_roc_short
from tests.helpers import days, download_name, pdf_stream_text
from tests.support.audit_http import finding_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日


def squeezed(text):
    return "".join(text.split())


def record_url(audit, meeting, fmt):
    return f"/audits/{audit.pk}/meetings/{meeting.pk}/record.{fmt}"


def pdf_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return squeezed(pdf_stream_text(response.content))


def odt_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    document = load(io.BytesIO(response.content))
    return squeezed("\n".join(teletype.extractText(p) for p in document.getElementsByType(P)))


@pytest.fixture
def meeting(papers):
    return ReviewMeeting.objects.get()


def expected_items(audit, findings, confirmed):
    items = [
        "提升服務品質執行小組檢討會議紀錄",
        "會議名稱",
        "提升服務品質執行小組檢討會議",
        "時間",
        "115年11月24日",
        "出席人員",
        "館長、企劃推廣組主管、閱覽典藏組主管",
        "決議",
        "各項考核意見依限改善，每月填報辦理情形。",
        audit.agency,
        audit.title,
        audit.document_number,
    ]
    for key, unit_name in (
        ("removed", "閱覽典藏組"),
        ("continued", "採訪編目組"),
        ("planning", "企劃推廣組"),
    ):
        f = findings[key]
        items += [f.tracking_number, f.text, unit_name, format_roc_short(confirmed[key])]
    return [squeezed(i) for i in items]


def confirmed_dues(findings):
    return {
        k: ReviewMeetingItem.objects.get(finding=f).due_date for k, f in findings.items() if k != "waiting"
    }


def test_pdf_and_odt_print_the_meeting_and_what_it_confirmed(papers, meeting, login_as):
    audit, findings = papers
    confirmed = confirmed_dues(findings)
    # The 館務會議 continued one finding with a new due date: the record keeps the meeting's.
    assert findings["continued"].due_date != confirmed["continued"]
    client = login_as("tracking")
    for text in (
        pdf_text(client, record_url(audit, meeting, "pdf")),
        odt_text(client, record_url(audit, meeting, "odt")),
    ):
        missing = [item for item in expected_items(audit, findings, confirmed) if item not in text]
        assert not missing, missing
        assert squeezed(findings["waiting"].text) not in text  # not covered by this meeting
        assert format_roc_short(findings["continued"].due_date) not in text
    response = client.get(record_url(audit, meeting, "pdf"))
    assert download_name(response) == "檢討會議紀錄-20261124.pdf"


def test_a_meeting_recorded_before_its_items_were_kept(papers, meeting, login_as):
    """Meetings recorded before ReviewMeetingItem print the finding's lead unit and due date."""
    audit, findings = papers
    ReviewMeetingItem.objects.all().delete()
    text = odt_text(login_as("tracking"), record_url(audit, meeting, "odt"))
    assert format_roc_short(findings["continued"].due_date) in text


def test_a_unit_sees_only_its_findings(papers, meeting, login_as):
    audit, findings = papers
    text = pdf_text(login_as("readers-staff1"), record_url(audit, meeting, "pdf"))
    assert squeezed(findings["removed"].text) in text
    assert squeezed(findings["planning"].text) not in text
    assert squeezed(findings["continued"].text) not in text


def test_another_audits_meeting_is_not_found_here(papers, meeting, drive, login_as):
    audit, _findings = papers
    other = drive.register([finding_fields(0, lead="readers", due=60)], title="116 年度實地訪視")
    (finding,) = drive.findings(other)
    drive.meeting(finding, held_on=days(-2))
    theirs = ReviewMeeting.objects.exclude(pk=meeting.pk).get()
    tracking = login_as("tracking")
    assert tracking.get(record_url(other, theirs, "pdf")).status_code == 200
    assert tracking.get(record_url(audit, theirs, "pdf")).status_code == 404
    assert tracking.get(record_url(other, meeting, "odt")).status_code == 404


def test_who_may_download_it(papers, meeting, login_as):
    audit, _findings = papers
    for fmt in ("pdf", "odt"):
        url = record_url(audit, meeting, fmt)
        assert Client().get(url)["Location"].startswith("/accounts/login/")
        assert login_as("hr").get(url).status_code == 403
        assert login_as("auditor").get(url).status_code == 200


def test_the_audit_page_lists_each_meeting_record(papers, meeting, login_as):
    audit, _findings = papers
    page = login_as("planning-staff1").get(f"/audits/{audit.pk}/").content.decode()
    assert "115年11月24日檢討會議紀錄" in page
    for fmt in ("pdf", "odt"):
        assert f'href="{record_url(audit, meeting, fmt)}"' in page
