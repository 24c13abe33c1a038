"""Pages of proposals: lists, detail, draft editing, and the flow's task pages.

Task views run inside viewflow's wrapper (request.activation is the started
task, under the process lock on POST); each validates its form and calls the
service of its step.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance import access_log, documents, exports, inbox, paging, submissions, taskbrief
from governance.odt import odt_response

from . import documents as proposal_documents
from . import selectors, services
from .forms import (
    ApproveProgressForm,
    AssignReviewersForm,
    CorrectDueDateForm,
    DecisionForm,
    EvaluationForm,
    ExecutionPlanForm,
    FirstReviewForm,
    ProgressReportForm,
    ProposalFilterForm,
    ProposalForm,
    RecusalForm,
    ReplaceReviewerForm,
    ScoreForm,
)
from .models import Attachment, Proposal

# A list page, newest sent first (drafts, not sent yet, before them): with_score_counts' order.
LIST_ORDER = ("-submitted_at", "-pk")
# What the proposal summary (templates/proposals/_summary.html) shows besides the proposal.
SUMMARY_RELATED = ("unit", "submitter", "lead_unit", "plan_practice__item__area")


def _viewable(request, pk):
    proposal = get_object_or_404(Proposal.objects.select_related(*SUMMARY_RELATED), pk=pk)
    if not selectors.can_view(request.user, proposal):
        raise PermissionDenied
    return proposal


# ---------------------------------------------------------------- lists


LIST_TITLES = {
    "mine": gettext_lazy("我的提案"),
    "unit": gettext_lazy("本單位提案"),
    "all": gettext_lazy("全部提案"),
}
EXPORT_URLS = {"mine": "proposals:export", "unit": "proposals:unit_export", "all": "proposals:all_export"}


def _listed(request, list_name):
    """The filter form and the list's proposals after its filters.

    The page and its export both read their rows here, so a file holds exactly the
    rows its pages list (all of them, where the page shows one page at a time).
    """
    form, narrowed = _narrowed(request, list_name)
    return form, selectors.with_score_counts(narrowed)


def _narrowed(request, list_name):
    """The filter form and the list's proposals after its filters, without order or counts."""
    user = request.user
    if list_name == "all":
        if not selectors.may_list_all(user):
            raise PermissionDenied
        queryset = selectors.visible_proposals(user)
    elif list_name == "unit":
        queryset = selectors.unit_proposals(user)
    else:
        queryset = selectors.my_proposals(user)
    form = ProposalFilterForm(request.GET or None, user=user)
    if form.is_valid():
        data = form.cleaned_data
        queryset = selectors.narrow_proposals(
            queryset,
            year=data["year"],
            unit=data["unit"],
            state=data["state"],
            grade=data["grade"],
            text=data["q"],
        )
    return form, queryset


def _list_page(request, list_name, show_filters=False):
    form, narrowed = _narrowed(request, list_name)
    # The lists join proposers (DISTINCT) and count scores (GROUP BY): the page is picked among
    # the matching keys first, then only its rows are counted.
    page = paging.keyset_page(
        request,
        narrowed,
        LIST_ORDER,
        rows=lambda pks: selectors.with_score_counts(Proposal.objects.filter(pk__in=pks)),
    )
    ctx = {
        "title": LIST_TITLES[list_name],
        "proposals": page.rows,
        "page": page,
        "form": form,
        "show_filters": show_filters,
        "stats": selectors.statistics(narrowed) if show_filters else None,
        "list_name": list_name,
        "may_list_all": selectors.may_list_all(request.user),
        "may_propose": selectors.may_propose(request.user),
        "export_links": exports.export_links(paging.filters_of(request.GET), reverse(EXPORT_URLS[list_name])),
    }
    return render(request, "proposals/proposal_list.html", ctx)


@login_required
def my_proposals(request):
    return _list_page(request, "mine")


@login_required
def unit_proposals(request):
    return _list_page(request, "unit", show_filters=True)


@login_required
def all_proposals(request):
    return _list_page(request, "all", show_filters=True)


@login_required
def proposal_export(request, list_name):
    """The list as xlsx, ODS or CSV (?format=), with the filters of its page."""
    form, queryset = _listed(request, list_name)
    return exports.export_response(
        request.GET, LIST_TITLES[list_name], selectors.EXPORT_COLUMNS, selectors.export_rows(queryset)
    )


# ---------------------------------------------------------------- one proposal


