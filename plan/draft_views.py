"""Next year's plan as a draft (plan.models.PlanDraft), for the 管考 office only: start it from
a plan's current version, read it, download it as xlsx or ODS, upload the edited file back,
compare it with last year's plan, approve it as version 1, or delete it.

A draft is not a plan yet: only the 管考 office (MANAGE_TRACKING) opens these pages, and an
approved draft's pages lead to the plan's version 1.
"""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance.permissions import can
from governance.rocdate import ROCDateField
from governance.roles import Capability
from governance.text import LongTextField

from . import selectors
from .forms import PlanFileField
from .models import Plan, PlanDraft
from .services import DraftRefused, PlanImportError, approve_draft, discard_draft, start_next_year_draft
from .xlsx import CONTENT_TYPES, DRAFT_EXPORTERS, draft_filename, replace_draft_from_spreadsheet


def _require_tracking(user):
    if not can(user, Capability.MANAGE_TRACKING):
        raise PermissionDenied


def _draft(roc_year):
    return get_object_or_404(
        PlanDraft.objects.select_related("source__plan", "created_by", "updated_by", "approved_version"),
        roc_year=roc_year,
    )


def _to_version_1(request, draft):
    messages.info(request, _("這份草案已核定為計畫第 1 版。"))
    return redirect("plan:version", roc_year=draft.roc_year, number=1)


def _counts(tree):
    return {
        "areas": len(tree.areas),
        "items": sum(len(area.items) for area in tree.areas),
        "practices": len(tree.practices()),
    }


def _refusal(exc):
    return " ".join(exc.messages)


def draft_start(request, roc_year):
    """Start next year's draft from this plan's current version (a page saying what will be
    copied, and a button)."""
    _require_tracking(request.user)
    plan = get_object_or_404(Plan, roc_year=roc_year)
    source = selectors.current_version(plan)
    next_year = plan.roc_year + 1
    if request.method == "POST":
        try:
            draft = start_next_year_draft(actor=request.user, plan=plan)
        except DraftRefused as refused:
            messages.error(request, _refusal(refused))
        else:
            messages.success(
                request,
                _("已建立%(title)s草案，請下載修改後上傳，再核定為第 1 版。") % {"title": draft.title},
            )
            return redirect("plan:draft", roc_year=draft.roc_year)
    ctx = {
        "plan": plan,
        "source": source,
        "next_year": next_year,
        "next_plan": Plan.objects.filter(roc_year=next_year).first(),
        "existing": PlanDraft.objects.filter(roc_year=next_year).first(),
    }
    return render(request, "plan/draft_start.html", ctx)


def draft_detail(request, roc_year):
    """The draft's table, what it came from, and what can be done with it."""
    _require_tracking(request.user)
    draft = _draft(roc_year)
    if draft.approved_version_id:
        return _to_version_1(request, draft)
    tree = selectors.draft_tree(draft)
    ctx = {
        "draft": draft,
        "plan": draft,  # the table's caption and headings read plan.title
        "rows": selectors.table_rows(tree),
        "counts": _counts(tree),
        "last_year": selectors.previous_year_version(draft.roc_year),
    }
    return render(request, "plan/draft_detail.html", ctx)


def draft_file(request, roc_year, fmt):
    """The draft as a workbook to edit and upload back: draft.xlsx or draft.ods."""
    _require_tracking(request.user)
    draft = _draft(roc_year)
    response = HttpResponse(DRAFT_EXPORTERS[fmt](draft), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, draft_filename(draft, fmt))
    return response


class DraftUploadForm(forms.Form):
    file = PlanFileField(
        label=gettext_lazy("修改後的草案檔（xlsx 或 ods）"),
        help_text=gettext_lazy("上傳的檔案取代草案的全部內容；欄位與下載的草案檔相同。"),
    )


def draft_upload(request, roc_year):
    """The edited xlsx or ODS replaces the draft's rows; every bad row is listed, and then the
    draft stays as it was."""
    _require_tracking(request.user)
    draft = _draft(roc_year)
    if draft.approved_version_id:
        return _to_version_1(request, draft)
    form = DraftUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            replace_draft_from_spreadsheet(
                actor=request.user, draft=draft, fileobj=upload, name=Path(upload.name).name[:255]
            )
        except DraftRefused as refused:
            messages.error(request, _refusal(refused))
            return redirect("plan:draft", roc_year=draft.roc_year)
        except PlanImportError as error:
            errors = error.messages
        else:
            messages.success(request, _("已以上傳的檔案取代草案內容。"))
            return redirect("plan:draft", roc_year=draft.roc_year)
    return render(request, "plan/draft_upload.html", {"draft": draft, "form": form, "errors": errors})


def draft_changes(request, roc_year):
    """The draft compared with the current version of last year's plan, practice by practice
    (matched by key)."""
    _require_tracking(request.user)
    draft = _draft(roc_year)
    if draft.approved_version_id:
        return redirect("plan:changes", roc_year=draft.roc_year, number=1)
    last_year = selectors.previous_year_version(draft.roc_year)
    changes = None
    if last_year is not None:
        changes = selectors.tree_changes(selectors.version_tree(last_year), selectors.draft_tree(draft))
    ctx = {"draft": draft, "last_year": last_year, "changes": changes}
    return render(request, "plan/draft_changes.html", ctx)


class DraftApprovalForm(forms.Form):
    approved_on = ROCDateField(label=gettext_lazy("通過日期"))
    note = LongTextField(
        label=gettext_lazy("修正說明"),
        max_length=2000,
        help_text=gettext_lazy("如：計畫經 103 年 1 月 10 日執行小組第一次會議通過。"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def draft_approve(request, roc_year):
    """The draft approved as version 1 of its year's plan."""
    _require_tracking(request.user)
    draft = _draft(roc_year)
    if draft.approved_version_id:
        return _to_version_1(request, draft)
    form = DraftApprovalForm(request.POST or None, initial={"note": draft.note})
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            version = approve_draft(
                actor=request.user,
                draft=draft,
                approved_on=form.cleaned_data["approved_on"],
                note=form.cleaned_data["note"],
            )
        except DraftRefused as refused:
            errors = refused.messages
        except PlanImportError as error:
            errors = error.messages
        else:
            messages.success(request, _("已核定%(title)s，成為第 1 版。") % {"title": version.plan.title})
            return redirect("plan:version", roc_year=version.plan.roc_year, number=version.number)
    tree = selectors.draft_tree(draft)
    ctx = {"draft": draft, "form": form, "errors": errors, "counts": _counts(tree)}
    return render(request, "plan/draft_approve.html", ctx)


@require_POST
def draft_discard(request, roc_year):
    """The draft deleted (its trail stays), so the year's draft can be started over."""
    _require_tracking(request.user)
    draft = _draft(roc_year)
    if draft.approved_version_id:
        return _to_version_1(request, draft)
    source_year = draft.source.plan.roc_year
    if not request.POST.get("confirm"):
        messages.error(request, _("請勾選「確定刪除這份草案」後再刪除。"))
        return redirect("plan:draft", roc_year=draft.roc_year)
    try:
        discard_draft(actor=request.user, draft=draft)
    except DraftRefused as refused:
        messages.error(request, _refusal(refused))
        return redirect("plan:draft", roc_year=draft.roc_year)
    messages.success(request, _("已刪除%(title)s草案。") % {"title": draft.title})
    return redirect("plan:plan", roc_year=source_year)
