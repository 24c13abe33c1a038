"""Appraisal evidence pages (考績佐證): HR lists people and downloads their PDFs; everyone
downloads their own.

Who may read what is decided in governance.documents (may_read_evidence): HR for anyone,
a person for their own, nobody else (a unit head does not read a staff member's).
"""

import uuid
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance import access_log, paging, submissions
from governance.documents import pdf_response
from governance.models import Unit
from governance.periods import PeriodForm, period_label
from governance.submissions import SubmissionTokenField

from . import batches as evidence_batches
from . import documents
from .models import EvidenceBatch, EvidenceDocument
from .selectors import (
    appraisal_evidence,
    evidence_summaries,
    people_ids_in_period,
    people_in_period,
    people_of,
)


class PeopleForm(PeriodForm):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("單位"),
        queryset=Unit.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("全部人員"),
    )
    with_items = forms.BooleanField(label=gettext_lazy("只列有紀錄者"), required=False)


class BatchForm(PeopleForm):
    """The list's period and unit posted to start a batch, once (a double click makes one)."""

    submission_token = SubmissionTokenField()


def period_query(start, end):
    """The query string that names a period: ?year=115 for a whole ROC year, else the dates."""
    label = period_label(start, end)
    if "-" not in label:
        return urlencode({"year": label})
    return urlencode({"start": start.isoformat(), "end": end.isoformat()})


def _batch_fields(form):
    """The list's period and unit spelt out, for the batch form: the ZIP holds exactly the
    people listed."""
    start, end = form.cleaned_data["period"]
    label = period_label(start, end)
    fields = {"year": label} if "-" not in label else {"start": start.isoformat(), "end": end.isoformat()}
    if form.cleaned_data.get("unit"):
        fields["unit"] = form.cleaned_data["unit"].code
    if form.cleaned_data.get("with_items"):
        fields["with_items"] = "on"
    fields["submission_token"] = uuid.uuid4().hex
    return fields


def _listed(request, form):
    """(page, [(person, unit, summary)] of the page, how many people the list holds) for the
    form's period and unit; its people with items only when asked. The totals come in bulk
    (evidence_summaries), so the page's queries do not grow with the number of people; they
    are read for the page's people only, unless the list keeps only those with items, which
    needs everyone's."""
    start, end = form.cleaned_data["period"]
    unit = form.cleaned_data.get("unit")
    if form.cleaned_data.get("with_items"):
        people = people_in_period(start, end, unit)
        summaries = evidence_summaries([person for person, _unit in people], start, end)
        people = [(person, unit) for person, unit in people if summaries[person.pk].has_items]
        page = paging.list_page(request, people, key=lambda row: row[0].pk)
        rows = page.rows
    else:
        # The list's order from ids; people read for the page only.
        people = people_ids_in_period(start, end, unit)
        page = paging.list_page(request, people, key=lambda row: row[0])
        rows = people_of(page.rows)
        summaries = evidence_summaries([person for person, _unit in rows], start, end)
    return page, [(person, unit, summaries[person.pk]) for person, unit in rows], len(people)


def _period_detail(start, end):
    """The period read, for the access log: 115 for a whole ROC year, else the two dates.
    A kept text, so in the agency's language whatever the reader's interface is in."""
    return f"期間 {period_label(start, end)}"


def _bad_period(form):
    errors = _("；").join(e for field_errors in form.errors.values() for e in field_errors)
    return HttpResponseBadRequest(
        _("期間有誤：%(errors)s") % {"errors": errors}, content_type="text/plain; charset=utf-8"
    )


