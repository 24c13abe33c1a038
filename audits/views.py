"""Pages of audits and findings, and the remediation flow's task pages.

Task views run inside viewflow's wrapper (request.activation is the started
task, under the process lock on POST); each validates its form and calls the
service of its step.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance import documents, exports, inbox, paging, submissions, taskbrief
from governance.rocdate import format_roc, today_taipei

from . import documents as finding_documents
from . import selectors, services
from .forms import (
    ApproveForm,
    AuditForm,
    ContributionForm,
    CorrectAuditForm,
    CorrectDueDateForm,
    CouncilDecisionForm,
    FindingFilterForm,
    PlanForm,
    ProgressForm,
    ReplyForm,
    RequestRemovalForm,
    ReviewMeetingForm,
    ReviewRemovalForm,
    finding_formset,
)
from .models import Audit, AuditAttachment, Finding, FindingAttachment

# The lists' orders, as their selectors give them (audits_for, filter_findings).
AUDIT_ORDER = ("-held_on", "-pk")
FINDING_ORDER = ("due_date", "pk")
SUMMARY_ROWS = 20  # audits in a list page's summary: the most overdue and open first


def _viewable_finding(request, pk):
    finding = get_object_or_404(Finding.objects.select_related("audit", "lead_unit"), pk=pk)
    if not selectors.can_view_finding(request.user, finding):
        raise PermissionDenied
    return finding


def _viewable_audit(request, pk):
    audit = get_object_or_404(Audit, pk=pk)
    if not selectors.can_view_audit(request.user, audit):
        raise PermissionDenied
    return audit


def _download(attachment):
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("檔案不存在")) from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


# ---------------------------------------------------------------- audits


def audit_list(request):
    page = paging.keyset_page(request, selectors.audits_for(request.user), AUDIT_ORDER)
    ctx = {
        "audits": page.rows,
        "page": page,
        "may_register": services.may_register(request.user),
    }
    return render(request, "audits/audit_list.html", ctx)


def audit_register(request):
    if not services.may_register(request.user):
        raise PermissionDenied
    form = AuditForm(request.POST or None, request.FILES or None)
    try:
        rows = min(max(int(request.GET.get("rows", 4)), 1), 100)
    except ValueError:
        rows = 4
    findings = finding_formset(rows)(request.POST or None, prefix="findings")
    if request.method == "POST" and form.is_valid() and findings.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                once = submissions.claim(request.user, data["submission_token"])
                audit = services.register_audit(
                    actor=request.user,
                    agency=data["agency"],
                    kind=data["kind"],
                    title=data["title"],
                    held_on=data["held_on"],
                    document_number=data["document_number"],
                    findings=[f.to_input() for f in findings if f.has_changed()],
                    uploads=data["attachments"],
                )
                once.done(reverse("audits:audit", args=[audit.pk]))
        except submissions.AlreadySubmitted as earlier:
            messages.info(request, _("這份表單已經送出過，沒有重複建立。"))
            return redirect(earlier.url or "audits:index")
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("已登錄考核及 %(n)s 項考核意見。") % {"n": audit.findings.count()})
            for other in selectors.same_document_number(audit):
                messages.warning(
                    request,
                    _(
                        "注意：來文文號 %(number)s 也登錄於「%(agency)s %(title)s」（%(held)s），"
                        "請確認是否重複登錄。"
                    )
                    % {
                        "number": audit.document_number,
                        "agency": other.agency,
                        "title": other.title,
                        "held": format_roc(other.held_on),
                    },
                )
            return redirect("audits:audit", pk=audit.pk)
    return render(
        request, "audits/audit_form.html", {"form": form, "findings": findings, "more_rows": rows + 4}
    )


def audit_detail(request, pk):
    audit = _viewable_audit(request, pk)
    findings = selectors.filter_findings(selectors.visible_findings(request.user), audit=audit)
    ctx = {
        "audit": audit,
        "awaiting_reply": selectors.awaiting_reply(audit),
        "findings": findings,
        "today": today_taipei(),
        "summary": selectors.summary_by_unit(findings),
        "history": selectors.audit_history(audit),
        "attachments": audit.attachments.all(),
        "open_tasks": inbox.open_tasks_for(request.user, selectors.audit_process_ids(audit)),
        "may_withdraw": services.may_withdraw(request.user, audit),
        "may_correct": services.may_correct(request.user, audit),
        "review_meetings": selectors.review_meetings_of(audit, request.user),
    }
    return render(request, "audits/audit_detail.html", ctx)


# ---------------------------------------------------------------- 公文 documents of an audit
# For whoever may see the audit's page (the 管考 office above all): its findings as that page
# lists them (audits.selectors, 公文 documents).


def audit_status_table(request, pk, document_format):
    """The 缺失改善辦理情形表 as PDF (landscape A4, PDF/A-2b) or ODT."""
    audit = _viewable_audit(request, pk)
    if document_format == "odt":
        return _odt(finding_documents.status_table_odt(audit, request.user))
    return documents.pdf_response(finding_documents.status_table_pdf(audit, request.user))


def audit_reply_letter(request, pk):
    """The 函稿 replying to the superior agency, with the 情形表 annexed, as ODT."""
    audit = _viewable_audit(request, pk)
    return _odt(finding_documents.reply_letter_odt(audit, request.user))


def audit_meeting_record(request, pk, meeting_pk, document_format):
    """The record (檢討會議紀錄) of a review meeting that covered a finding of the audit."""
    audit = _viewable_audit(request, pk)
    meeting = selectors.audit_meeting(audit, meeting_pk)
    if meeting is None:
        raise Http404(_("這次檢討會議未檢討本考核的考核意見。"))
    if document_format == "odt":
        return _odt(finding_documents.meeting_record_odt(meeting, audit, request.user))
    return documents.pdf_response(finding_documents.meeting_record_pdf(meeting, audit, request.user))


def _odt(document):
    from governance.odt import odt_response

    return odt_response(document.content, document.filename)


def audit_correct(request, pk):
    """The 管考 office corrects an audit's 文號 or dates, with the reason (services.correct_audit)."""
    audit = _viewable_audit(request, pk)
    if not services.may_correct(request.user, audit):
        raise PermissionDenied
    form = CorrectAuditForm(request.POST or None, audit=audit)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_audit(actor=request.user, audit=audit, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("已更正，並記入考核歷程。"))
            return redirect("audits:audit", pk=audit.pk)
    return render(request, "audits/correct.html", {"audit": audit, "form": form})


