"""The rewards of closed proposals as xlsx, ODS or CSV (獎勵清冊), for HR and the 管考 office.

?year=115 (or start/end dates) and ?unit=<code>; ?format=xlsx (default), ods or csv. The writing
itself is governance.exports.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import access_log, exports
from governance.models import Membership, Unit, User
from governance.periods import PeriodForm, period_label
from governance.permissions import holds
from governance.roles import Capability
from governance.text import commendation_label

from .models import Reward


def may_export_rewards(user):
    """HR (who reads appraisal evidence and records rewards) and the 管考 office, through
    their roles only: superuser status alone does not open personal data."""
    return (
        holds(user, Capability.READ_APPRAISAL_EVIDENCE)
        or holds(user, Capability.RECORD_REWARDS)
        or holds(user, Capability.MANAGE_TRACKING)
    )


class RewardFilterForm(PeriodForm):
    """The period (ROC or AD year, or dates; this year when none) in which rewards were
    recorded, and optionally a unit: its people's rewards, as on the evidence pages."""

    unit = forms.ModelChoiceField(
        label=gettext_lazy("單位"),
        queryset=Unit.objects.all(),
        required=False,
        to_field_name="code",
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
        Membership.objects.active_on(day)
        .filter(user_id__in=people_ids)
        .select_related("unit")
        .order_by("unit__sort_order", "role")
    )
    for m in memberships:
        units.setdefault(m.user_id, m.unit.name)
    return units


def _reward_rows(rewards, day):
    """The rows, a chunk of rewards at a time, with each chunk's people's units in one query."""
    for chunk in exports.in_chunks(rewards):
        units = units_on({r.person_id for r in chunk}, day)
        for r in chunk:
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


def _format_is_good(query):
    # A format the exports do not write is answered 400 and sends no one's data: nothing to log.
    try:
        exports.requested_format(query)
    except exports.ExportFormatError:
        return False
    return True


def rewards_export(request):
    """獎勵清冊: ?year=115 (or start/end dates) and ?unit=<code>."""
    if not may_export_rewards(request.user):
        raise PermissionDenied
    form = RewardFilterForm.from_query(request.GET)
    if not form.is_valid():
        return exports.bad_filters(form)
    start, end = form.cleaned_data["period"]
    unit = form.cleaned_data["unit"]
    rewards = period_rewards(start, end, unit)
    if _format_is_good(request.GET):
        # One record per person in the file (not per row: a person with three rewards is one
        # read), in the file's order; written before any row is sent.
        person_ids = list(dict.fromkeys(rewards.values_list("person_id", flat=True)))
        people = User.objects.in_bulk(person_ids)
        access_log.record_reads(
            request,
            access_log.Action.REWARD_EXPORT,
            [people[pk] for pk in person_ids],
            detail=f"期間 {period_label(start, end)}" + (f"，{unit.name}" if unit is not None else ""),
        )

    def name():
        text = _("獎勵清冊_%(period)s") % {"period": period_label(start, end)}
        return f"{text}_{unit.name}" if unit is not None else text

    return exports.export_response(request.GET, name, REWARD_COLUMNS, _reward_rows(rewards, end))
