"""Long unbroken text in every document: a 300-character token and a 149-character URL typed
into every text field that reaches a PDF wrap inside the text column, on every page.

One test per document, each looking at its layout through poppler (tests.helpers.assert_laid_out):
pdftoppm draws as many pages as the PDF has and no ink in the side margins, pdftotext places
every word between the margins and on its page, and reads each field's text back whole (its
line breaks aside). Fields shorter than 300 characters get as much of their token as they hold.
Names, titles and texts come in through the forms people type them in (over HTTP), where there
is one; plans, practice reports and meetings are written with the ORM, as tests/support/
meeting_factory.py writes them.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits import documents as finding_documents
from audits.models import Audit, Finding
from dashboard.tracking_report import tracking_report_pdf
from evidence import documents as evidence_documents
from evidence.selectors import appraisal_evidence
from governance import pdf
from governance.models import Unit, User
from governance.periods import period_of_year
from governance.rocdate import TAIPEI
from meetings import documents as plan_documents
from meetings.models import AgendaItem
from plan.models import PlanPractice, PracticeReport
from proposals import documents as proposal_documents
from proposals.models import Proposal
from tests.helpers import assert_laid_out, days
from tests.support import meeting_factory
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.long_text import LongTexts
from tests.support.plan_factory import practice
from tests.support.proposal_http import Driver, scored

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日
D = datetime.date


@pytest.fixture
def texts():
    return LongTexts()


def long_name(person, texts, name):
    """The person's name as the directory might give it: 100 characters, unbroken."""
    User.objects.filter(pk=person.pk).update(full_name=texts.char(name, 100))
    person.refresh_from_db()
    return person


@pytest.fixture
def long_proposal(frozen, client, person, org, texts):
    """Submitted by readers-liaison (a long name) with a long file, returned with long reasons,
    revised, scored, adopted, planned, reported, approved, evaluated: long text at every step."""
    long_name(person("readers-liaison"), texts, "proposer name")
    drive = Driver(client, person)
    upload = SimpleUploadedFile(
        texts.char("file name", 190) + ".pdf", b"%PDF-1.4 plan", content_type="application/pdf"
    )
    proposal = drive.submit(
        "readers-liaison",
        title=texts.char("title", 200),
        situation=texts.text("situation"),
        improvement=texts.text("improvement"),
        benefit=texts.text("benefit"),
        attachments=[upload],
    )
    drive.first_review("readers-head", proposal, "returned", reasons=texts.text("return reasons"))
    drive.revise(
        "readers-liaison",
        proposal,
        title=proposal.title,
        situation=texts.text("situation, revised"),
        improvement=texts.text("improvement, revised"),
        benefit=texts.text("benefit, revised"),
    )
    drive.first_review("readers-head", proposal, "accepted")
    scored(drive, proposal, members=("committee1",), comment=texts.text("score comment"))
    due = days(100)
    drive.decide(
        proposal,
        "adopt",
        reason=texts.text("decision reason"),
        lead_unit=Unit.objects.get(code="readers"),
        due=due,
    )
    drive.execution_plan(
        "readers-liaison", proposal, texts.text("execution plan"), f"{due} {texts.char('milestone', 200)}"
    )
    drive.report("readers-liaison", proposal, 100, texts.text("progress report"), complete=True)
    drive.approve("readers-head", proposal, comment=texts.text("approval comment"))
    drive.evaluate(proposal, text=texts.text("evaluation"))
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.CLOSED
    # The file's name as kept (cut to the longest name kept, its extension saved).
    [stored] = proposal.attachments.all()
    texts.expected["file name"] = (stored.name,)
    return proposal


@pytest.fixture
def long_finding(frozen, client, person, org, texts):
    """An audit with long names, a finding with long text, a meeting, a plan returned and
    rewritten, progress, the removal asked for, reviewed and decided: long text at every step."""
    long_name(person("readers-liaison"), texts, "proposer name")
    drive = AuditDriver(client, person)
    audit = drive.register(
        [finding_fields(0, lead="readers", text=texts.text("finding"))],
        agency=texts.char("agency", 100),
        title=texts.char("audit title", 200),
    )
    (finding,) = drive.findings(audit)
    drive.meeting(finding, decisions=texts.text("meeting decisions"))
    drive.plan(finding, text=texts.text("plan"))
    drive.approve_plan(finding, approve=False, comment=texts.text("plan returned"))
    drive.plan(finding, text=texts.text("plan, rewritten"))
    drive.approve_plan(finding, comment=texts.text("plan approved"))
    drive.progress(finding, 100, text=texts.text("progress"), propose=True)
    drive.request_removal(finding, reason=texts.text("removal reason"))
    drive.review_removal(finding, opinion=texts.text("removal opinion"))
    drive.council(finding, "remove", minutes=texts.char("minutes reference", 200))
    finding.refresh_from_db()
    assert finding.state == Finding.State.CLOSED
    return finding


# ---------------------------------------------------------------- the documents


def test_proposal_trail(long_proposal, texts):
    content = proposal_documents.proposal_trail(long_proposal).content
    assert assert_laid_out(content, texts.pieces()) >= 2


def test_finding_trail(long_finding, texts):
    content = finding_documents.finding_trail(long_finding).content
    assert assert_laid_out(content, texts.pieces()) >= 2