@require_POST
def audit_withdraw(request, pk):
    """Withdraw an audit registered by mistake (services.withdraw_audit); refusals say why."""
    audit = _viewable_audit(request, pk)
    try:
        services.withdraw_audit(actor=request.user, audit=audit, reason=request.POST.get("reason", ""))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, _("已撤銷這筆考核登錄，各考核意見不再列管，已通知相關單位。"))
    return redirect("audits:audit", pk=audit.pk)


def audit_attachment(request, pk, attachment_pk):
    audit = _viewable_audit(request, pk)
    return _download(get_object_or_404(AuditAttachment, pk=attachment_pk, audit=audit))


# ---------------------------------------------------------------- findings


LIST_TITLES = {"unit": gettext_lazy("本單位列管事項"), "all": gettext_lazy("全部列管事項")}
EXPORT_URLS = {"unit": "audits:unit_findings_export", "all": "audits:findings_export"}


def _listed_findings(request, list_name):
    """The filter form and the list's findings after its filters.

    The page and its export both read their rows here, so a file holds exactly the
    rows its pages list (all of them, where the page shows one page at a time).
    """
    if list_name == "all":
        if not selectors.may_list_all(request.user):
            raise PermissionDenied
        queryset = Finding.objects.all()
    else:
        queryset = selectors.unit_findings(request.user)
    form = FindingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.filter_findings(
        queryset,
        audit=filters.get("audit"),
        unit=filters.get("unit"),
        state=filters.get("state"),
        overdue=filters.get("overdue"),
        year=filters.get("year"),
        text=filters.get("q"),
    )
    return form, queryset


def _finding_list(request, list_name):
    form, queryset = _listed_findings(request, list_name)
    page = paging.keyset_page(request, queryset, FINDING_ORDER)
    ctx = {
        "title": LIST_TITLES[list_name],
        "form": form,
        "findings": page.rows,
        "page": page,
        "today": today_taipei(),
        "by_audit": selectors.summary_by_audit(queryset, limit=SUMMARY_ROWS),
        "summary_rows": SUMMARY_ROWS,
        "by_unit": selectors.summary_by_unit(queryset),
        "list_name": list_name,
        "export_links": exports.export_links(paging.filters_of(request.GET), reverse(EXPORT_URLS[list_name])),
    }
    return render(request, "audits/finding_list.html", ctx)


def unit_findings(request):
    return _finding_list(request, "unit")


def all_findings(request):
    return _finding_list(request, "all")


