"""The dashboard page (管考儀表板): the figures of a period as charts, each followed by the
same figures as a table, with the list behind them one click away.

The director, the deputy and the 管考 office see the whole agency (and may pick a unit);
a unit head sees only their unit(s); anyone else is refused (dashboard.selectors).
"""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits import selectors as audit_selectors
from audits import services as audit_services
from governance import inbox as inbox_selectors
from governance import todo
from governance.documents import pdf_response
from governance.models import Unit
from governance.periods import YearField
from governance.permissions import can, can_anywhere, is_overseer
from governance.rocdate import format_roc_short, quarter_label, roc_year, today_taipei
from governance.roles import UNIT_SCOPED, Capability
from governance.selectors import person_profile
from meetings import services as meetings
from plan import practice_reports
from proposals import selectors as proposal_selectors

from . import charts, selectors
from .tracking_report import may_download_tracking_report, tracking_report_document

QUARTERS = [
    ("", gettext_lazy("全年度")),
    ("1", gettext_lazy("第 1 季（1–3 月）")),
    ("2", gettext_lazy("第 2 季（4–6 月）")),
    ("3", gettext_lazy("第 3 季（7–9 月）")),
    ("4", gettext_lazy("第 4 季（10–12 月）")),
]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DashboardFilterForm(forms.Form):
    year = YearField(label=gettext_lazy("年度"))
    quarter = forms.ChoiceField(label=gettext_lazy("季別"), choices=QUARTERS, required=False)
    unit = UnitChoiceField(label=gettext_lazy("單位"), queryset=None, required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        if len(scope.units) == 1 and not scope.agency:
            del self.fields["unit"]  # a head of one unit has nothing to choose
        else:
            self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in scope.units]).order_by(
                "sort_order", "code"
            )
            self.fields["unit"].empty_label = _("全部單位") if scope.agency else _("我主管的全部單位")

    @classmethod
    def from_query(cls, query, **kwargs):
        """Bound to the query string; with no year in it, the current ROC year."""
        data = query.copy()
        if not data.get("year"):
            data["year"] = str(roc_year(today_taipei()))
        return cls(data, **kwargs)

    def clean(self):
        data = super().clean()
        if "year" in data:
            data["period"] = selectors.period_of(data["year"], int(data.get("quarter") or 0))
        return data


@login_required
def dashboard(request):
    scope = selectors.scope_of(request.user)
    if scope is None:
        raise PermissionDenied
    form = DashboardFilterForm.from_query(request.GET, scope=scope)
    ctx = {"form": form, "scope": scope, "today": today_taipei()}
    if form.is_valid():
        period, unit = form.cleaned_data["period"], form.cleaned_data.get("unit")
        if unit is not None:
            unit_ids = [unit.pk]
        else:
            unit_ids = None if scope.agency else [u.pk for u in scope.units]
        data = selectors.figures(period, unit_ids)
        links = _Links(scope, period)
        ctx.update(
            {
                "period": period,
                "unit": unit,
                "data": data,
                "summary": _summary(data),
                "sections": [
                    _proposals_section(data, links),
                    _adoption_section(data, links),
                    _grades_section(data),
                    _findings_section(data, links),
                    _days_section(data, links),
                    _practices_section(data),
                ],
            }
        )
    return render(request, "dashboard/dashboard.html", ctx)


# ---------------------------------------------------------------- what the page shows
# Each section: a chart and a table of the same figures. A table is columns, then rows of
# a header cell (a unit, linked to its list where there is one) and number cells.


class _Links:
    """The lists behind the figures: the agency-wide lists, or the unit's own."""

    def __init__(self, scope, period):
        self.agency, self.year = scope.agency, period.year
        # The proposals list filters by year: its rows match a cell only for a whole year.
        self.whole_year = not period.quarter
        # Reversed once: a page links every cell of every unit (hundreds of links).
        self.proposal_list = reverse("proposals:all" if self.agency else "proposals:unit")
        self.finding_list = reverse("audits:findings" if self.agency else "audits:unit_findings")

    def proposals(self, unit, state=None):
        query = {"unit": unit.pk, "year": self.year, **({"state": state} if state else {})}
        return f"{self.proposal_list}?{urlencode(query)}"

    def proposals_in_state(self, unit, state, count):
        return self.proposals(unit, state) if count and self.whole_year else ""

    def findings(self, unit, overdue=False):
        query = {"unit": unit.pk, **({"overdue": "on"} if overdue else {})}
        return f"{self.finding_list}?{urlencode(query)}"


def _n(value, suffix=""):
    return "—" if value is None else f"{value:g}{suffix}"