def test_appraisal_evidence(long_proposal, long_finding, person, texts):
    """readers-liaison proposed the one and wrote the other's plans: both are on their evidence."""
    liaison = person("readers-liaison")
    User.objects.filter(pk=liaison.pk).update(job_title=texts.char("job title", 100))
    liaison.refresh_from_db()
    evidence = appraisal_evidence(liaison, *period_of_year(115))
    assert [item["case_number"] for item in evidence.items] == [
        long_proposal.case_number,
        long_finding.tracking_number,
    ]
    content = evidence_documents.appraisal_evidence_pdf(evidence)
    # A finding is named by its agency and the first words of its text.
    printed = texts.pieces("proposer name", "job title", "title", "agency", "minutes reference")
    assert assert_laid_out(content, printed) >= 1


@pytest.fixture
def long_plan(org, texts):
    """A plan version whose every text is long, a unit's confirmed report (behind: the
    self-assessment reviews it), a completed practice (the execution report's key result), and
    a meeting held with long decisions on the behind practice, one followed up with a long note."""
    version = meeting_factory.plan_version(
        115,
        [
            meeting_factory.practice_spec(
                "k1",
                texts.char("practice number", 10),
                texts.text("practice"),
                ["readers"],
                [D(2026, 3, 31), D(2026, 6, 30)],
                area=("一", texts.char("area title", 200)),
                item=("1.", texts.text("item title")),
                dimension=texts.char("dimension", 200),
            ),
            # No unit and no dates: the plan's own words for them are printed.
            meeting_factory.practice_spec("k2", "1.2", "線上申辦服務", [], []),
            meeting_factory.practice_spec("k3", "1.3", "讀者滿意度調查", ["reference"], [D(2026, 6, 30)]),
        ],
        title=texts.char("plan title", 200),
    )
    PlanPractice.objects.filter(pk=practice(version, "k2").pk).update(
        unit_text=texts.char("unit text", 200), deadline_text=texts.char("deadline text", 200)
    )
    meeting_factory.report(
        practice(version, "k1"),
        "readers",
        D(2026, 6, 30),
        PracticeReport.Status.ON_TRACK,
        texts.text("practice report"),
        confirmed_at=datetime.datetime(2026, 7, 2, tzinfo=TAIPEI),
    )
    meeting_factory.report(
        practice(version, "k3"),
        "reference",
        D(2026, 6, 30),
        PracticeReport.Status.DONE,
        texts.text("completed report"),
        confirmed_at=datetime.datetime(2026, 6, 20, tzinfo=TAIPEI),
    )
    long_name(User.objects.get(username="director"), texts, "chair name")
    held = meeting_factory.held(
        D(2026, 3, 8),
        decisions=[
            (texts.text("decision"), None, None, None),
            (texts.text("decision followed up"), "readers", D(2026, 4, 30), texts.text("follow-up note")),
        ],
        location=texts.char("location", 200),
    )
    agenda = AgendaItem.objects.create(
        meeting=held, kind=AgendaItem.Kind.PRACTICE, ref_id=practice(version, "k1").pk, title="1.1"
    )
    held.decisions.update(agenda_item=agenda)
    return version


# What each plan document prints whole: the self-assessment every practice with its report and
# the decisions on it; the execution report figures by area and the meetings (key results are
# shortened, so the completed report is cut, not printed whole).
PLAN_DOCUMENT_FIELDS = {
    plan_documents.SELF_ASSESSMENT: (
        "plan title",
        "area title",
        "item title",
        "dimension",
        "practice number",
        "practice",
        "unit text",
        "deadline text",
        "practice report",
        "completed report",
        "decision",
        "decision followed up",
        "follow-up note",
    ),
    plan_documents.EXECUTION_REPORT: ("plan title", "area title", "location", "chair name"),
}


@pytest.mark.parametrize("kind", [plan_documents.SELF_ASSESSMENT, plan_documents.EXECUTION_REPORT])
def test_plan_documents(long_plan, texts, kind):
    content = plan_documents.plan_document_pdf(kind, long_plan, today=D(2026, 11, 25))
    assert assert_laid_out(content, texts.pieces(*PLAN_DOCUMENT_FIELDS[kind])) >= 1


def test_tracking_report(org, texts):
    """A proposal in execution and a finding under tracking, each with its long names."""
    meeting_factory.proposal("readers", texts.char("proposal title", 200), due=D(2026, 12, 31))
    finding = meeting_factory.finding("planning", "閱覽區動線標示不清", due=D(2026, 10, 31))
    Audit.objects.filter(pk=finding.audit_id).update(
        agency=texts.char("agency", 100), title=texts.char("audit title", 200)
    )
    content = tracking_report_pdf(today=D(2026, 11, 25))
    assert assert_laid_out(content, texts.pieces()) >= 1


def test_the_check_sees_text_run_off_the_page(long_finding, texts, monkeypatch):
    """The layout check itself: the finding's trail printed with overflow-wrap: normal (long
    words kept whole, as titles and texts were printed before) runs off the page, and the
    check says so."""
    render = pdf.render_pdf_html

    def unwrapped(html, **options):
        return render(html.replace("overflow-wrap: anywhere", "overflow-wrap: normal"), **options)

    monkeypatch.setattr(pdf, "render_pdf_html", unwrapped)
    content = finding_documents.finding_trail(long_finding).content
    with pytest.raises(AssertionError, match="margin|text column|not printed whole"):
        assert_laid_out(content, texts.pieces())