def finding_export(request, list_name):
    """The list as xlsx, ODS or CSV (?format=), with the filters of its page."""
    form, queryset = _listed_findings(request, list_name)
    return exports.export_response(
        request.GET, LIST_TITLES[list_name], selectors.EXPORT_COLUMNS, selectors.export_rows(queryset)
    )


def finding_detail(request, pk):
    finding = _viewable_finding(request, pk)
    units = selectors.contribution_units(request.user, finding)
    ctx = {
        "finding": finding,
        "overdue": selectors.is_overdue(finding),
        "supporting_units": finding.supporting_units.all(),
        "rounds": selectors.rounds_of(finding),
        "meetings": finding.review_meetings.all(),
        "history": selectors.finding_history(finding),
        "open_tasks": inbox.open_tasks_for(request.user, [finding.process_id]),
        "contribution_form": ContributionForm(units=units) if units else None,
        "may_correct_due_date": services.may_correct_due_date(request.user, finding),
        # The rounds' template is the task page's too: only this page offers the removal.
        "removable_files": services.removable_round_files(request.user, finding),
    }
    return render(request, "audits/finding_detail.html", ctx)


def finding_trail_pdf(request, pk):
    """The finding's trail as a PDF: auditors, the director and the 管考 office only."""
    if not documents.may_download_trail(request.user):
        raise PermissionDenied
    finding = get_object_or_404(Finding.objects.select_related("audit", "lead_unit"), pk=pk)
    return documents.pdf_response(finding_documents.finding_trail(finding, issued_by=request.user))


@require_POST
def finding_contribute(request, pk):
    finding = _viewable_finding(request, pk)
    units = selectors.contribution_units(request.user, finding)
    if not units:
        raise PermissionDenied
    form = ContributionForm(request.POST, request.FILES, units=units)
    if form.is_valid():
        try:
            services.contribute(
                actor=request.user,
                finding=finding,
                unit=form.cleaned_data["unit"],
                text=form.cleaned_data["text"],
                uploads=form.cleaned_data["evidence"],
            )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("已填報協辦辦理情形。"))
    else:
        messages.error(
            request,
            _("協辦辦理情形未填妥：%(e)s")
            % {"e": " ".join(str(m) for errors in form.errors.values() for m in errors)},
        )
    return redirect("audits:finding", pk=pk)


def finding_attachment(request, pk, attachment_pk):
    finding = _viewable_finding(request, pk)
    return _download(get_object_or_404(FindingAttachment, pk=attachment_pk, finding=finding))


# ---------------------------------------------------------------- task pages


def _finding_of_task(request):
    return Finding.objects.select_related("audit", "lead_unit").get(pk=request.activation.process.finding_id)


def _task(request, form, step, step_kwargs, finding, template_extra=None):
    """Render the task page, or run the step on a valid POST and go to the finding."""
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                step(actor=request.user, activation=request.activation, **step_kwargs())
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("已完成：%(t)s") % {"t": request.activation.flow_task.task_title})
            if finding is None:
                return redirect("audits:index")
            return redirect("audits:finding", pk=finding.pk)
    ctx = {
        "form": form,
        "finding": finding,
        "task_title": request.activation.flow_task.task_title,
        "brief": taskbrief.task_brief(request.activation.task),
        "rounds": selectors.rounds_of(finding) if finding else [],
        # What the review meeting decided is what the liaison plans and the head approves by.
        "meetings": finding.review_meetings.all() if finding else [],
        "overdue": selectors.is_overdue(finding) if finding else False,
        **(template_extra or {}),
    }
    return render(request, "audits/task.html", ctx)


def review_meeting_task(request, **kwargs):
    finding = _finding_of_task(request)
    others = (
        Finding.objects.filter(state=Finding.State.AWAITING_MEETING)
        .exclude(pk=finding.pk)
        .select_related("audit")
        .order_by("audit", "sequence")
    )
    form = ReviewMeetingForm(request.POST or None, finding=finding, others=others)
    return _task(
        request,
        form,
        services.record_review_meeting,
        finding=finding,
        step_kwargs=lambda: {
            "held_on": form.cleaned_data["held_on"],
            "attendees": form.cleaned_data["attendees"],
            "decisions": form.cleaned_data["decisions"],
            "lead_unit": form.cleaned_data["lead_unit"],
            "due_date": form.cleaned_data["due_date"],
            "also": list(form.cleaned_data["also"]),
        },
    )


