"""The 缺失改善辦理情形表 of an audit (audits.views.audit_status_table), as PDF and ODT: a row per
finding the reader may see, with its latest approved plan, latest progress report and tracking
status (解除列管 / 繼續列管 with the meeting that decided, else its state and due date)."""

import datetime
import io

import pytest
from django.test import Client
from odf import teletype
from odf.opendocument import load
from odf.text import P

from audits.models import Finding, TrackingDecision
from governance.rocdate import TAIPEI, format_roc, format_roc_short
from tests.helpers import download_name, pdf_stream_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日
PDF = "audits:status_table_pdf"
ODT = "audits:status_table_odt"


def squeezed(text):
    """Text without its white space: narrow cells break lines anywhere."""
    return "".join(text.split())


def pdf_of(client, audit):
    response = client.get(f"/audits/{audit.pk}/status-table.pdf")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return squeezed(pdf_stream_text(response.content)), response


def odt_text(content):
    return squeezed(
        "\n".join(teletype.extractText(p) for p in load(io.BytesIO(content)).getElementsByType(P))
    )


def odt_of(client, audit):
    response = client.get(f"/audits/{audit.pk}/status-table.odt")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    return odt_text(response.content), response


def expected_items(audit, findings):
    """What the table must print: the audit's heading, each finding's cells."""
    removed, continued = findings["removed"], findings["continued"]
    remove = TrackingDecision.objects.get(finding=removed)
    keep = TrackingDecision.objects.get(finding=continued)
    today = format_roc_short(NOW.date())
    items = [
        "缺失改善辦理情形表",
        audit.agency,
        "考核",
        audit.title,
        format_roc(audit.held_on),
        audit.document_number,
        "考核意見計4項：解除列管1項，繼續列管1項，辦理中2項。",
        # removed
        removed.tracking_number,
        "缺失",
        removed.text,
        "閱覽典藏組",
        "參考特藏組",
        f"{removed.text}之改善措施。",
        f"100%（{today}）已更新全館指標。",
        f"解除列管（{format_roc_short(remove.meeting_date)}第5次館務會議紀錄）",
        # continued
        continued.tracking_number,
        "建議",
        continued.text,
        "採訪編目組",
        f"{continued.text}之改善措施。",
        "已縮短上架時程。",
        f"繼續列管（{format_roc_short(keep.meeting_date)}第6次館務會議紀錄）",
        f"新改善期限{format_roc_short(keep.new_due_date)}",
        # planning
        findings["planning"].tracking_number,
        "觀察",
        findings["planning"].text,
        "企劃推廣組",
        f"40%（{today}）已完成問卷設計。",
        f"改善中改善期限{format_roc_short(findings['planning'].due_date)}",
        # waiting for the review meeting
        findings["waiting"].tracking_number,
        findings["waiting"].text,
        f"待檢討會議改善期限{format_roc_short(findings['waiting'].due_date)}",
    ]
    return [squeezed(i) for i in items]


def test_pdf_prints_every_finding_with_its_plan_progress_and_status(papers, login_as):
    audit, findings = papers
    text, response = pdf_of(login_as("tracking"), audit)
    missing = [item for item in expected_items(audit, findings) if item not in text]
    assert not missing, missing
    # In the audit's order, one row each.
    numbers = [f.tracking_number for f in sorted(findings.values(), key=lambda f: f.sequence)]
    assert sorted(numbers, key=text.index) == numbers
    assert download_name(response) == f"缺失改善辦理情形表-{audit.document_number}.pdf"


def test_odt_holds_the_same_items(papers, login_as):
    audit, findings = papers
    text, response = odt_of(login_as("tracking"), audit)
    missing = [item for item in expected_items(audit, findings) if item not in text]
    assert not missing, missing
    assert download_name(response) == f"缺失改善辦理情形表-{audit.document_number}.odt"


def test_the_plan_printed_is_the_latest_approved(papers, drive, login_as):
    """A rewritten plan waiting for the head is not printed; the approved one stays."""
    audit, findings = papers
    planning = findings["planning"]
    Finding.objects.filter(pk=planning.pk).update(state=Finding.State.PLAN_REVIEW)
    planning.plans.create(
        round=planning.round, text="尚待主管核定之新措施", author=drive.person("planning-liaison")
    )
    text, _response = odt_of(login_as("tracking"), audit)
    assert squeezed(f"{planning.text}之改善措施。") in text
    assert "尚待主管核定之新措施" not in text


def test_a_unit_sees_only_its_findings(papers, login_as):
    """The readers unit leads two findings: the table lists those and no other unit's."""
    audit, findings = papers
    for text in (pdf_of(login_as("readers-staff1"), audit)[0], odt_of(login_as("readers-staff1"), audit)[0]):
        assert findings["removed"].text in text and findings["waiting"].text in text
        assert findings["continued"].text not in text and findings["planning"].text not in text


def test_who_may_download_it(papers, login_as):
    audit, _findings = papers
    for url in (f"/audits/{audit.pk}/status-table.pdf", f"/audits/{audit.pk}/status-table.odt"):
        assert Client().get(url)["Location"].startswith("/accounts/login/")  # anonymous
        assert login_as("hr").get(url).status_code == 403  # no finding of the personnel unit
        assert login_as("director").get(url).status_code == 200
        assert login_as("planning-staff1").get(url).status_code == 200


def test_the_audit_page_offers_the_papers(papers, login_as):
    audit, _findings = papers
    page = login_as("readers-staff1").get(f"/audits/{audit.pk}/").content.decode()
    for url in (
        f"/audits/{audit.pk}/status-table.pdf",
        f"/audits/{audit.pk}/status-table.odt",
        f"/audits/{audit.pk}/reply-letter.odt",
    ):
        assert f'href="{url}"' in page