@login_required
def proposal_detail(request, pk):
    proposal = _viewable(request, pk)
    rewards = selectors.visible_rewards(request.user, proposal)
    # Per-person rewards are personal data: each one shown is a read, logged before the page goes.
    access_log.record_reads(
        request,
        access_log.Action.REWARD_VIEW,
        [r.person for r in rewards],
        detail=f"提案 {proposal.case_number}",  # a kept text: in the agency's language
    )
    ctx = {
        "proposal": proposal,
        "proposers": proposal.proposers.select_related("person"),
        "rounds": proposal.review_rounds.select_related("reviewer"),
        "round_texts": selectors.round_texts(proposal),
        "history": selectors.history(proposal, request.user),
        "attachments": proposal.attachments.select_related("uploaded_by"),
        "milestones": proposal.milestones.all(),
        "reports": proposal.progress_reports.select_related("reporter", "approver").prefetch_related(
            "attachments"
        ),
        "rewards": rewards,
        "supporting_units": proposal.supporting_units.all(),
        **selectors.score_context(proposal, request.user),
        "may_edit": proposal.state == Proposal.State.DRAFT and proposal.submitter_id == request.user.pk,
        "may_withdraw": services.can_withdraw(request.user, proposal),
        "may_correct_due_date": services.may_correct_due_date(request.user, proposal),
        "removable_files": services.removable_progress_files(request.user, proposal),
        "open_tasks": inbox.open_tasks_for(request.user, [proposal.process_id]),
    }
    return render(request, "proposals/proposal_detail.html", ctx)


@login_required
def attachment_download(request, pk, attachment_pk):
    proposal = _viewable(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, proposal=proposal)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("檔案不存在")) from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


@login_required
def proposal_trail_pdf(request, pk):
    """The case's trail as a PDF: auditors, the director and the 管考 office only."""
    if not documents.may_download_trail(request.user):
        raise PermissionDenied
    proposal = get_object_or_404(Proposal.objects.select_related("unit"), pk=pk)
    if not proposal.case_number:
        raise Http404(_("草稿尚無案號，沒有案件軌跡。"))
    return documents.pdf_response(proposal_documents.proposal_trail(proposal, issued_by=request.user))


@login_required
def proposal_form_pdf(request, pk):
    """The 創意提案單 as PDF/A, for whoever may open the proposal."""
    proposal = _viewable(request, pk)
    return documents.pdf_response(proposal_documents.proposal_form_pdf(proposal))


@login_required
def proposal_form_odt(request, pk):
    """The 創意提案單 as ODT, to edit and attach to a 簽 in the 公文 system."""
    proposal = _viewable(request, pk)
    document = proposal_documents.proposal_form_odt(proposal)
    return odt_response(document.content, document.filename)


@login_required
def proposal_create(request):
    if not selectors.may_propose(request.user):
        raise PermissionDenied
    return _edit(request, None)