def plan_task(request, **kwargs):
    finding = _finding_of_task(request)
    # A plan returned by the head (or continued tracking) is rewritten from the last one.
    form = PlanForm(
        request.POST or None,
        initial={"root_cause": finding.root_cause, "text": selectors.last_plan_text(finding)},
    )
    return _task(
        request,
        form,
        services.write_plan,
        finding=finding,
        step_kwargs=lambda: {
            "text": form.cleaned_data["text"],
            "root_cause": form.cleaned_data["root_cause"],
        },
    )


def approve_plan_task(request, **kwargs):
    form = ApproveForm(request.POST or None)
    finding = _finding_of_task(request)
    return _task(
        request,
        form,
        services.review_plan,
        finding=finding,
        template_extra={
            "plan": finding.plans.order_by("-written_at", "-pk").first(),
            **selectors.plan_revision(finding),
        },
        step_kwargs=lambda: {
            "approve": form.cleaned_data["approve"],
            "comment": form.cleaned_data["comment"],
        },
    )


def progress_task(request, **kwargs):
    finding = _finding_of_task(request)
    form = ProgressForm(request.POST or None, request.FILES or None)
    return _task(
        request,
        form,
        services.report_progress,
        finding=finding,
        template_extra={
            "multipart": True,
            "pending_contributions": finding.contributions.filter(progress_round=None),
        },
        step_kwargs=lambda: {
            "percent_complete": form.cleaned_data["percent_complete"],
            "text": form.cleaned_data["text"],
            "propose_removal": form.cleaned_data["propose_removal"],
            "uploads": form.cleaned_data["evidence"],
        },
    )


def request_removal_task(request, **kwargs):
    form = RequestRemovalForm(request.POST or None)
    return _task(
        request,
        form,
        services.request_removal,
        finding=_finding_of_task(request),
        step_kwargs=lambda: {
            "confirm": form.cleaned_data["confirm"],
            "reason": form.cleaned_data["reason"],
        },
    )


def review_removal_task(request, **kwargs):
    form = ReviewRemovalForm(request.POST or None)
    return _task(
        request,
        form,
        services.review_removal,
        finding=_finding_of_task(request),
        step_kwargs=lambda: {
            "recommends_removal": form.cleaned_data["recommends_removal"],
            "opinion": form.cleaned_data["opinion"],
        },
    )


def council_decision_task(request, **kwargs):
    form = CouncilDecisionForm(request.POST or None)
    return _task(
        request,
        form,
        services.record_tracking_decision,
        finding=_finding_of_task(request),
        step_kwargs=lambda: {
            "outcome": form.cleaned_data["outcome"],
            "meeting_date": form.cleaned_data["meeting_date"],
            "minutes_reference": form.cleaned_data["minutes_reference"],
            "new_due_date": form.cleaned_data["new_due_date"],
            "note": form.cleaned_data["note"],
        },
    )


def reply_task(request, **kwargs):
    audit = Audit.objects.get(pk=request.activation.process.audit_id)
    form = ReplyForm(request.POST or None)
    response = _task(
        request,
        form,
        services.record_reply,
        finding=None,
        template_extra={"audit": audit},
        step_kwargs=lambda: {
            "replied_on": form.cleaned_data["replied_on"],
            "document_number": form.cleaned_data["document_number"],
        },
    )
    if response.status_code == 302:
        return redirect("audits:audit", pk=audit.pk)
    return response


# ---------------------------------------------------------------- corrections on a finding


def finding_file_remove(request, pk, attachment_pk):
    """Remove a file from the latest progress report while it is safe (services.remove_round_file)."""
    # The file must be the finding's (404 otherwise, whatever the method); then POST only.
    attachment = get_object_or_404(FindingAttachment, pk=attachment_pk, finding_id=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    finding = _viewable_finding(request, pk)
    try:
        services.remove_round_file(
            actor=request.user, attachment=attachment, reason=request.POST.get("reason")
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("已移除檔案「%(name)s」，並記入案件歷程。") % {"name": attachment.name})
    return redirect("audits:finding", pk=finding.pk)


def finding_correct_due_date(request, pk):
    """The 管考 office corrects a finding's 改善期限, with the reason (services.correct_due_date)."""
    finding = _viewable_finding(request, pk)
    if not services.may_correct_due_date(request.user, finding):
        raise PermissionDenied
    form = CorrectDueDateForm(request.POST or None, finding=finding)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_due_date(actor=request.user, finding=finding, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("已更正改善期限，並記入案件歷程。"))
            return redirect("audits:finding", pk=finding.pk)
    return render(request, "audits/correct_due_date.html", {"finding": finding, "form": form})
