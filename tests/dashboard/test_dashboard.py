"""The dashboard (管考儀表板): its figures equal what the data says, counted here case by
case; a unit head sees only the unit's figures; staff are refused; charts are well-formed
SVG followed by the same figures as tables; the queries do not grow with the data.

The world: proposals in several states and units (driven over HTTP as the real roles),
findings registered in 114 and 115 with two overdue and three closed (time-travelled), and
the 115 plan with two versions and its quarterly reports (rows). Today is 115/05/10.
"""

import datetime
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audits.models import Finding
from dashboard import selectors as dashboard
from governance.demo import seed_organisation
from governance.models import Membership, Unit
from governance.permissions import sync_unit_permissions
from governance.rocdate import TAIPEI, quarter_label
from plan.models import Plan, PlanArea, PlanDeadline, PlanItem, PlanPractice, PlanVersion, PracticeReport
from proposals.models import Proposal
from tests.helpers import default_configuration, frozen_at, unit, user
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.proposal_http import Driver, scored

NOW = datetime.datetime(2026, 5, 10, 10, 0, tzinfo=TAIPEI)  # 115/05/10, second quarter
TODAY = NOW.date()
HIGH = {"創意性": 92, "可行性": 88, "效益性": 90, "完整性": 85}  # 89.35: 優等
TOP = {"創意性": 95, "可行性": 95, "效益性": 95, "完整性": 95}  # 特優
LOW = {"創意性": 70, "可行性": 70, "效益性": 70, "完整性": 70}  # no grade
PANEL = ("committee1", "committee2")
URL = "/dashboard/"


def close_self_tracked(drive, finding):
    drive.plan(finding)
    drive.approve_plan(finding)
    drive.progress(finding, 100, "改善完成", propose=True)
    drive.request_removal(finding)
    assert finding.state == Finding.State.CLOSED


def build_proposals(drive):
    with frozen_at(datetime.date(2025, 12, 20)):  # 114: submitted then, decided in 115
        p0 = drive.submit("reference-staff1", title="特藏文獻線上預約調閱")
        drive.first_review("reference-head", p0, "accepted")
        scored(drive, p0, members=PANEL, values=HIGH)
    with frozen_at(datetime.date(2026, 1, 10)):
        drive.decide(p0, "adopt", lead_unit=unit("reference"), due="2026-12-31")
    with frozen_at(datetime.date(2026, 1, 20)):  # 115 Q1
        p6 = drive.submit("readers-staff1", title="自修室座位線上登記")
        drive.first_review("readers-head", p6, "accepted")
    with frozen_at(datetime.date(2026, 4, 15)):  # 115 Q2
        p1 = drive.submit("readers-staff1", title="自助借書機中文語音導引")
        drive.first_review("readers-head", p1, "accepted")
        scored(drive, p1, members=PANEL, values=HIGH)
        drive.decide(p1, "adopt", lead_unit=unit("readers"), due="2026-12-31")
        p2 = drive.submit("readers-staff2", title="期刊架位標示改善")
        drive.first_review("readers-head", p2, "accepted")
        scored(drive, p2, members=PANEL, values=LOW)
        drive.decide(p2, "reject", reason="效益有限")
        p3 = drive.submit("acquisitions-staff1", title="編目作業抽檢機制")
        drive.first_review("acquisitions-head", p3, "accepted")
        scored(drive, p3, members=PANEL, values=TOP)
        drive.decide(p3, "reference", reason="列為參考")
        p4 = drive.submit("acquisitions-staff2", title="新書通報電子報")
        p5 = drive.submit("planning-staff1", title="只是抱怨冷氣太冷")
        drive.first_review("planning-head", p5, "not_accepted", reason_code="complaint_only")
    states = {p.title: Proposal.objects.get(pk=p.pk).state for p in (p0, p1, p2, p3, p4, p5, p6)}
    assert states == {
        "特藏文獻線上預約調閱": "executing",
        "自助借書機中文語音導引": "executing",
        "期刊架位標示改善": "rejected",
        "編目作業抽檢機制": "reference",
        "新書通報電子報": "first_review",
        "只是抱怨冷氣太冷": "not_accepted",
        "自修室座位線上登記": "second_review",
    }


