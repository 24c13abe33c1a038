"""Exports of the plan app (/plan/exports/): the practices of a plan version, and the
rewards of closed proposals for HR and the 管考 office. ?format=xlsx (default) or csv;
the writing itself is governance.exports.

Proposal and finding lists export from their own pages (proposals.views.proposal_export,
audits.views.finding_export), through the same selectors and filters as the page.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import exports
from .evidence import commendation_label, period_label
from .evidence_views import PeriodForm
from .models import Membership, PlanPractice, PlanVersion, Unit
from .permissions import can
from .roles import Capability


def _bad_filters(form):
    errors = "；".join(str(e) for field_errors in form.errors.values() for e in field_errors)
    return HttpResponseBadRequest(_("匯出條件有誤：%(errors)s") % {"errors": errors},
                                  content_type="text/plain; charset=utf-8")


# ---------------------------------------------------------------- plan practices


class PracticeFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("承辦單位"), queryset=Unit.objects.all(), required=False)


PRACTICE_COLUMNS = [
    exports.Column(gettext_lazy("實施要項"), 18),
    exports.Column(gettext_lazy("構面"), 20),
    exports.Column(gettext_lazy("執行項目"), 30),
    exports.Column(gettext_lazy("編號"), 7),
    exports.Column(gettext_lazy("推動作法"), 60),
    exports.Column(gettext_lazy("完成期限"), 24),
    exports.Column(gettext_lazy("完成期限（原文）"), 18),
    exports.Column(gettext_lazy("承辦單位"), 24),
]


def version_practices(version, unit=None):
    """The version's practices in the plan's order, with area, item, deadlines and units:
    three queries whatever the number of practices."""
    practices = (
        PlanPractice.objects.filter(item__area__version=version)
        .select_related("item__area")
        .prefetch_related("deadlines", Prefetch("units", queryset=Unit.objects.order_by("sort_order", "code")))
        .order_by("item__area__sort_order", "item__area__pk", "item__sort_order", "item__pk", "sort_order", "pk")
    )
    if unit is not None:
        practices = practices.filter(units=unit)
    return practices


def _practice_rows(practices):
    for practice in practices:
        item, area = practice.item, practice.item.area
        units = [u.name for u in practice.units.all()]
        yield [
            f"{area.number}、{area.title}" if area.number else area.title,
            item.dimension,
            f"{item.number} {item.title}".strip(),
            practice.number,
            practice.text,
            "、".join(exports.roc_date(d.due_date) for d in practice.deadlines.all()),
            practice.deadline_text,
            "、".join(units) if units else practice.unit_text,
        ]


def practices_export(request, roc_year, number):
    """推動作法 of one plan version (optionally of one responsible unit: ?unit=<id>).

    Like the plan's own pages (governance.plan_views), open to everyone logged in: the plan
    is an agency-wide document.
    """
    version = get_object_or_404(PlanVersion.objects.select_related("plan"), plan__roc_year=roc_year,
                                number=number)
    form = PracticeFilterForm(request.GET)
    if not form.is_valid():
        return _bad_filters(form)
    unit = form.cleaned_data["unit"]

    def name():
        text = _("%(plan)s第%(number)s版推動作法") % {"plan": version.plan.title, "number": version.number}
        return f"{text}_{unit.name}" if unit is not None else text

    return exports.export_response(request.GET, name, PRACTICE_COLUMNS,
                                   _practice_rows(version_practices(version, unit)))


# ---------------------------------------------------------------- rewards


def may_export_rewards(user):
    """HR (who reads appraisal evidence and records rewards) and the 管考 office."""
    return (
        can(user, Capability.READ_APPRAISAL_EVIDENCE)
        or can(user, Capability.RECORD_REWARDS)
        or can(user, Capability.MANAGE_TRACKING)
    )


class RewardFilterForm(PeriodForm):
    """The period (ROC or AD year, or dates; this year when none) in which rewards were
    recorded, and optionally a unit: its people's rewards, as on the evidence pages."""

    unit = forms.ModelChoiceField(
        label=gettext_lazy("單位"), queryset=Unit.objects.all(), required=False, to_field_name="code",
    )


REWARD_COLUMNS = [
    exports.Column(gettext_lazy("案號"), 11),
    exports.Column(gettext_lazy("提案名稱"), 36),
    exports.Column(gettext_lazy("姓名"), 10),
    exports.Column(gettext_lazy("單位"), 16),
    exports.Column(gettext_lazy("角色"), 12),
    exports.Column(gettext_lazy("貢獻比例（%）"), 10),
    exports.Column(gettext_lazy("等第"), 8),
    exports.Column(gettext_lazy("獎金（元）"), 10),
    exports.Column(gettext_lazy("建議敘獎"), 14),
    exports.Column(gettext_lazy("採行決定日期"), 12),
    exports.Column(gettext_lazy("登錄日期"), 11),
]


def period_rewards(start, end, unit=None):
    """Rewards recorded in [start, end] (Taipei dates), by case number; of the people who
    belonged to `unit` during the period when given."""
    from proposals.models import Reward

    rewards = Reward.objects.filter(recorded_at__date__range=(start, end))
    if unit is not None:
        members = Membership.objects.filter(unit=unit, valid_from__lte=end).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=start)
        )
        rewards = rewards.filter(person__in=members.values("user_id"))
    return rewards.select_related("proposal", "person").order_by(
        "proposal__roc_year", "proposal__sequence", "pk"
    )


def units_on(people_ids, day):
    """Each person's unit on `day` (their first membership in the agency's order), in one query."""
    units = {}
    memberships = (
        Membership.objects.active_on(day).filter(user_id__in=people_ids)
        .select_related("unit").order_by("unit__sort_order", "role")
    )
    for m in memberships:
        units.setdefault(m.user_id, m.unit.name)
    return units


def _reward_rows(rewards, units):
    for r in rewards:
        yield [
            r.proposal.case_number,
            r.proposal.title,
            r.person.get_full_name(),
            units.get(r.person_id, ""),
            r.role,
            r.share,
            r.grade,
            r.amount,
            commendation_label(r.commendations),
            r.proposal.decided_at,
            r.recorded_at,
        ]


def rewards_export(request):
    """獎勵清冊: ?year=115 (or start/end dates) and ?unit=<code>."""
    if not may_export_rewards(request.user):
        raise PermissionDenied
    form = RewardFilterForm.from_query(request.GET)
    if not form.is_valid():
        return _bad_filters(form)
    start, end = form.cleaned_data["period"]
    unit = form.cleaned_data["unit"]
    rewards = list(period_rewards(start, end, unit))
    units = units_on({r.person_id for r in rewards}, end)

    def name():
        text = _("獎勵清冊_%(period)s") % {"period": period_label(start, end)}
        return f"{text}_{unit.name}" if unit is not None else text

    return exports.export_response(request.GET, name, REWARD_COLUMNS, _reward_rows(rewards, units))