@login_required
def evidence_index(request):
    """HR: the people of a unit (or everyone) in a period, each with a PDF, and a ZIP of all."""
    if not documents.may_read_all_evidence(request.user):
        return redirect("evidence:mine")
    form = PeopleForm.from_query(request.GET)
    rows, start, end, page, total = [], None, None, None, 0
    if form.is_valid():
        start, end = form.cleaned_data["period"]
        page, listed, total = _listed(request, form)
        # The page shows each person's reward totals: a read of each one's evidence.
        access_log.record_reads(
            request,
            access_log.Action.EVIDENCE_LIST,
            [person for person, _unit, _summary in listed],
            detail=_period_detail(start, end),
        )
        rows = [
            {
                "person": person,
                "unit_name": summary.unit_name or (unit.name if unit else _("（無所屬單位）")),
                "items": summary.items,
                "practices": summary.practices,
                "reward_amount": documents.money(summary.reward_amount),
                "commendations": summary.commendation_label,
            }
            for person, unit, summary in listed
        ]
    ctx = {
        "form": form,
        "rows": rows,
        "page": page,
        "total": total,
        "start": start,
        "end": end,
        "period": documents.roc_period(start, end) if start else "",
        "period_query": period_query(start, end) if start else "",
        "batch_fields": _batch_fields(form) if start else {},
        "batches": evidence_batches.recent_batches(request.user),
    }
    return render(request, "evidence/list.html", ctx)


@login_required
def evidence_mine(request):
    """Anyone: their own evidence for a period, and its PDF."""
    form = PeriodForm.from_query(request.GET)
    evidence = None
    if form.is_valid():
        evidence = appraisal_evidence(request.user, *form.cleaned_data["period"])
        access_log.record_reads(
            request,
            access_log.Action.EVIDENCE_PAGE,
            [request.user],
            detail=_period_detail(*form.cleaned_data["period"]),
        )
    ctx = {
        "form": form,
        "evidence": evidence,
        "items": documents.evidence_rows(evidence) if evidence else [],
        "practices": documents.practice_rows(evidence) if evidence else [],
        "practice_totals": documents.practice_totals(evidence) if evidence else "",
        "period": documents.roc_period(evidence.start, evidence.end) if evidence else "",
        "period_query": period_query(evidence.start, evidence.end) if evidence else "",
        "total_amount": documents.money(evidence.totals["reward_amount"]) if evidence else "",
        "commendations": documents.commendations_text(evidence.totals["commendations"]) if evidence else "",
    }
    return render(request, "evidence/mine.html", ctx)


@login_required
def evidence_pdf(request, pk):
    """One person's evidence PDF, made in the request: HR for anyone, a person for their own."""
    # Decided before looking the person up, so a refusal says nothing about who exists.
    if request.user.pk != pk and not documents.may_read_all_evidence(request.user):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=pk)
    if not documents.may_read_evidence(request.user, person):
        raise PermissionDenied
    form = PeriodForm.from_query(request.GET)
    if not form.is_valid():
        return _bad_period(form)
    document = documents.person_evidence(person, *form.cleaned_data["period"], generated_by=request.user)
    access_log.record_reads(
        request,
        access_log.Action.EVIDENCE_PDF,
        [person],
        detail=_period_detail(*form.cleaned_data["period"]),
    )
    return pdf_response(document)


@login_required
@require_POST
def evidence_batch_start(request):
    """HR: queue the PDFs of everyone the list shows; each is made in the background."""
    if not documents.may_read_all_evidence(request.user):
        raise PermissionDenied
    form = BatchForm(request.POST)
    if not form.is_valid():
        return _bad_period(form)
    try:
        with transaction.atomic():
            once = submissions.claim(request.user, form.cleaned_data.get("submission_token"))
            batch = evidence_batches.start_evidence_batch(
                actor=request.user,
                start=form.cleaned_data["period"][0],
                end=form.cleaned_data["period"][1],
                unit=form.cleaned_data.get("unit"),
                with_items=form.cleaned_data.get("with_items", False),
            )
            once.done(reverse("evidence:batch", args=[batch.pk]))
    except submissions.AlreadySubmitted as earlier:
        messages.info(request, _("這份表單已經送出過，沒有重複建立。"))
        return redirect(earlier.url or "evidence:index")
    return redirect("evidence:batch", pk=batch.pk)


