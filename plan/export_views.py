"""Exports of the plan app: the practices of a plan version (/plan/<year>/v<n>/practices/),
?format=xlsx (default), ods or csv; the writing itself is governance.exports. The rewards of
closed proposals export from proposals.reward_export.

Proposal and finding lists export from their own pages (proposals.views.proposal_export,
audits.views.finding_export), through the same selectors and filters as the page.
"""

from django import forms
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import exports
from governance.models import Unit

from .models import PlanPractice, PlanVersion

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
    three queries whatever the number of practices (three per chunk when iterated in chunks)."""
    practices = (
        PlanPractice.objects.filter(item__area__version=version)
        .select_related("item__area")
        .prefetch_related(
            "deadlines", Prefetch("units", queryset=Unit.objects.order_by("sort_order", "code"))
        )
        .order_by(
            "item__area__sort_order", "item__area__pk", "item__sort_order", "item__pk", "sort_order", "pk"
        )
    )
    if unit is not None:
        practices = practices.filter(units=unit)
    return practices


def _practice_rows(practices):
    # Deadlines and units are prefetched a chunk at a time.
    for practice in practices.iterator(chunk_size=exports.CHUNK_SIZE):
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

    Like the plan's own pages (plan.views), open to everyone logged in: the plan
    is an agency-wide document.
    """
    version = get_object_or_404(
        PlanVersion.objects.select_related("plan"), plan__roc_year=roc_year, number=number
    )
    form = PracticeFilterForm(request.GET)
    if not form.is_valid():
        return exports.bad_filters(form)
    unit = form.cleaned_data["unit"]

    def name():
        text = _("%(plan)s第%(number)s版推動作法") % {"plan": version.plan.title, "number": version.number}
        return f"{text}_{unit.name}" if unit is not None else text

    return exports.export_response(
        request.GET, name, PRACTICE_COLUMNS, _practice_rows(version_practices(version, unit))
    )