def build_findings(drive):
    with frozen_at(
        datetime.date(2025, 11, 3)
    ):  # 114: one still open (overdue since 115/01/02), one closed in 114
        audit = drive.register(
            [
                finding_fields(0, lead="readers", due=60),
                finding_fields(1, kind="recommendation", lead="reference", due=30, self_tracked=True),
            ],
            title="114 年度服務品質考核",
        )
        _old_open, old_closed = drive.findings(audit)
    with frozen_at(datetime.date(2025, 11, 13)):
        close_self_tracked(drive, old_closed)
    with frozen_at(datetime.date(2026, 2, 2)):  # 115 Q1
        audit = drive.register(
            [
                finding_fields(0, lead="readers", due=30),  # overdue since 115/03/04
                finding_fields(1, kind="recommendation", lead="reference", due=90, self_tracked=True),
                finding_fields(2, lead="acquisitions", due=200),
                finding_fields(3, kind="observation", lead="readers", due=60, self_tracked=True),
            ]
        )
        _f1, f2, _f3, f4 = drive.findings(audit)
    with frozen_at(datetime.date(2026, 2, 14)):
        close_self_tracked(drive, f2)  # 22 days after the audit (held ten days before 2/2)
    with frozen_at(datetime.date(2026, 2, 22)):
        close_self_tracked(drive, f4)  # 30 days


