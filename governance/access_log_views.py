"""The personal-data access log's pages (個資存取紀錄): auditors read and export all of it, HR
one person at a time, and everyone their own ("who looked at my evidence").

The records themselves are written by governance.access_log; reading them here is not logged
again (the log of the log would never end), but only those above may read it, through their
roles: an administrator or superuser without one reads none of it.
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import exports, paging
from .models import PersonalDataAccess, User
from .permissions import holds
from .rocdate import TAIPEI, ROCDateField
from .roles import Capability

# Newest first: filtered_records' order, served by the indexes on (subject or actor, -sequence).
LIST_ORDER = ("-sequence",)


def may_read_whole_log(user: User) -> bool:
    """Auditors (READ_ACCESS_LOG)."""
    return holds(user, Capability.READ_ACCESS_LOG)


def may_read_log_per_person(user: User) -> bool:
    """HR (READ_APPRAISAL_EVIDENCE) reads it one person at a time; auditors as they like."""
    return may_read_whole_log(user) or holds(user, Capability.READ_APPRAISAL_EVIDENCE)


class PersonField(forms.CharField):
    """A person by account (帳號) or by full name, typed: a list of every person would be
    thousands of options at a ministry (286 KB and half a second a page at 3,000 people)."""

    def __init__(self, **kwargs):
        attrs = {"autocomplete": "off", "size": 12, "placeholder": gettext_lazy("帳號或姓名")}
        super().__init__(widget=forms.TextInput(attrs=attrs), **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        people = get_user_model().objects
        by_account = people.filter(username=text).first()
        if by_account is not None:
            return by_account
        named = list(people.filter(full_name=text).order_by("username")[:2])
        if len(named) == 1:
            return named[0]
        if named:
            raise forms.ValidationError(_("同名者不只一位，請輸入帳號。"), code="ambiguous")
        raise forms.ValidationError(
            _("查無「%(text)s」，請輸入帳號或姓名。") % {"text": text}, code="unknown"
        )


class AccessLogFilterForm(forms.Form):
    subject = PersonField(label=gettext_lazy("當事人"), required=False)
    actor = PersonField(label=gettext_lazy("存取者"), required=False)
    action = forms.ChoiceField(
        label=gettext_lazy("動作"),
        choices=[("", gettext_lazy("全部動作")), *PersonalDataAccess.Action.choices],
        required=False,
    )
    start = ROCDateField(label=gettext_lazy("起日"), required=False)
    end = ROCDateField(label=gettext_lazy("迄日"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("起日不可晚於迄日。"))
        return data


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=TAIPEI)


def filtered_records(
    *,
    subject: User | None = None,
    actor: User | None = None,
    action: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[PersonalDataAccess]:
    """The log's records, newest first, narrowed by the filters given (dates in Taipei)."""
    records = PersonalDataAccess.objects.all()
    if subject is not None:
        records = records.filter(subject=subject)
    if actor is not None:
        records = records.filter(actor=actor)
    if action:
        records = records.filter(action=action)
    if start:
        records = records.filter(occurred_at__gte=_day_start(start))
    if end:
        records = records.filter(occurred_at__lt=_day_start(end + datetime.timedelta(days=1)))
    return records.order_by("-sequence")


def _filtered(request: HttpRequest) -> tuple[AccessLogFilterForm, QuerySet[PersonalDataAccess] | None]:
    """The form and its records; None when the filters are wrong, or when HR has not named
    the one person whose records they want."""
    if not may_read_log_per_person(request.user):
        raise PermissionDenied
    form = AccessLogFilterForm(request.GET or None)
    if not form.is_bound:
        form = AccessLogFilterForm({})
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    if data["subject"] is None and not may_read_whole_log(request.user):
        return form, None
    return form, filtered_records(
        subject=data["subject"],
        actor=data["actor"],
        action=data["action"],
        start=data["start"],
        end=data["end"],
    )


@login_required
def access_log_index(request: HttpRequest) -> HttpResponse:
    """Auditors: the whole log, filtered; HR: one person's records."""
    form, records = _filtered(request)
    page = paging.keyset_page(request, records, LIST_ORDER) if records is not None else None
    ctx = {
        "form": form,
        "records": page.rows if page else None,
        "page": page,
        "needs_subject": not may_read_whole_log(request.user),
        "export_links": exports.export_links(paging.filters_of(request.GET), reverse("access_log:export")),
    }
    return render(request, "governance/access_log.html", ctx)


COLUMNS = [
    exports.Column(gettext_lazy("序號"), 8),
    exports.Column(gettext_lazy("時間"), 20),
    exports.Column(gettext_lazy("存取者"), 22),
    exports.Column(gettext_lazy("動作"), 20),
    exports.Column(gettext_lazy("當事人"), 22),
    exports.Column(gettext_lazy("說明"), 36),
    exports.Column(gettext_lazy("來源 IP"), 16),
    exports.Column(gettext_lazy("請求代號"), 34),
    exports.Column(gettext_lazy("本筆雜湊"), 66),
]


def _rows(records):
    for r in records.iterator(chunk_size=exports.CHUNK_SIZE):
        yield [
            r.sequence,
            r.occurred_at.astimezone(TAIPEI).strftime("%Y-%m-%d %H:%M:%S"),
            r.actor_name,
            r.get_action_display(),
            r.subject_name,
            r.detail,
            r.ip_address or "",
            r.request_id,
            r.hash,
        ]


@login_required
def access_log_export(request: HttpRequest) -> HttpResponse:
    """The filtered records as xlsx, ODS or CSV, each with its hash (to check against the chain)."""
    form, records = _filtered(request)
    if records is None:
        if form.errors:
            return exports.bad_filters(form)
        return HttpResponseBadRequest(_("請選擇當事人。"), content_type="text/plain; charset=utf-8")
    return exports.export_response(request.GET, gettext_lazy("個資存取紀錄"), COLUMNS, _rows(records))


@login_required
def access_log_mine(request: HttpRequest) -> HttpResponse:
    """Anyone: who read their evidence and rewards, and who changed their roles, and when."""
    page = paging.keyset_page(request, filtered_records(subject=request.user), LIST_ORDER)
    ctx = {"records": page.rows, "page": page}
    return render(request, "governance/access_log_mine.html", ctx)
