"""The quarterly tracking report (季列管報告): its rows, its PDF, who may download it."""

import datetime
import re
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits import selectors as audit_selectors
from audits.models import Finding
from dashboard.tracking_report import tracking_report, tracking_report_pdf
from governance.models import Unit
from governance.rocdate import TAIPEI
from proposals import selectors as proposal_selectors
from proposals.models import Proposal
from tests.helpers import flat, pdf_text
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.proposal_http import Driver, scored

pytestmark = pytest.mark.django_db

BUILT = datetime.datetime(2026, 10, 1, 10, 0, tzinfo=TAIPEI)  # 民國 115 年 10 月 1 日
NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 115 年第 4 季
URL = "/home/tracking-report.pdf"


def adopted(drive, unit_code, due, title):
    proposal = drive.submit(f"{unit_code}-staff1", title=title)
    drive.first_review(f"{unit_code}-head", proposal, "accepted")
    scored(drive, proposal, members=("committee1",))
    drive.decide(proposal, "adopt", lead_unit=Unit.objects.get(code=unit_code), due=due)
    drive.execution_plan(f"{unit_code}-liaison", proposal, "計畫", f"{due} 完成")
    return proposal


@pytest.fixture
def data(client, person, org):
    """Readers: an executing proposal (40 %, 115Q4), a finding due in the future, a closed
    proposal and a closed finding. Planning: a finding overdue on NOW."""
    with time_machine.travel(BUILT, tick=False):
        drive = Driver(client, person)
        executing = adopted(drive, "readers", "2026-12-31", "自助借書機增設中文語音導引")
        drive.report("readers-liaison", executing, 40, "已完成語音腳本")
        drive.approve("readers-head", executing)

        closed = adopted(drive, "readers", "2026-12-31", "館藏查詢系統改版")
        drive.report("readers-liaison", closed, 100, "完成", complete=True)
        drive.approve("readers-head", closed)
        drive.evaluate(closed)

        audits = AuditDriver(client, person)
        audit = audits.register(
            [
                finding_fields(0, lead="readers", due=90),  # 2026-12-30
                finding_fields(1, lead="planning", due=30),  # 2026-10-31: overdue on NOW
                finding_fields(2, lead="readers", due=60),
            ]
        )
        on_time, overdue, gone = audits.findings(audit)
        for finding in (on_time, overdue, gone):
            audits.meeting(finding)
    # A finding removed from tracking (the full removal is covered in the audit tests).
    Finding.objects.filter(pk=gone.pk).update(state=Finding.State.CLOSED, closed_on=BUILT.date())
    executing.refresh_from_db()
    closed.refresh_from_db()
    assert executing.state == Proposal.State.EXECUTING and closed.state == Proposal.State.CLOSED
    return {
        "executing": executing,
        "closed": closed,
        "on_time": on_time,
        "overdue": overdue,
        "gone": gone,
        "audit": audit,
    }


def test_selectors_return_plain_rows_in_few_queries(data):
    with CaptureQueriesContext(connection) as queries:
        proposals = proposal_selectors.open_executions()
    assert len(queries) == 1
    [row] = proposals
    assert row["case_number"] == data["executing"].case_number
    assert (row["unit_name"], row["latest_period"], row["latest_percent"]) == ("閱覽典藏組", "115Q4", 40)
    assert row["due_date"] == datetime.date(2026, 12, 31)

    with CaptureQueriesContext(connection) as queries:
        findings = audit_selectors.open_findings_for_report()
    assert len(queries) == 1
    assert {r["tracking_number"] for r in findings} == {
        data["on_time"].tracking_number,
        data["overdue"].tracking_number,
    }
    [planning] = [r for r in findings if r["unit_name"] == "企劃推廣組"]
    assert (planning["agency"], planning["audit_title"], planning["kind_label"]) == (
        "教育部",
        "115 年度服務品質考核",
        "缺失",
    )
    assert (planning["round"], planning["state_label"]) == (1, "研擬改善措施")