def _cell(value, suffix="", url="", emphasis=False):
    return {"text": _n(value, suffix), "url": url, "emphasis": emphasis and bool(value)}


def _summary(data):
    proposals, adoption = data["proposals"], data["adoption"]
    findings, practices = data["findings"]["totals"], data["practices"]
    return [
        {
            "anchor": "fig-proposals",
            "label": _("提案件數"),
            "value": _n(proposals["total"]),
            "note": _("另有不予受理 %(n)s 件，不列入統計") % {"n": proposals["not_accepted"]}
            if proposals["not_accepted"]
            else "",
        },
        {
            "anchor": "fig-adoption",
            "label": _("採行率"),
            "value": _n(adoption["rate"], "%"),
            "note": _("已決定 %(d)s 件，採行 %(a)s 件")
            % {"d": adoption["decided"], "a": adoption["adopted"]},
        },
        {
            "anchor": "fig-findings",
            "label": _("列管中考核意見"),
            "value": _n(findings["open"]),
            "note": _("其中逾期 %(n)s 項") % {"n": findings["overdue"]},
            "alert": bool(findings["overdue"]),
        },
        {
            "anchor": "fig-days",
            "label": _("平均結案天數"),
            "value": _n(findings["average_days_to_close"]),
            "note": _("已解除列管 %(n)s 項") % {"n": findings["closed"]},
        },
        {
            "anchor": "fig-practices",
            "label": _("推動作法落後"),
            "value": _n(practices["totals"]["late"]) if practices["version"] else "—",
            "note": _("共 %(n)s 項（推動作法與承辦單位）") % {"n": practices["totals"]["total"]}
            if practices["version"]
            else _("本年度尚無計畫"),
            "alert": bool(practices["totals"]["late"]),
        },
    ]


# Neighbours in the stack differ in hue and lightness; the end states read as such.
STATE_COLOURS = {
    "first_review": charts.BLUE,
    "returned": charts.AMBER,
    "second_review": charts.PURPLE,
    "awaiting_decision": charts.BROWN,
    "reference": charts.GREY,
    "rejected": charts.RED,
    "executing": charts.TEAL,
    "evaluating": charts.PINK,
    "closed": charts.GREEN,
}


def _proposals_section(data, links):
    figure = data["proposals"]
    labels = [str(label) for _value, label in figure["states"]]
    rows = figure["rows"]
    chart = None
    if figure["total"]:
        chart = charts.stacked_bar_chart(
            chart_id="proposals",
            title=_("各單位提案件數（依狀態）"),
            labels=[r["unit"].name for r in rows],
            series=[
                charts.Series(label, tuple(r["counts"][i] for r in rows), STATE_COLOURS[value])
                for i, (value, label) in enumerate(figure["states"])
            ],
        )
    return {
        "id": "fig-proposals",
        "title": _("提案件數：各單位、各狀態"),
        "note": _("期間內送出的提案，依目前狀態；草稿、撤回與不予受理不列入。點選單位可看提案清單。"),
        "chart": chart,
        "empty": _("這個期間沒有送出的提案。"),
        "columns": [_("提案單位"), *labels, _("合計")],
        "rows": [
            {
                "header": r["unit"].name,
                "url": links.proposals(r["unit"]),
                "cells": [
                    _cell(n, url=links.proposals_in_state(r["unit"], value, n))
                    for n, (value, _label) in zip(r["counts"], figure["states"], strict=False)
                ]
                + [_cell(r["total"])],
            }
            for r in rows
        ],
        "footer": [_cell(n) for n in figure["totals"]] + [_cell(figure["total"])],
    }


def _rate_label(rate, adopted, decided):
    if not decided:
        return _("—（無決定）")
    return _("%(rate)s%%（%(adopted)s/%(decided)s）") % {
        "rate": f"{rate:g}",
        "adopted": adopted,
        "decided": decided,
    }