@login_required
def proposal_edit(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    if proposal.submitter_id != request.user.pk:
        raise PermissionDenied
    if proposal.state != Proposal.State.DRAFT:
        messages.error(request, _("提案已送出，不能再編輯。"))
        return redirect("proposals:detail", pk=pk)
    return _edit(request, proposal)


def _edit(request, proposal):
    form = ProposalForm(request.POST or None, request.FILES or None, instance=proposal, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                # A new proposal's form is processed once (a double click makes one proposal).
                once = (
                    submissions.claim(request.user, form.cleaned_data["submission_token"])
                    if proposal is None
                    else submissions.Claim(None)
                )
                saved = services.save_draft(
                    actor=request.user,
                    content=form.content(),
                    co_proposers=form.cleaned_data["co_proposers"],
                    uploads=form.cleaned_data["attachments"],
                    proposal=proposal,
                )
                if "submit" in request.POST:
                    services.submit_proposal(actor=request.user, proposal=saved)
                    saved.refresh_from_db()
                    messages.success(request, _("提案已送出，案號 %(n)s。") % {"n": saved.case_number})
                else:
                    messages.success(request, _("草稿已儲存。"))
                once.done(reverse("proposals:detail", args=[saved.pk]))
            return redirect("proposals:detail", pk=saved.pk)
        except submissions.AlreadySubmitted as earlier:
            messages.info(request, _("這份表單已經送出過，沒有重複建立。"))
            return redirect(earlier.url or "proposals:index")
        except ValidationError as e:
            form.add_error(None, e)
    title = _("修改提案草稿") if proposal else _("新增創意提案")
    return render(
        request, "proposals/proposal_form.html", {"form": form, "title": title, "proposal": proposal}
    )


@login_required
@require_POST
def proposal_submit(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    try:
        services.submit_proposal(actor=request.user, proposal=proposal)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        proposal.refresh_from_db()
        messages.success(request, _("提案已送出，案號 %(n)s。") % {"n": proposal.case_number})
    return redirect("proposals:detail", pk=pk)


@login_required
@require_POST
def proposal_withdraw(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    try:
        services.withdraw_proposal(
            actor=request.user,
            proposal=proposal,
            reason=request.POST.get("reason", ""),
            confirmed=bool(request.POST.get("confirm")),
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("提案已撤回。"))
    return redirect("proposals:detail", pk=pk)


# ---------------------------------------------------------------- task pages


def _proposal_of_task(request):
    return Proposal.objects.select_related(*SUMMARY_RELATED).get(pk=request.activation.process.proposal_id)


def _task(request, form, step, step_kwargs, template_extra=None, preview=None, done=None):
    """Render the task page, or run the step on a valid POST and go to the proposal.

    The page opens with what the person must decide (governance.taskbrief). `preview`: on a
    valid POST of the form's 試算 button, the extra context it returns is shown, nothing
    is done. `done`: the message after the step, if not 已完成 and the step's title."""
    proposal = _proposal_of_task(request)
    if request.method == "POST" and form.is_valid():
        if preview is not None and "preview" in request.POST:
            template_extra = {**(template_extra or {}), **preview()}
        else:
            try:
                with transaction.atomic():
                    step(actor=request.user, activation=request.activation, **step_kwargs())
            except ValidationError as e:
                form.add_error(None, e)
            else:
                title = request.activation.flow_task.task_title
                messages.success(request, done or _("已完成：%(t)s") % {"t": title})
                return redirect("proposals:detail", pk=proposal.pk)
    ctx = {
        "form": form,
        "proposal": proposal,
        "task": request.activation.task,
        "task_title": request.activation.flow_task.task_title,
        "brief": taskbrief.task_brief(request.activation.task),
        "proposers": proposal.proposers.select_related("person"),
        "attachments": proposal.attachments.all(),
        **(template_extra or {}),
    }
    return render(request, "proposals/task.html", ctx)


def _revision(proposal):
    """What the proposer changed since the round before, for a second (or later) first review."""
    rounds = selectors.round_texts(proposal)
    if len(rounds) < 2:
        return {"revised": False, "changes": []}
    returned = rounds[-2].round
    who = returned.reviewer.get_full_name() if returned.reviewer else ""
    return {"revised": True, "changes": rounds[-1].changes, "round_comment": (who, returned.reasons)}


def _execution(proposal):
    """What every execution step decides by: the adopted due date, the plan, its milestones, and
    the last report the head approved."""
    return {
        "execution": True,
        "milestones": proposal.milestones.all(),
        "supporting_units": proposal.supporting_units.all(),
        "last_approved": selectors.last_approved_report(proposal),
    }


def first_review_task(request, **kwargs):
    form = FirstReviewForm(request.POST or None)
    proposal = _proposal_of_task(request)
    return _task(
        request,
        form,
        services.first_review,
        template_extra={
            "similar": selectors.similar_proposals(proposal),
            "rounds": proposal.review_rounds.select_related("reviewer"),
            "show_similar": True,
            **_revision(proposal),
        },
        step_kwargs=lambda: {
            "outcome": form.cleaned_data["outcome"],
            "reasons": form.cleaned_data["reasons"],
            "reason_code": form.cleaned_data["reason_code"] or None,
        },
    )


def revise_task(request, **kwargs):
    proposal = _proposal_of_task(request)
    form = ProposalForm(request.POST or None, request.FILES or None, instance=proposal, actor=request.user)
    if request.method == "POST":
        # The form edits a copy; the service saves the proposal under its lock.
        form.instance = Proposal.objects.get(pk=proposal.pk)
    return _task(
        request,
        form,
        services.resubmit,
        template_extra={"rounds": proposal.review_rounds.select_related("reviewer"), "multipart": True},
        step_kwargs=lambda: {
            "content": form.content(),
            "co_proposers": form.cleaned_data["co_proposers"],
            "uploads": form.cleaned_data["attachments"],
        },
    )


def assign_reviewers_task(request, **kwargs):
    form = AssignReviewersForm(request.POST or None, proposal=_proposal_of_task(request))
    return _task(
        request,
        form,
        services.assign_reviewers,
        step_kwargs=lambda: {"members": list(form.cleaned_data["members"])},
    )


def score_task(request, **kwargs):
    proposal = _proposal_of_task(request)
    if request.activation.task.data.get("recused"):
        return _replace_reviewer(request, proposal)
    if request.method == "POST" and "recuse" in request.POST:
        recusal = RecusalForm(request.POST)
        return _task(
            request,
            recusal,
            services.declare_recusal,
            template_extra={"recusing": True},
            step_kwargs=lambda: {"reason": recusal.cleaned_data["reason"]},
            done=_("已申請迴避，管考單位會改派其他委員。"),
        )
    criteria = selectors.criteria_for_year(proposal.roc_year)
    form = ScoreForm(request.POST or None, criteria=criteria)
    return _task(
        request,
        form,
        services.score_proposal,
        template_extra={
            "scoring": True,
            "recusal_form": RecusalForm(),
            "bands": selectors.grade_bands_for_year(proposal.roc_year),
        },
        preview=lambda: {"preview_total": services.weighted_total(form.values(), criteria)},
        step_kwargs=lambda: {"values": form.values(), "comment": form.cleaned_data["comment"]},
    )


def _replace_reviewer(request, proposal):
    """The score task of a member who declared 迴避, now the 管考 office's: name another."""
    form = ReplaceReviewerForm(request.POST or None, proposal=proposal)
    return _task(
        request,
        form,
        services.replace_recused_reviewer,
        template_extra={
            "replacing": True,
            **selectors.score_context(proposal, request.user),
        },
        step_kwargs=lambda: {"member": form.cleaned_data["member"]},
        done=_("已改派委員，評分任務已交給新委員。"),
    )


def decide_task(request, **kwargs):
    proposal = _proposal_of_task(request)
    form = DecisionForm(request.POST or None, initial={"lead_unit": proposal.unit_id})
    return _task(
        request,
        form,
        services.decide_adoption,
        template_extra={
            **selectors.score_context(proposal, request.user),
            "see_scores": True,
            "bands": selectors.grade_bands_for_year(proposal.roc_year),
        },
        step_kwargs=lambda: {
            "decision": form.cleaned_data["decision"],
            "reason": form.cleaned_data["reason"],
            "lead_unit": form.cleaned_data["lead_unit"],
            "supporting_units": list(form.cleaned_data["supporting_units"]),
            "due_date": form.cleaned_data["due_date"],
        },
    )


def execution_plan_task(request, **kwargs):
    form = ExecutionPlanForm(request.POST or None)
    return _task(
        request,
        form,
        services.write_execution_plan,
        template_extra=_execution(_proposal_of_task(request)),
        step_kwargs=lambda: {
            "plan": form.cleaned_data["plan"],
            "milestones": form.cleaned_data["milestones"],
        },
    )


def progress_report_task(request, **kwargs):
    proposal = _proposal_of_task(request)
    form = ProgressReportForm(request.POST or None, request.FILES or None)
    return _task(
        request,
        form,
        services.report_progress,
        template_extra={
            **_execution(proposal),
            "reports": proposal.progress_reports.prefetch_related("attachments"),
            "multipart": True,
            "reporting_period": services.report_period(),
        },
        step_kwargs=lambda: {
            "percent_complete": form.cleaned_data["percent_complete"],
            "text": form.cleaned_data["text"],
            "declares_complete": form.cleaned_data["declares_complete"],
            "uploads": form.cleaned_data["evidence"],
        },
    )


def approve_progress_task(request, **kwargs):
    proposal = _proposal_of_task(request)
    form = ApproveProgressForm(request.POST or None)
    return _task(
        request,
        form,
        services.review_progress,
        template_extra={
            **_execution(proposal),
            "reports": proposal.progress_reports.prefetch_related("attachments"),
        },
        step_kwargs=lambda: {
            "approve": form.cleaned_data["approve"],
            "comment": form.cleaned_data["comment"],
        },
    )


def evaluate_task(request, **kwargs):
    proposal = _proposal_of_task(request)
    form = EvaluationForm(request.POST or None)
    return _task(
        request,
        form,
        services.evaluate_effectiveness,
        template_extra={
            **_execution(proposal),
            "reports": proposal.progress_reports.prefetch_related("attachments"),
        },
        step_kwargs=lambda: {
            "evaluation": form.cleaned_data["evaluation"],
            "rating": form.cleaned_data["rating"],
        },
    )


# ---------------------------------------------------------------- corrections


@login_required
def progress_file_remove(request, pk, attachment_pk):
    """Remove a file from a progress report not yet decided (services.remove_progress_file)."""
    # The file must be the proposal's (404 otherwise, whatever the method); then POST only.
    attachment = get_object_or_404(Attachment, pk=attachment_pk, proposal_id=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    proposal = _viewable(request, pk)
    try:
        services.remove_progress_file(
            actor=request.user, attachment=attachment, reason=request.POST.get("reason")
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("已移除檔案「%(name)s」，並記入案件歷程。") % {"name": attachment.name})
    return redirect("proposals:detail", pk=proposal.pk)


@login_required
def proposal_correct_due_date(request, pk):
    """The 管考 office corrects the 預定完成日, with the reason (services.correct_due_date)."""
    proposal = _viewable(request, pk)
    if not services.may_correct_due_date(request.user, proposal):
        raise PermissionDenied
    form = CorrectDueDateForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_due_date(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("已更正預定完成日，並記入案件歷程。"))
            return redirect("proposals:detail", pk=proposal.pk)
    return render(request, "proposals/correct_due_date.html", {"proposal": proposal, "form": form})
