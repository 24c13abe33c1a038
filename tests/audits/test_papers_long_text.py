"""Long unbroken text in an audit's 公文 papers: a 300-character token and a 149-character URL in
every text field that reaches the 缺失改善辦理情形表 (landscape) and the 檢討會議紀錄 wrap inside
the text column, on every page (tests.helpers.assert_laid_out; tests/governance/
test_pdf_long_text.py does the same for the other documents)."""

import datetime

import pytest

from audits import documents
from audits.models import Finding, ReviewMeeting
from governance import pdf
from governance.models import Unit
from governance.rocdate import TAIPEI
from tests.helpers import assert_laid_out
from tests.support.audit_http import finding_fields
from tests.support.long_text import LongTexts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日


@pytest.fixture
def texts():
    return LongTexts()


@pytest.fixture
def long_papers(drive, texts):
    """An audit with long names and a finding with long text, led and supported by units with
    long names, through its meeting, plan, progress and removal (minutes with a long reference)."""
    Unit.objects.filter(code="readers").update(name=texts.char("lead unit", 100))
    Unit.objects.filter(code="reference").update(name=texts.char("supporting unit", 100))
    audit = drive.register(
        [finding_fields(0, lead="readers", supporting=("reference",), text=texts.text("finding"))],
        agency=texts.char("agency", 100),
        title=texts.char("audit title", 200),
    )
    (finding,) = drive.findings(audit)
    drive.meeting(finding, attendees=texts.text("attendees"), decisions=texts.text("decisions"))
    drive.plan(finding, text=texts.text("plan"))
    drive.approve_plan(finding)
    drive.progress(finding, 100, text=texts.text("progress"), propose=True)
    drive.request_removal(finding)
    drive.review_removal(finding)
    drive.council(finding, "remove", minutes=texts.char("minutes reference", 200))
    assert finding.state == Finding.State.CLOSED
    return audit


def test_status_table(long_papers, person, texts):
    content = documents.status_table_pdf(long_papers, person("tracking")).content
    printed = texts.pieces(
        "agency",
        "audit title",
        "finding",
        "lead unit",
        "supporting unit",
        "plan",
        "progress",
        "minutes reference",
    )
    assert assert_laid_out(content, printed) >= 1


def test_meeting_record(long_papers, person, texts):
    meeting = ReviewMeeting.objects.get()
    content = documents.meeting_record_pdf(meeting, long_papers, person("tracking")).content
    printed = texts.pieces("agency", "audit title", "finding", "lead unit", "attendees", "decisions")
    assert assert_laid_out(content, printed) >= 1


def test_the_check_sees_text_run_off_a_landscape_page(long_papers, person, texts, monkeypatch):
    """The layout check on a landscape page: the table printed with long words kept whole runs
    off the page, and the check says so (its margins are those of an A4 page lying down)."""
    render = pdf.render_pdf_html

    def unwrapped(html, **options):
        return render(html.replace("overflow-wrap: anywhere", "overflow-wrap: normal"), **options)

    monkeypatch.setattr(pdf, "render_pdf_html", unwrapped)
    content = documents.status_table_pdf(long_papers, person("tracking")).content
    with pytest.raises(AssertionError, match="margin|text column|not printed whole"):
        assert_laid_out(content, texts.pieces())