def _adoption_section(data, links):
    figure = data["adoption"]
    rows = figure["rows"]
    chart = None
    if figure["decided"]:
        labels = [r["unit"].name for r in rows] + [_("合計")]
        rates = [r["rate"] for r in rows] + [figure["rate"]]
        chart = charts.bar_chart(
            title=_("各單位採行率"),
            labels=labels,
            values=rates,
            top=100,
            suffix="%",
            value_labels=[_rate_label(r["rate"], r["adopted"], r["decided"]) for r in rows]
            + [_rate_label(figure["rate"], figure["adopted"], figure["decided"])],
            colour=charts.GREEN,
        )
    return {
        "id": "fig-adoption",
        "title": _("採行率：採行件數／已作採行決定件數"),
        "note": _("期間內作成採行決定（採行、參考、不採行）的提案中，決定採行的比例。"),
        "chart": chart,
        "empty": _("這個期間沒有作成採行決定的提案。"),
        "columns": [_("提案單位"), _("已決定"), _("採行"), _("採行率")],
        "rows": [
            {
                "header": r["unit"].name,
                "url": links.proposals(r["unit"]),
                "cells": [_cell(r["decided"]), _cell(r["adopted"]), _cell(r["rate"], "%")],
            }
            for r in rows
        ],
        "footer": [_cell(figure["decided"]), _cell(figure["adopted"]), _cell(figure["rate"], "%")],
    }


def _grades_section(data):
    figure = data["grades"]
    rows = figure["rows"]
    colours = [charts.BLUE, charts.TEAL, charts.PURPLE, charts.AMBER, charts.PINK, charts.BROWN, charts.GREEN]
    chart = None
    if figure["total"]:
        series = [
            charts.Series(r["grade"], (r["count"],), colours[i % len(colours)])
            for i, r in enumerate(rows[:-1])
        ]
        series.append(charts.Series(rows[-1]["grade"], (rows[-1]["count"],), charts.GREY))
        chart = charts.donut_chart(
            chart_id="grades",
            title=_("複審等第分布"),
            series=series,
            centre=_("計 %(n)s 件") % {"n": figure["total"]},
        )
    return {
        "id": "fig-grades",
        "title": _("等第分布"),
        "note": _("期間內送出、已完成複審的提案，依等第；未達最低等第者列為「未達等第」。"),
        "chart": chart,
        "empty": _("這個期間送出的提案尚無完成複審者。"),
        "columns": [_("等第"), _("件數"), _("比例")],
        "rows": [
            {"header": r["grade"], "url": "", "cells": [_cell(r["count"]), _cell(r["share"], "%")]}
            for r in rows
        ],
        "footer": [_cell(figure["total"]), _cell(100 if figure["total"] else None, "%")],
    }


def _findings_section(data, links):
    figure = data["findings"]
    rows, totals = figure["rows"], figure["totals"]
    chart = None
    if totals["total"]:
        chart = charts.stacked_bar_chart(
            chart_id="findings",
            title=_("各單位考核意見列管情形"),
            labels=[r["unit"].name for r in rows],
            series=[
                charts.Series(_("逾期"), tuple(r["overdue"] for r in rows), charts.RED, hatched=True),
                charts.Series(_("列管中（未逾期）"), tuple(r["open_in_time"] for r in rows), charts.AMBER),
                charts.Series(_("已解除列管"), tuple(r["closed"] for r in rows), charts.BLUE),
            ],
        )
    return {
        "id": "fig-findings",
        "title": _("考核意見：列管中、逾期、已解除列管"),
        "note": _(
            "期間內列管的考核意見（期間內登錄，或之前登錄而期初仍在列管者），依今天的狀態與主辦單位。"
            "點選單位看列管清單，點選逾期件數看逾期清單。"
        ),
        "chart": chart,
        "empty": _("這個期間沒有列管的考核意見。"),
        "columns": [_("主辦單位"), _("逾期"), _("列管中（未逾期）"), _("已解除列管"), _("合計")],
        "rows": [
            {
                "header": r["unit"].name,
                "url": links.findings(r["unit"]),
                "cells": [
                    _cell(
                        r["overdue"],
                        url=links.findings(r["unit"], overdue=True) if r["overdue"] else "",
                        emphasis=True,
                    ),
                    _cell(r["open_in_time"]),
                    _cell(r["closed"]),
                    _cell(r["total"]),
                ],
            }
            for r in rows
        ],
        "footer": [
            _cell(totals["overdue"], emphasis=True),
            _cell(totals["open_in_time"]),
            _cell(totals["closed"]),
            _cell(totals["total"]),
        ],
    }


def _days_label(days, closed):
    if not closed:
        return _("—（尚無結案）")
    return _("%(days)s 天（%(n)s 項）") % {"days": f"{days:g}", "n": closed}