def _batch(request, pk):
    if not documents.may_read_all_evidence(request.user):
        raise PermissionDenied
    try:
        return evidence_batches.batch_for(request.user, pk)
    except EvidenceBatch.DoesNotExist:
        raise Http404 from None


@login_required
def evidence_batch(request, pk):
    """HR: a batch's progress (done / total), and its ZIP once finished."""
    batch = _batch(request, pk)
    progress = evidence_batches.progress(batch)
    ctx = {
        "batch": batch,
        "progress": progress,
        "period": documents.roc_period(batch.start, batch.end),
        "requested_at": documents.roc_timestamp(batch.requested_at),
        "failed": evidence_batches.failed_items(batch) if progress.failed else [],
        "zip_filename": evidence_batches.zip_filename(batch),
    }
    return render(request, "evidence/batch.html", ctx)


@login_required
def evidence_batch_progress(request, pk):
    """The batch's progress as JSON, for the page to poll."""
    batch = _batch(request, pk)
    progress = evidence_batches.progress(batch)
    return JsonResponse(
        {
            "total": progress.total,
            "done": progress.done,
            "failed": progress.failed,
            "files": progress.files,
            "finished": progress.finished,
            "zip_url": reverse("evidence:batch_zip", args=[batch.pk]) if progress.finished else None,
        }
    )


@login_required
def evidence_batch_zip(request, pk):
    """HR: the finished batch's PDFs in one ZIP."""
    batch = _batch(request, pk)
    if not evidence_batches.progress(batch).finished:
        return HttpResponse(
            _("這批考績佐證尚未產製完成，請稍候再下載。"),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    # One record per person whose PDF the ZIP holds, before any of it is sent.
    access_log.record_reads(
        request,
        access_log.Action.EVIDENCE_BATCH_ZIP,
        evidence_batches.people_in_zip(batch),
        detail=f"批次 {batch.pk}，{_period_detail(batch.start, batch.end)}",
    )
    response = FileResponse(
        evidence_batches.write_zip(batch),
        content_type="application/zip",
        as_attachment=True,
        filename=evidence_batches.zip_filename(batch),
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class FingerprintForm(forms.Form):
    fingerprint = forms.RegexField(
        label=gettext_lazy("資料指紋（SHA-256）"),
        regex=r"^\s*[0-9a-fA-F]{64}\s*$",
        max_length=80,
        error_messages={"invalid": gettext_lazy("資料指紋是 64 個十六進位字元（0–9、a–f）。")},
        widget=forms.TextInput(attrs={"size": 70, "spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_fingerprint(self):
        return self.cleaned_data["fingerprint"].strip().lower()


@login_required
def evidence_verify(request):
    """HR: which issued document a fingerprint printed on paper belongs to, and whether the
    system's data for that person and period still gives the same fingerprint."""
    if not documents.may_read_all_evidence(request.user):
        raise PermissionDenied
    form = FingerprintForm(request.GET or None)
    issued, current = [], {}
    if form.is_valid():
        fingerprint = form.cleaned_data["fingerprint"]
        issued = list(
            EvidenceDocument.objects.filter(fingerprint=fingerprint).select_related("person", "generated_by")[
                :50
            ]
        )
        for doc in issued:
            key = (doc.person_id, doc.start, doc.end)
            if key not in current:
                current[key] = appraisal_evidence(doc.person, doc.start, doc.end).fingerprint == fingerprint
        issued = [
            {
                "doc": doc,
                "period": documents.roc_period(doc.start, doc.end),
                "matches": current[(doc.person_id, doc.start, doc.end)],
            }
            for doc in issued
        ]
    return render(
        request,
        "evidence/verify.html",
        {"form": form, "issued": issued, "searched": form.is_bound and form.is_valid()},
    )