def test_report_groups_by_unit_in_sort_order_with_counts(data):
    with CaptureQueriesContext(connection) as queries:
        report = tracking_report(today=NOW.date())
    assert len(queries) == 2
    assert (report["year"], report["quarter"]) == (115, 4)
    names = [u["name"] for u in report["units"]]
    assert names == ["企劃推廣組", "閱覽典藏組"]  # unit sort order
    planning, readers = report["units"]
    assert [f["overdue"] for f in planning["findings"]] == [True]
    assert planning["counts"] == {"open": 1, "overdue": 1} and planning["proposals"] == []
    assert [p["case_number"] for p in readers["proposals"]] == [data["executing"].case_number]
    assert [f["tracking_number"] for f in readers["findings"]] == [data["on_time"].tracking_number]
    assert readers["counts"] == {"open": 2, "overdue": 0}
    assert report["totals"]["all"] == {"open": 3, "overdue": 1}
    # Past its due date the executing proposal is overdue too; on the due date it is not.
    late = tracking_report(today=datetime.date(2027, 1, 1))
    assert late["units"][1]["proposals"][0]["overdue"]
    assert not tracking_report(today=datetime.date(2026, 12, 31))["units"][1]["proposals"][0]["overdue"]


def test_overdue_is_counted_in_taipei_days(data):
    # 2026-10-31 23:30 in Taipei is still the due date; 00:30 on 11-01 is past it (UTC: 10-31).
    with time_machine.travel(
        datetime.datetime(2026, 10, 31, 15, 30, tzinfo=datetime.timezone.utc), tick=False
    ):
        assert tracking_report()["totals"]["all"]["overdue"] == 0
    with time_machine.travel(
        datetime.datetime(2026, 10, 31, 16, 30, tzinfo=datetime.timezone.utc), tick=False
    ):
        assert tracking_report()["totals"]["all"]["overdue"] == 1


def test_pdf_lists_both_units_and_marks_the_overdue_item(data):
    with time_machine.travel(NOW, tick=False):
        content = tracking_report_pdf()
    text = pdf_text(content)
    joined = flat(text)
    assert "提升服務品質執行小組 季列管報告" in text
    assert "115 年第 4 季" in text
    assert "115/11/25 10:30:00" in joined  # generated, Taipei time, ROC date
    assert "第 1 頁／共" in text
    assert "企劃推廣組" in text and "閱覽典藏組" in text
    assert joined.index("企劃推廣組（") < joined.index("閱覽典藏組（")  # unit sections in sort order
    assert data["executing"].case_number in joined
    assert "自助借書機增設中文語音導引" in joined and "115 年第 4 季" in joined and "40%" in joined
    # 「逾期」 right next to the overdue finding's due date, in its own row, and nowhere else.
    overdue, on_time = data["overdue"], data["on_time"]
    row = joined[joined.index(overdue.tracking_number) :]
    assert re.match(
        rf"{re.escape(overdue.tracking_number)}\s*教育部／115 年度服務品質考核\s*缺失\s*115/10/31\s*逾期", row
    ), row[:80]
    row = joined[joined.index(on_time.tracking_number) :]
    assert "逾期" not in row[: row.index("研擬改善措施")]
    # Closed items are left out.
    # (Proposal case numbers and finding tracking numbers share the 115-NNNN form.)
    assert "館藏查詢系統改版" not in joined and "已結案" not in joined
    assert (
        data["closed"].case_number
        not in joined.split("創意提案（執行中／成效評估中）", 2)[2].split("上級機關考核意見")[0]
    )
    assert data["gone"].tracking_number not in joined and "已解除列管" not in joined


@pytest.mark.parametrize("login", ["tracking", "director", "deputy", "auditor"])
def test_tracking_director_and_auditor_download_it(data, login_as, login):
    with time_machine.travel(NOW, tick=False):
        response = login_as(login).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert quote("季列管報告-115年第4季.pdf") in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("login", ["readers-head", "readers-staff1", "readers-liaison"])
def test_units_may_not_download_it(org, login_as, login):
    assert login_as(login).get(URL).status_code == 403


def test_anonymous_is_sent_to_login(org, client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_finding_list_links_to_it_for_those_allowed(org, login_as):
    assert "下載季列管報告（PDF）" in login_as("tracking").get("/audits/findings/").content.decode()
    assert URL in login_as("auditor").get("/audits/findings/").content.decode()
    assert (
        "下載季列管報告（PDF）" not in login_as("readers-head").get("/audits/findings/unit/").content.decode()
    )
