"""Pages of the plan's quarterly tracking: the unit's page (its practices, this quarter's
reports, a form to report, the head's confirm/return), a practice's page for one unit and
quarter, and the 管考 office's quarter page with every unit side by side.

Rules live in plan.practice_reports; these views check who may see the page and call it.
"""

import mimetypes

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance.attachments import MultipleFileField
from governance.models import User
from governance.nexturl import safe_next
from governance.rocdate import quarter_name, today_taipei

from . import practice_officers as officers
from . import practice_reports as reports
from .models import Plan, PlanPractice, PracticeReport, PracticeReportAttachment


class ReportForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("執行狀況"), choices=PracticeReport.Status.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=gettext_lazy("辦理情形"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = MultipleFileField(label=gettext_lazy("佐證檔案"))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", gettext_lazy("確認")), ("return", gettext_lazy("退回補正"))]
    )
    comment = forms.CharField(
        label=gettext_lazy("主管意見"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error("comment", _("退回時請填寫意見，說明需補正之處。"))
        return data


class OfficersForm(forms.Form):
    """The quarter's 承辦人: checkboxes of the unit's people, ticked as named (or as offered
    from the previous quarter)."""

    people = forms.ModelMultipleChoiceField(
        label=gettext_lazy("承辦人"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("請至少勾選一位承辦人。")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        field.queryset = User.objects.filter(pk__in=[p.pk for p in choices]).order_by("username")
        field.label_from_instance = lambda person: person.get_full_name()
        # The boxes offer the people already read: the queryset would be read again for each
        # form, one query per practice on the unit's page. Validating a POST still reads it.
        field.widget.choices = [(person.pk, person.get_full_name()) for person in choices]


def _officers(
    practice, unit, period, *, may_change, form=None, prefix="officers", current=None, eligible=None
):
    """What the page shows of the quarter's 承辦人, with the form when the person may name them
    (`current` and `eligible` read beforehand for a list of practices)."""
    if current is None:
        current = officers.quarter_officers(practice, unit, period)
    if may_change and form is None:
        form = OfficersForm(
            choices=officers.officer_choices(unit, current, eligible),
            initial={"people": [p.pk for p in current.people]},
            auto_id=f"{prefix}-%s",
        )
    return {"officers": current, "form": form if may_change else None}


def _may_name_officers(user, practice, unit, period):
    plan = practice.item.area.version.plan
    return (
        reports.current_version(plan).pk == practice.item.area.version_id
        and period in reports.open_periods(plan)
        and officers.may_name_officers(user, unit)
    )


def _report_form(report, prefix_id):
    initial = {"status": report.status, "text": report.text} if report else {}
    return ReportForm(initial=initial, auto_id=f"{prefix_id}-%s")


def _next_or(request, fallback):
    return safe_next(request, request.POST.get("next"), fallback)


def _practice_unit_period(request, practice_pk, unit_pk, period):
    practice = get_object_or_404(
        PlanPractice.objects.select_related("item__area__version__plan"), pk=practice_pk
    )
    unit = get_object_or_404(practice.units, pk=unit_pk)
    if not reports.may_view_unit(request.user, unit):
        raise PermissionDenied
    if period not in reports.plan_periods(practice.item.area.version.plan):
        raise Http404(_("季別不在計畫期間內"))
    return practice, unit


def _practice_page(
    request, practice, unit, period, report_form=None, review_form=None, errors=(), officers_form=None
):
    """The page; `errors` are the service's refusals, shown above everything (the form they came
    from may no longer apply, e.g. a report confirmed meanwhile)."""
    version = practice.item.area.version
    plan = version.plan
    current = reports.current_version(plan)
    report = reports.report_of(practice, unit, period)
    is_current = current.pk == version.pk
    may_report = (
        is_current and period in reports.open_periods(plan) and reports.may_report(request.user, unit, report)
    )
    may_review = reports.may_review(request.user, unit, report)
    ctx = {
        "practice": practice,
        "unit": unit,
        "period": period,
        "plan": plan,
        "version": version,
        "current": current,
        "current_practice": None
        if is_current
        else PlanPractice.objects.filter(item__area__version=current, key=practice.key, units=unit).first(),
        "periods": reports.plan_periods(plan),
        "report": report,
        "attachments": report.attachments.all() if report else [],
        "events": reports.report_events(report) if report else [],
        "history": reports.unit_history(practice, unit),
        "deadlines": practice.deadlines.all(),
        "late": reports.is_late(practice, period, report),
        "report_form": (report_form or _report_form(report, "report")) if may_report else None,
        "review_form": (review_form or ReviewForm(auto_id="review-%s")) if may_review else None,
        "may_see_all": reports.may_see_all(request.user),
        "errors": errors,
        "officers": _officers(
            practice,
            unit,
            period,
            may_change=_may_name_officers(request.user, practice, unit, period),
            form=officers_form,
        ),
        "officer_events": officers.officer_events(practice, unit),
    }
    return render(request, "plan/report_practice.html", ctx)


def report_index(request):
    """The unit's page: the practices the person's units answer for, this quarter's reports."""
    plan = reports.plan_for(request.GET.get("plan"))
    if request.GET.get("plan") and plan is None:
        raise Http404(_("找不到此計畫"))
    units = list(reports.own_units(request.user))
    ctx = {
        "plan": plan,
        "units": units,
        "plans": Plan.objects.all(),
        "may_see_all": reports.may_see_all(request.user),
    }
    if plan is not None:
        period = request.GET.get("period")
        period = period if period in reports.plan_periods(plan) else reports.default_period(plan)
        version = reports.current_version(plan)
        today = today_taipei()
        is_open = period in reports.open_periods(plan, today)
        duties = reports.unit_duties(version, period, units, today) if version and units else []
        named = officers.officers_by_duty(
            plan.pk, plan.roc_year, {d.practice.key for d in duties}, {d.unit.pk for d in duties}, period
        )
        eligible = officers.eligible_by_unit({d.unit.pk for d in duties}) if is_open else {}
        ctx |= {
            "version": version,
            "period": period,
            "periods": reports.plan_periods(plan),
            "is_open": is_open,
            "rows": [
                {
                    "duty": duty,
                    "report_form": _report_form(duty.report, f"r{duty.practice.pk}-{duty.unit.pk}")
                    if is_open and reports.may_report(request.user, duty.unit, duty.report)
                    else None,
                    "review_form": ReviewForm(auto_id=f"v{duty.practice.pk}-{duty.unit.pk}-%s")
                    if reports.may_review(request.user, duty.unit, duty.report)
                    else None,
                    "officers": _officers(
                        duty.practice,
                        duty.unit,
                        period,
                        may_change=is_open and officers.may_name_officers(request.user, duty.unit),
                        prefix=f"o{duty.practice.pk}-{duty.unit.pk}",
                        current=named.get((duty.practice.key, duty.unit.pk), officers.Officers([], False)),
                        eligible=eligible,
                    ),
                }
                for duty in duties
            ],
        }
    return render(request, "plan/report_index.html", ctx)


def report_practice(request, practice_pk, unit_pk, period):
    practice, unit = _practice_unit_period(request, practice_pk, unit_pk, period)
    return _practice_page(request, practice, unit, period)


@require_POST
def report_submit(request, practice_pk, unit_pk, period):
    practice, unit = _practice_unit_period(request, practice_pk, unit_pk, period)
    form = ReportForm(request.POST, request.FILES, auto_id="report-%s")
    errors = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            reports.submit_practice_report(
                actor=request.user,
                practice=practice,
                unit=unit,
                period=period,
                status=data["status"],
                text=data["text"],
                uploads=data["evidence"],
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("已送出 %(period)s 推動作法 %(number)s 的季報，待主管確認。")
                % {"period": quarter_name(period, translate=True), "number": practice.number},
            )
            return redirect(
                _next_or(request, reverse("plan:report_practice", args=[practice.pk, unit.pk, period]))
            )
    return _practice_page(request, practice, unit, period, report_form=form, errors=errors)


@require_POST
def report_officers(request, practice_pk, unit_pk, period):
    """The liaison, the head or the 管考 office names the quarter's 承辦人 of the unit."""
    practice, unit = _practice_unit_period(request, practice_pk, unit_pk, period)
    if not officers.may_name_officers(request.user, unit):
        raise PermissionDenied
    current = officers.quarter_officers(practice, unit, period)
    form = OfficersForm(request.POST, choices=officers.officer_choices(unit, current), auto_id="officers-%s")
    errors = []
    if form.is_valid():
        try:
            named = officers.name_practice_officers(
                actor=request.user,
                practice=practice,
                unit=unit,
                period=period,
                people=form.cleaned_data["people"],
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("已指定 %(period)s 推動作法 %(number)s 的承辦人：%(names)s。")
                % {
                    "period": quarter_name(period, translate=True),
                    "number": practice.number,
                    "names": "、".join(o.person.get_full_name() for o in named),
                },
            )
            return redirect(
                _next_or(request, reverse("plan:report_practice", args=[practice.pk, unit.pk, period]))
            )
    return _practice_page(request, practice, unit, period, errors=errors, officers_form=form)


@require_POST
def report_review(request, pk):
    report = get_object_or_404(
        PracticeReport.objects.select_related("practice__item__area__version__plan", "unit"), pk=pk
    )
    if not reports.may_view_unit(request.user, report.unit):
        raise PermissionDenied
    form = ReviewForm(request.POST, auto_id="review-%s")
    errors = []
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "confirm"
        try:
            reports.confirm_practice_report(
                actor=request.user, report=report, approve=approve, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            errors = error.messages
        else:
            done = _("已確認") if approve else _("已退回")
            messages.success(
                request,
                _("%(done)s %(unit)s %(period)s 推動作法 %(number)s 的季報。")
                % {
                    "done": done,
                    "unit": report.unit.name,
                    "period": quarter_name(report.period, translate=True),
                    "number": report.practice.number,
                },
            )
            return redirect(
                _next_or(
                    request,
                    reverse("plan:report_practice", args=[report.practice_id, report.unit_id, report.period]),
                )
            )
    return _practice_page(
        request, report.practice, report.unit, report.period, review_form=form, errors=errors
    )


def report_attachment_remove(request, pk, attachment_pk):
    # The file must be the report's (404 otherwise, whatever the method); then POST only.
    attachment = get_object_or_404(
        PracticeReportAttachment.objects.select_related("report__unit", "report__practice"),
        pk=attachment_pk,
        report_id=pk,
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    report = attachment.report
    if not reports.may_view_unit(request.user, report.unit):
        raise PermissionDenied
    try:
        reports.remove_report_file(
            actor=request.user, attachment=attachment, reason=request.POST.get("reason")
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("已移除檔案「%(name)s」，並記入季報歷程。") % {"name": attachment.name})
    return redirect("plan:report_practice", report.practice_id, report.unit_id, report.period)


def report_attachment(request, pk, attachment_pk):
    attachment = get_object_or_404(
        PracticeReportAttachment.objects.select_related("report__unit"), pk=attachment_pk, report_id=pk
    )
    if not reports.may_view_unit(request.user, attachment.report.unit):
        raise PermissionDenied
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("檔案不存在")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=mimetypes.guess_type(attachment.name)[0] or "application/octet-stream",
    )


def report_quarter(request):
    """The 管考 office's quarter: practices × units, missing reports highlighted and counted."""
    if not reports.may_see_all(request.user):
        raise PermissionDenied
    plan = reports.plan_for(request.GET.get("plan"))
    if request.GET.get("plan") and plan is None:
        raise Http404(_("找不到此計畫"))
    ctx = {"plan": plan, "plans": Plan.objects.all()}
    if plan is not None:
        period = request.GET.get("period")
        ctx["period_error"] = bool(period) and period not in reports.plan_periods(plan)
        period = period if period in reports.plan_periods(plan) else reports.default_period(plan)
        version = reports.current_version(plan)
        duties = reports.quarter_overview(version, period) if version else []
        ctx |= {
            "version": version,
            "period": period,
            "periods": reports.plan_periods(plan),
            "table": reports.overview_table(duties),
            "missing": [d for d in duties if d.missing],
        }
    return render(request, "plan/report_quarter.html", ctx)