def _days_section(data, links):
    figure = data["findings"]
    rows, totals = figure["rows"], figure["totals"]
    chart = None
    if totals["closed"]:
        chart = charts.bar_chart(
            title=_("各單位平均結案天數"),
            labels=[r["unit"].name for r in rows] + [_("合計")],
            values=[r["average_days_to_close"] for r in rows] + [totals["average_days_to_close"]],
            value_labels=[_days_label(r["average_days_to_close"], r["closed"]) for r in rows]
            + [_days_label(totals["average_days_to_close"], totals["closed"])],
            colour=charts.TEAL,
        )
    return {
        "id": "fig-days",
        "title": _("平均結案天數：自考核至解除列管"),
        "note": _(
            "上表考核意見中已解除列管者，自考核日期至解除列管日（館務會議或單位主管決定日）的平均天數。"
        ),
        "chart": chart,
        "empty": _("上表考核意見尚無解除列管者。"),
        "columns": [_("主辦單位"), _("已解除列管"), _("平均天數")],
        "rows": [
            {
                "header": r["unit"].name,
                "url": links.findings(r["unit"]),
                "cells": [_cell(r["closed"]), _cell(r["average_days_to_close"])],
            }
            for r in rows
        ],
        "footer": [_cell(totals["closed"]), _cell(totals["average_days_to_close"])],
    }


def _practices_section(data):
    figure = data["practices"]
    version = figure["version"]
    rows, totals = figure["rows"], figure["totals"]
    chart = None
    if version is not None and totals["total"]:
        chart = charts.stacked_bar_chart(
            chart_id="practices",
            title=_("各單位推動作法辦理進度"),
            labels=[r["unit"].name for r in rows],
            series=[
                charts.Series(_("落後"), tuple(r["late"] for r in rows), charts.RED, hatched=True),
                charts.Series(_("如期"), tuple(r["on_track"] for r in rows), charts.BLUE),
            ],
        )
    return {
        "id": "fig-practices",
        "title": _("服務品質計畫推動作法：如期與落後"),
        "note": (
            _(
                "%(plan)s 第 %(number)s 版：期間內有完成期限的推動作法，每個承辦單位計一項；"
                "期限已過而該季季報未經主管確認，或經確認為進度落後者，為落後。"
            )
            % {"plan": version.plan.title, "number": version.number}
            if version
            else ""
        ),
        "chart": chart,
        "empty": _("這一年度尚未建立服務品質執行計畫。")
        if version is None
        else _("這個期間沒有到期的推動作法。"),
        "columns": [_("承辦單位"), _("落後"), _("如期"), _("合計")] if version else [],
        "rows": [
            {
                "header": r["unit"].name,
                "url": "",
                "cells": [_cell(r["late"], emphasis=True), _cell(r["on_track"]), _cell(r["total"])],
            }
            for r in rows
        ]
        if version
        else [],
        "footer": [_cell(totals["late"], emphasis=True), _cell(totals["on_track"]), _cell(totals["total"])],
        "late": [
            {
                **item,
                "missed": _("、").join(format_roc_short(d) for d in item["missed"]),
                # The report owed for the earliest missed deadline, where the unit writes it.
                "url": reverse(
                    "plan:report_practice",
                    args=[item["practice_id"], item["unit_id"], quarter_label(item["missed"][0])],
                ),
            }
            for item in figure["late"]
        ],
    }


# ---------------------------------------------------------------- home and reports


@login_required
def home(request):
    profile = person_profile(request.user)
    counts = inbox_selectors.task_counts(request.user)
    ctx = {
        "profile": profile,
        "counts": counts,
        # The first rows of the to-do list (governance.todo), every source merged by due date.
        "todo": todo.todo_page(request.user, size=todo.HOME_ROWS),
        "may": {cap.value: can(request.user, cap) for cap in Capability},
        # Unit-scoped duties held in some unit (the head's review, the liaison's reports).
        "may_in_unit": {cap.value: can_anywhere(request.user, cap) for cap in UNIT_SCOPED},
        "may_propose": proposal_selectors.may_propose(request.user),
        "may_list_all": proposal_selectors.may_list_all(request.user),
        "may_list_audits": audit_selectors.may_list_all(request.user),
        "may_register_audit": audit_services.may_register(request.user),
        "unit_overdue": audit_selectors.unit_findings(request.user)
        .filter(audit_selectors.overdue_q())
        .count(),
        "reports_awaiting": practice_reports.reports_awaiting_confirmation(request.user),
    }
    # The 管考 office and the director are warned when the execution group must meet.
    if is_overseer(request.user):
        ctx["warning"] = meetings.next_meeting_warning()
        ctx["may_manage"] = can(request.user, Capability.MANAGE_TRACKING)
    return render(request, "dashboard/home.html", ctx)


@login_required
def tracking_report_pdf_view(request):
    """The quarter's tracking report as PDF: the 管考 office, the director or deputy, auditors."""
    if not may_download_tracking_report(request.user):
        raise PermissionDenied
    return pdf_response(tracking_report_document())
