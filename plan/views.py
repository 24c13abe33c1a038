"""The plan's pages: the list of plans, a version's table, what changed from the previous
version, the xlsx or ODS of a version, and the upload of either by the 管考 office.

Everyone logged in reads plans (the plan is an agency-wide document); only the 管考 office
imports and revises them.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.periods import YearField
from governance.permissions import can
from governance.rocdate import ROCDateField
from governance.roles import Capability
from governance.text import LongTextField

from . import selectors
from .forms import PlanFileField
from .models import Plan, PlanDraft, PlanVersion
from .services import PlanImportError
from .xlsx import CONTENT_TYPES, EXPORTERS, filename, import_spreadsheet

# What the upload accepts by name; which of the two a file is, its content tells (plan.xlsx).


def _may_import(user):
    return can(user, Capability.MANAGE_TRACKING)


def _version(roc_year, number):
    return get_object_or_404(
        PlanVersion.objects.select_related("plan", "created_by"), plan__roc_year=roc_year, number=number
    )


def plan_list(request):
    may_import = _may_import(request.user)
    ctx = {
        "plans": selectors.plans(),
        "may_import": may_import,
        # Next year's drafts are not plans yet: only the 管考 office sees them.
        "drafts": selectors.open_drafts() if may_import else [],
    }
    return render(request, "plan/plan_list.html", ctx)


def plan_current(request, roc_year):
    """The plan's current version, at an address that stays the same across revisions."""
    plan = get_object_or_404(Plan, roc_year=roc_year)
    version = selectors.current_version(plan)
    if version is None:
        raise Http404(_("這個計畫還沒有任何版本。"))
    return _version_page(request, _version(roc_year, version.number))


def plan_version(request, roc_year, number):
    return _version_page(request, _version(roc_year, number))


def _version_page(request, version):
    tree = selectors.version_tree(version)
    versions = list(selectors.versions_of(version.plan))
    practices = tree.practices()
    ctx = {
        "plan": version.plan,
        "version": version,
        "rows": selectors.table_rows(tree),
        "versions": versions,
        "is_current": version.number == versions[-1].number,
        "counts": {
            "areas": len(tree.areas),
            "items": sum(len(area.items) for area in tree.areas),
            "practices": len(practices),
        },
        "may_import": _may_import(request.user),
        "approved_from_draft": version.number == 1
        and PlanDraft.objects.filter(approved_version=version).exists(),
    }
    return render(request, "plan/plan_version.html", ctx)


def plan_changes(request, roc_year, number):
    """What changed from the previous version to this one; for a version 1 approved from a
    draft (plan.draft_views), from the current version of last year's plan."""
    version = _version(roc_year, number)
    previous = (
        PlanVersion.objects.filter(plan=version.plan, number__lt=version.number).order_by("-number").first()
    )
    last_year = None
    if previous is None and PlanDraft.objects.filter(approved_version=version).exists():
        last_year = selectors.previous_year_version(version.plan.roc_year)
    base = previous or last_year
    ctx = {
        "plan": version.plan,
        "version": version,
        "previous": previous,
        "last_year": last_year,
        "changes": selectors.version_changes(base, version) if base else None,
        "old_label": _version_label(base, version.plan) if base else "",
        "new_label": _("第 %(n)s 版") % {"n": version.number},
    }
    return render(request, "plan/plan_changes.html", ctx)


def _version_label(version, plan):
    if version.plan_id == plan.pk:
        return _("第 %(n)s 版") % {"n": version.number}
    return _("%(year)s 年度第 %(n)s 版") % {"year": version.plan.roc_year, "n": version.number}


def plan_file(request, roc_year, number, fmt):
    """The version as a workbook to edit and import again: plan.xlsx or plan.ods."""
    version = _version(roc_year, number)
    response = HttpResponse(EXPORTERS[fmt](version), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename(version, fmt))
    return response


class PlanUploadForm(forms.Form):
    year = YearField(
        label=gettext_lazy("年度"),
        help_text=gettext_lazy(
            "民國年（如 102）或西元年（如 2013）。該年度已有計畫時，匯入的檔案成為新的一版。"
        ),
    )
    title = forms.CharField(
        label=gettext_lazy("計畫名稱"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("新年度的計畫才用；空白則為「N 年度提升服務品質執行計畫」。"),
    )
    note = LongTextField(
        label=gettext_lazy("修正說明"),
        max_length=2000,
        help_text=gettext_lazy("如：計畫經 102 年 3 月 8 日執行小組第一次會議修正通過。"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    approved_on = ROCDateField(label=gettext_lazy("通過日期"), required=False)
    file = PlanFileField(
        label=gettext_lazy("計畫檔（xlsx 或 ods）"),
        help_text=gettext_lazy(
            "欄位與下載的計畫檔相同：實施要項、構面、執行項目編號、執行項目、推動作法編號、"
            "推動作法、完成期限、完成期限日期、承辦單位。"
        ),
    )


def plan_import(request):
    """The 管考 office uploads an xlsx or ODS: a new plan for a year, or the next version of
    its plan."""
    if not _may_import(request.user):
        raise PermissionDenied
    form = PlanUploadForm(
        request.POST or None, request.FILES or None, initial={"year": request.GET.get("year", "")[:20]}
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = import_spreadsheet(
                actor=request.user,
                fileobj=data["file"],
                roc_year=data["year"],
                title=data["title"],
                note=data["note"],
                approved_on=data["approved_on"],
            )
        except PlanImportError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("已匯入%(title)s第 %(number)s 版。")
                % {"title": version.plan.title, "number": version.number},
            )
            return redirect("plan:version", roc_year=version.plan.roc_year, number=version.number)
    ctx = {"form": form, "errors": errors, "plans": selectors.plans()}
    return render(request, "plan/plan_import.html", ctx)