def build_plan():
    """The 115 plan, revised once; reports follow a practice across versions by its key."""
    officer = user("tracking")
    plan = Plan.objects.create(roc_year=115, title="115 年提升服務品質執行計畫")
    practices = {}
    for number in (1, 2):
        version = PlanVersion.objects.create(plan=plan, number=number, created_by=officer)
        area = PlanArea.objects.create(version=version, number="一", title="服務流程")
        item = PlanItem.objects.create(
            area=area, dimension="（一）服務流程便捷性", number="1.", title="單一窗口服務全功能程度"
        )
        specs = [("p-1.1", "1.1", ["readers", "planning"], [(3, 31), (6, 30), (9, 30), (12, 31)])]
        if number == 2:
            specs += [
                ("p-1.2", "1.2", ["acquisitions"], [(3, 31)]),
                ("p-2.1", "2.1", ["reference"], [(6, 30)]),
            ]
        for sort, (key, label, units, deadlines) in enumerate(specs):
            practice = PlanPractice.objects.create(
                item=item, key=key, number=label, sort_order=sort, text=f"推動作法 {label}：簡化申辦流程"
            )
            practice.units.set([unit(code) for code in units])
            for month, day in deadlines:
                PlanDeadline.objects.create(practice=practice, due_date=datetime.date(2026, month, day))
            practices[(number, key)] = practice

    def report(practice, code, period, state):
        PracticeReport.objects.create(
            practice=practice,
            unit=unit(code),
            period=period,
            text="依進度辦理",
            status=PracticeReport.Status.ON_TRACK,
            state=state,
            submitted_by=user(f"{code}-liaison"),
        )

    confirmed, submitted = PracticeReport.State.CONFIRMED, PracticeReport.State.SUBMITTED
    report(practices[(1, "p-1.1")], "readers", "115Q1", confirmed)  # made on version 1
    report(practices[(2, "p-1.1")], "planning", "115Q1", submitted)  # not confirmed: late
    report(practices[(2, "p-1.2")], "acquisitions", "115Q1", confirmed)
    # Another year's plan with the same key: its confirmations do not count for 115's.
    other = Plan.objects.create(roc_year=114, title="114 年提升服務品質執行計畫")
    area = PlanArea.objects.create(
        version=PlanVersion.objects.create(plan=other, number=1), number="一", title="服務流程"
    )
    old = PlanPractice.objects.create(
        item=PlanItem.objects.create(area=area, title="單一窗口"), key="p-1.1", number="1.1", text="舊作法"
    )
    report(old, "planning", "115Q1", confirmed)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The world, built once for the module (it takes a while over HTTP) in a transaction
    rolled back at the end; each test runs in a savepoint within it (the `db` fixture)."""
    with django_db_blocker.unblock(), transaction.atomic():
        default_configuration()
        seed_organisation()
        client = Client()
        build_proposals(Driver(client, user))
        build_findings(AuditDriver(client, user))
        build_plan()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def world(built, db, frozen):
    """The world on its day (NOW), each test in a savepoint."""


# ---------------------------------------------------------------- counted here, case by case


def expected(period, units=None):
    """The figures as the definitions say, one case at a time, without GROUP BY."""

    def mine(unit_id):
        return units is None or unit_id in units

    def in_period(moment):
        return moment is not None and period.start <= moment.astimezone(TAIPEI).date() <= period.end

    uncounted = {"draft", "withdrawn", "not_accepted"}
    proposals, adoption, grades = {}, {}, {}
    for p in Proposal.objects.all():
        if not mine(p.unit_id):
            continue
        if in_period(p.submitted_at) and p.state not in uncounted:
            proposals.setdefault(p.unit_id, {}).setdefault(p.state, 0)
            proposals[p.unit_id][p.state] += 1
            if p.weighted_total is not None:
                grades[p.grade or "未達等第"] = grades.get(p.grade or "未達等第", 0) + 1
        if in_period(p.decided_at):
            entry = adoption.setdefault(p.unit_id, [0, 0])
            entry[0] += 1
            entry[1] += p.decision == "adopt"
    findings = {}
    for f in Finding.objects.all():
        if not mine(f.lead_unit_id):
            continue
        if f.audit.held_on > period.end:
            continue
        if f.state == "closed" and f.closed_on < period.start:
            continue
        entry = findings.setdefault(
            f.lead_unit_id, {"overdue": 0, "open_in_time": 0, "closed": 0, "days": []}
        )
        if f.state == "closed":
            entry["closed"] += 1
            entry["days"].append((f.closed_on - f.audit.held_on).days)
        elif f.due_date < TODAY:
            entry["overdue"] += 1
        else:
            entry["open_in_time"] += 1
    practices = {}
    version = PlanVersion.objects.filter(plan__roc_year=period.year).order_by("-number").first()
    if version:
        for practice in PlanPractice.objects.filter(item__area__version=version):
            dues = [d.due_date for d in practice.deadlines.all() if period.start <= d.due_date <= period.end]
            for u in practice.units.all():
                if not dues or not mine(u.pk):
                    continue
                late = any(
                    d < TODAY
                    and not PracticeReport.objects.filter(
                        practice__key=practice.key,
                        practice__item__area__version__plan=version.plan,
                        unit=u,
                        period=quarter_label(d),
                        state="confirmed",
                    )
                    .exclude(status="behind")
                    .exists()
                    for d in dues
                )
                entry = practices.setdefault(u.pk, {"late": 0, "on_track": 0})
                entry["late" if late else "on_track"] += 1
    return {
        "proposals": proposals,
        "adoption": adoption,
        "grades": grades,
        "findings": findings,
        "practices": practices,
    }


def actual(figures):
    states = [value for value, _label in figures["proposals"]["states"]]
    return {
        "proposals": {
            r["unit"].pk: {s: n for s, n in zip(states, r["counts"], strict=False) if n}
            for r in figures["proposals"]["rows"]
            if r["total"]
        },
        "adoption": {
            r["unit"].pk: [r["decided"], r["adopted"]] for r in figures["adoption"]["rows"] if r["decided"]
        },
        "grades": {r["grade"]: r["count"] for r in figures["grades"]["rows"] if r["count"]},
        "findings": {
            r["unit"].pk: {
                "overdue": r["overdue"],
                "open_in_time": r["open_in_time"],
                "closed": r["closed"],
                "days": r["average_days_to_close"],
            }
            for r in figures["findings"]["rows"]
            if r["total"]
        },
        "practices": {
            r["unit"].pk: {"late": r["late"], "on_track": r["on_track"]}
            for r in figures["practices"]["rows"]
            if r["total"]
        },
    }


def comparable(counted):
    findings = {
        pk: {
            **{k: v for k, v in e.items() if k != "days"},
            "days": round(sum(e["days"]) / len(e["days"]), 1) if e["days"] else None,
        }
        for pk, e in counted["findings"].items()
    }
    return {**counted, "findings": findings}


@pytest.mark.parametrize("quarter", [None, 1, 2, 3])
def test_figures_equal_the_cases_counted_one_by_one(world, quarter):
    period = dashboard.period_of(115, quarter)
    assert actual(dashboard.figures(period)) == comparable(expected(period))


def test_the_year_in_numbers(world):
    figures = dashboard.figures(dashboard.period_of(115))
    by = {
        name: {r["unit"].code: r for r in figures[name]["rows"]}
        for name in ("proposals", "adoption", "findings", "practices")
    }
    states = [value for value, _label in figures["proposals"]["states"]]
    readers = dict(zip(states, by["proposals"]["readers"]["counts"], strict=False))
    assert (readers["executing"], readers["rejected"], readers["second_review"]) == (1, 1, 1)
    assert figures["proposals"]["total"] == 5 and figures["proposals"]["not_accepted"] == 1
    assert by["proposals"]["reference"]["total"] == 0  # submitted in 114
    # Decisions made in 115: the 114 proposal's adoption counts here.
    assert (figures["adoption"]["decided"], figures["adoption"]["adopted"], figures["adoption"]["rate"]) == (
        4,
        2,
        50.0,
    )
    assert by["adoption"]["reference"]["rate"] == 100.0 and by["adoption"]["acquisitions"]["rate"] == 0.0
    assert by["adoption"]["planning"]["rate"] is None  # nothing decided
    assert [(r["grade"], r["count"]) for r in figures["grades"]["rows"]] == [
        ("特優", 1),
        ("優等", 1),
        ("甲等", 0),
        ("未達等第", 1),
    ]
    findings = figures["findings"]["totals"]
    assert (findings["overdue"], findings["open_in_time"], findings["closed"], findings["total"]) == (
        2,
        1,
        2,
        5,
    )
    assert findings["average_days_to_close"] == 26.0
    assert by["findings"]["readers"]["average_days_to_close"] == 30.0
    assert by["findings"]["reference"]["average_days_to_close"] == 22.0
    assert figures["practices"]["totals"] == {"late": 1, "on_track": 3, "total": 4}
    [late] = figures["practices"]["late"]
    assert (late["number"], late["unit"].code, late["missed"]) == (
        "1.1",
        "planning",
        [datetime.date(2026, 3, 31)],
    )
    # Every unit of the agency has its row, zeros included, in the units' order.
    assert [u.code for u in figures["units"]] == list(Unit.objects.values_list("code", flat=True))


def test_a_report_confirmed_as_behind_is_late(world):
    period = dashboard.period_of(115)
    PracticeReport.objects.filter(unit=unit("acquisitions"), period="115Q1").update(
        status=PracticeReport.Status.BEHIND
    )
    figures = dashboard.figures(period)
    assert actual(figures) == comparable(expected(period))
    assert figures["practices"]["totals"] == {"late": 2, "on_track": 2, "total": 4}
    assert {(late["number"], late["unit"].code) for late in figures["practices"]["late"]} == {
        ("1.1", "planning"),
        ("1.2", "acquisitions"),
    }


def test_a_quarter_counts_only_its_own(world):
    q2 = dashboard.figures(dashboard.period_of(115, 2))
    assert q2["proposals"]["total"] == 4 and q2["adoption"]["rate"] == 33.3
    assert q2["findings"]["totals"]["closed"] == 0 and q2["findings"]["totals"]["overdue"] == 2
    # Deadlines of the second quarter have not passed yet; 1.2 has none in it.
    assert q2["practices"]["totals"] == {"late": 0, "on_track": 3, "total": 3}
    none = dashboard.figures(dashboard.period_of(113))
    assert none["practices"]["version"] is None and none["proposals"]["total"] == 0


def test_a_unit_filter_keeps_only_that_units_figures(world):
    readers = unit("readers")
    period = dashboard.period_of(115)
    figures = dashboard.figures(period, [readers.pk])
    assert [u.code for u in figures["units"]] == ["readers"]
    assert actual(figures) == comparable(expected(period, units={readers.pk}))
    assert figures["findings"]["totals"]["total"] == 3 and figures["proposals"]["total"] == 3
    assert figures["practices"]["totals"] == {"late": 0, "on_track": 1, "total": 1}


def test_queries_do_not_grow_with_units_or_cases(world, client):
    period = dashboard.period_of(115)
    with CaptureQueriesContext(connection) as before:
        dashboard.figures(period)
    drive = Driver(client, user)
    for code in ("secretariat", "accounting", "personnel"):
        p = drive.submit(f"{code}-staff1", title=f"{code} 流程改善")
        drive.first_review(f"{code}-head", p, "accepted")
    AuditDriver(client, user).register(
        [
            finding_fields(i, lead=c)
            for i, c in enumerate(("secretariat", "accounting", "personnel", "chungshan"))
        ]
    )
    practice = PlanPractice.objects.get(key="p-1.2", item__area__version__number=2)
    practice.units.add(unit("secretariat"), unit("chungshan"))
    with CaptureQueriesContext(connection) as after:
        figures = dashboard.figures(period)
    assert figures["proposals"]["total"] == 8 and figures["findings"]["totals"]["total"] == 9
    assert len(after) == len(before) <= 12, [q["sql"] for q in after]


# ---------------------------------------------------------------- who sees what


class Tables(HTMLParser):
    """The page's tables by caption: each a list of rows of cell texts."""

    def __init__(self, html):
        super().__init__()
        self.tables, self._rows, self._cell, self._caption = {}, None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows = []
        elif tag == "caption":
            self._caption = ""
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(self._cell.strip())
            self._cell = None
        elif tag == "caption":
            self._title, self._caption = self._caption.strip(), None
        elif tag == "table" and self._rows is not None:
            self.tables[self._title] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def page(client, login, **query):
    client.force_login(user(login))
    response = client.get(URL, query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def svgs(html):
    return [ET.fromstring(s) for s in re.findall(r"<svg .*?</svg>", html, re.S)]


def test_the_director_sees_every_unit_as_charts_and_tables(world, client):
    html = page(client, "director")
    tables = Tables(html).tables
    findings = tables["資料表：考核意見：列管中、逾期、已解除列管"]
    assert findings[0] == ["主辦單位", "逾期", "列管中（未逾期）", "已解除列管", "合計"]
    rows = {row[0]: row[1:] for row in findings[1:]}
    assert rows["閱覽典藏組"] == ["2", "0", "1", "3"] and rows["參考特藏組"] == ["0", "0", "1", "1"]
    assert rows["合計"] == ["2", "1", "2", "5"]
    assert len(rows) == Unit.objects.count() + 1
    adoption = {row[0]: row[1:] for row in tables["資料表：採行率：採行件數／已作採行決定件數"][1:]}
    assert adoption["閱覽典藏組"] == ["2", "1", "50%"] and adoption["企劃推廣組"] == ["0", "0", "—"]
    assert adoption["合計"] == ["4", "2", "50%"]
    grades = {row[0]: row[1:] for row in tables["資料表：等第分布"][1:]}
    assert grades["特優"] == ["1", "33.3%"] and grades["未達等第"] == ["1", "33.3%"]
    days = {row[0]: row[1:] for row in tables["資料表：平均結案天數：自考核至解除列管"][1:]}
    assert days["閱覽典藏組"] == ["1", "30"] and days["合計"] == ["2", "26"]
    practices = {row[0]: row[1:] for row in tables["資料表：服務品質計畫推動作法：如期與落後"][1:]}
    assert practices["企劃推廣組"] == ["1", "0", "1"] and practices["合計"] == ["1", "3", "4"]
    late = tables["期限已過而季報未經主管確認"]
    assert late[1] == ["1.1", "推動作法 1.1：簡化申辦流程", "企劃推廣組", "115/03/31"]
    # A late practice opens the report its unit owes for that quarter.
    assert re.search(
        rf'href="/plan/reports/practices/\d+/units/{unit("planning").pk}/115Q1/">推動作法 1.1', html
    )
    proposals = {row[0]: row[1:] for row in tables["資料表：提案件數：各單位、各狀態"][1:]}
    assert proposals["閱覽典藏組"][-1] == "3" and proposals["合計"][-1] == "5"
    # Six charts, each an image with its name, title and description, well-formed XML.
    charts = svgs(html)
    titles = [c.find("{http://www.w3.org/2000/svg}title").text for c in charts]
    assert titles == [
        "各單位提案件數（依狀態）",
        "各單位採行率",
        "複審等第分布",
        "各單位考核意見列管情形",
        "各單位平均結案天數",
        "各單位推動作法辦理進度",
    ]
    assert all(c.get("role") == "img" and c.get("aria-label") for c in charts)
    # The figures link to the lists behind them.
    readers = unit("readers").pk
    assert f'href="/proposals/all/?unit={readers}&amp;year=115"' in html
    assert f'href="/audits/findings/?unit={readers}&amp;overdue=on"' in html
    assert "另有不予受理 1 件，不列入統計" in html
    # Each count of a unit and a state opens the list of exactly those proposals.
    from proposals.models import Proposal

    columns = tables["資料表：提案件數：各單位、各狀態"][0][1:-1]
    states = {str(label): value for value, label in Proposal.State.choices}
    for label, count in zip(columns, proposals["閱覽典藏組"][:-1], strict=False):
        if count == "0":
            continue
        url = f"/proposals/all/?unit={readers}&year=115&state={states[label]}"
        assert f'href="{url.replace("&", "&amp;")}"' in html, label
        listed = client.get(url).content.decode()
        assert f"計 {count} 件" in listed, (label, count)


@pytest.mark.parametrize("login", ["deputy", "tracking"])
def test_the_deputy_and_the_tracking_office_see_the_whole_agency(world, client, login):
    html = page(client, login)
    rows = Tables(html).tables["資料表：考核意見：列管中、逾期、已解除列管"]
    assert {r[0] for r in rows[1:]} >= {"閱覽典藏組", "參考特藏組", "採訪編目組", "合計"}


def test_a_unit_head_sees_only_the_units_figures(world, client):
    html = page(client, "readers-head")
    for other in Unit.objects.exclude(code="readers"):
        assert other.name not in html, other.name
    tables = Tables(html).tables
    findings = tables["資料表：考核意見：列管中、逾期、已解除列管"]
    assert [r[0] for r in findings[1:]] == ["閱覽典藏組", "合計"]
    assert findings[2] == ["合計", "2", "0", "1", "3"]  # not the agency's 5
    adoption = tables["資料表：採行率：採行件數／已作採行決定件數"]
    assert adoption[2] == ["合計", "2", "1", "50%"]  # not the agency's 4 and 2
    grades = {row[0]: row[1] for row in tables["資料表：等第分布"][1:]}
    assert grades["特優"] == "0" and grades["優等"] == "1"  # 特優 is another unit's
    assert "期限已過而季報未經主管確認" not in tables  # the late practice is 企劃推廣組's
    assert "/proposals/unit/?unit=" in html and "/proposals/all/?unit=" not in html
    # Asking for another unit does not show it: a head of one unit has no unit to choose.
    html = page(client, "readers-head", unit=unit("acquisitions").pk)
    assert "採訪編目組" not in html and "編目作業" not in html


def test_a_head_of_two_units_chooses_between_them_but_no_other(world, client):
    head = user("readers-head")
    Membership.objects.create(
        user=head, unit=unit("reference"), role="head", valid_from=datetime.date(2013, 1, 1)
    )
    sync_unit_permissions(head, TODAY)
    html = page(client, "readers-head")
    rows = Tables(html).tables["資料表：平均結案天數：自考核至解除列管"]
    assert [r[0] for r in rows[1:]] == ["閱覽典藏組", "參考特藏組", "合計"]
    assert rows[3] == ["合計", "2", "26"]
    assert "我主管的全部單位" in html and "採訪編目組" not in html
    html = page(client, "readers-head", unit=unit("reference").pk)
    assert [r[0] for r in Tables(html).tables["資料表：平均結案天數：自考核至解除列管"][1:]] == [
        "參考特藏組",
        "合計",
    ]
    html = page(client, "readers-head", unit=unit("acquisitions").pk)
    assert "選擇有效的選項" in html and "資料表" not in html and "採訪編目組" not in html


@pytest.mark.parametrize(
    "login", ["readers-staff1", "readers-liaison", "committee1", "external1", "hr", "auditor"]
)
def test_everyone_else_is_refused(world, client, login):
    client.force_login(user(login))
    assert client.get(URL).status_code == 403


def test_anonymous_people_are_sent_to_log_in(world, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_filter_takes_roc_or_ad_years_and_quarters(world, client):
    html = page(client, "director", year="2026", quarter="2")
    assert "115 年第 2 季" in html and "115/04/01–115/06/30" in html
    proposals = Tables(html).tables["資料表：提案件數：各單位、各狀態"]
    assert proposals[-1][-1] == "4"
    html = page(client, "director", unit=unit("acquisitions").pk)
    rows = Tables(html).tables["資料表：提案件數：各單位、各狀態"]
    assert [r[0] for r in rows[1:]] == ["採訪編目組", "合計"]


def test_bad_filters_say_why_and_show_no_figures(world, client):
    html = page(client, "director", year="去年")
    assert "無法辨識" in html and "資料表" not in html and "<svg" not in html
    html = page(client, "director", year="115", quarter="5")
    assert "選擇有效的選項" in html and "資料表" not in html
    html = page(client, "director", year="115", unit="not-a-number")
    assert "資料表" not in html


def test_a_year_without_data_says_so(world, client):
    html = page(client, "director", year="113")
    assert "這個期間沒有送出的提案。" in html and "這一年度尚未建立服務品質執行計畫。" in html
    assert "<svg" not in html


def test_chart_labels_are_escaped(world, client):
    Unit.objects.filter(code="readers").update(name='閱覽<典藏>組 & "讀者"')
    html = page(client, "director")
    assert "<典藏>" not in html
    for chart in svgs(html):  # still well-formed
        assert chart.get("role") == "img"
    assert any(
        '閱覽<典藏>組 & "讀者"' in (t.text or "")
        for c in svgs(html)
        for t in c.iter("{http://www.w3.org/2000/svg}text")
    )


def test_every_counted_proposal_state_has_its_colour():
    from dashboard.views import STATE_COLOURS

    assert set(STATE_COLOURS) == {s.value for s in dashboard.PROPOSAL_STATES}
