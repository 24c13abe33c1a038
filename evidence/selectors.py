"""Appraisal evidence (考績佐證): what a person contributed in a period, as HR reads it.

The rows come from each process's own selectors (proposals and audit findings, and the
plan's practices the person was named 承辦人 of, a reference only: routine work earns no
formal reward); this module adds the header, the totals and a fingerprint: the SHA-256 of the
data the document is made from, so the same data always gives the same
fingerprint and any change to it gives another.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone, translation

from audits.selectors import contributions_of as finding_rows
from audits.selectors import finding_counts
from governance.models import Membership, Unit, User
from governance.selectors import primary_unit, primary_units
from governance.text import commendation_label
from plan.practice_officers import duty_counts, officer_duties, officers_in_period
from proposals.selectors import ContributionTotals
from proposals.selectors import contribution_totals as proposal_totals
from proposals.selectors import contributions_of as proposal_rows


@dataclass
class Evidence:
    person_id: int
    full_name: str
    job_title: str
    unit_name: str
    start: datetime.date
    end: datetime.date
    items: list
    totals: dict
    # The plan's practices the person was 承辦人 of (plan.practice_officers.officer_duties).
    practices: list = field(default_factory=list)
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def has_items(self):
        """Anything to show: an item, or a practice the person carried."""
        return bool(self.items or self.practices)

    def data(self):
        """What the document is made from (the generation time is not part of it). The
        practices are part of it only when there are some, so a person without any keeps the
        fingerprint their documents were issued with."""
        data = {
            "person_id": self.person_id,
            "full_name": self.full_name,
            "job_title": self.job_title,
            "unit_name": self.unit_name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "items": self.items,
            "totals": self.totals,
        }
        if self.practices:
            data["practices"] = self.practices
        return data

    @property
    def fingerprint(self):
        canonical = json.dumps(
            self.data(), ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def appraisal_evidence(person: User, start: datetime.date, end: datetime.date) -> Evidence:
    if start > end:
        raise ValueError("期間起日晚於迄日")
    # The document is an official one, in Chinese whatever the reader's interface language;
    # the labels are part of the fingerprinted data, so they must not vary either.
    with translation.override("zh-hant"):
        proposals = proposal_rows(person, start, end)
        findings = finding_rows(person, start, end)
        practices = officer_duties(person, start, end)
    items = proposals + findings
    commendations = sum(item["commendations"] for item in items)
    unit = primary_unit(person, end)
    return Evidence(
        person_id=person.pk,
        full_name=person.get_full_name(),
        job_title=person.job_title,
        unit_name=unit.name if unit else "",
        start=start,
        end=end,
        items=items,
        totals={
            "items": len(items),
            "proposals": len(proposals),
            "adopted": sum(1 for i in proposals if i["adopted"]),
            "findings": len(findings),
            "reward_amount": sum(item["reward_amount"] for item in items),
            "commendations": commendations,
            "commendation_label": commendation_label(commendations),
        },
        practices=practices,
    )


# ---------------------------------------------------------------- totals for a list


@dataclass(frozen=True)
class EvidenceSummary:
    """What HR's list shows of a person's evidence: the figures of appraisal_evidence's
    header and totals, without its rows."""

    person_id: int
    unit_name: str
    items: int
    practices: int
    reward_amount: int
    commendations: int

    @property
    def has_items(self) -> bool:
        # As Evidence.has_items: an item, or a practice the person carried.
        return bool(self.items or self.practices)

    @property
    def commendation_label(self) -> str:
        return commendation_label(self.commendations)


def evidence_summaries(
    people: Iterable[User], start: datetime.date, end: datetime.date
) -> dict[int, EvidenceSummary]:
    """appraisal_evidence's totals for many people at once, by person id: a fixed number of
    grouped queries however many people (appraisal_evidence per person ran about five each,
    187 for the demo's 36). The figures are appraisal_evidence's; the tests compare them."""
    if start > end:
        raise ValueError("期間起日晚於迄日")
    ids = [person.pk for person in people]
    proposals = proposal_totals(ids, start, end)
    findings = finding_counts(ids, start, end)
    practices = duty_counts(ids, start, end)
    units = primary_units(ids, end)
    summaries = {}
    for person_id in ids:
        totals = proposals.get(person_id, ContributionTotals())
        unit = units.get(person_id)
        summaries[person_id] = EvidenceSummary(
            person_id=person_id,
            unit_name=unit.name if unit else "",
            items=totals.proposals + findings.get(person_id, 0),
            practices=practices.get(person_id, 0),
            # Findings carry no reward: the proposals' rewards are the whole of it.
            reward_amount=totals.reward_amount,
            commendations=totals.commendations,
        )
    return summaries


# ---------------------------------------------------------------- people


def people_in_period(
    start: datetime.date, end: datetime.date, unit: Unit | None = None
) -> list[tuple[User, Unit | None]]:
    """The people with a unit membership during [start, end] (of `unit` when given).

    (person, unit) pairs ordered by unit and login; a person with several memberships
    appears once, with the first unit in the agency's order. Without `unit` (everyone),
    the active people with no membership in the period follow, with unit None: the
    director, the 管考 officer or a committee member may have contributions too. Whoever was
    named 承辦人 of a practice of the unit (of any unit without `unit`) in the period is listed
    too, even after leaving it.
    """
    return people_of(people_ids_in_period(start, end, unit))


def people_ids_in_period(
    start: datetime.date, end: datetime.date, unit: Unit | None = None
) -> list[tuple[int, int | None]]:
    """people_in_period as (person id, unit id) pairs, in its order: HR's list pages these and
    loads its page's people only (people_of), 50 of a ministry's 3,000."""
    memberships = Membership.objects.filter(valid_from__lte=end).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=start)
    )
    if unit is not None:
        memberships = memberships.filter(unit=unit)
    pairs = memberships.order_by("unit__sort_order", "unit__code", "user__username", "role").values_list(
        "user_id", "unit_id"
    )
    seen, people = set(), []
    for user_id, unit_id in pairs:
        if user_id not in seen:
            seen.add(user_id)
            people.append((user_id, unit_id))
    for person, officer_unit in officers_in_period(start, end, unit):
        if person.pk not in seen:
            seen.add(person.pk)
            people.append((person.pk, officer_unit.pk))
    if unit is None:
        others = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(pk__in=memberships.values("user_id"))
            .order_by("username")
            .values_list("pk", flat=True)
        )
        people.extend((pk, None) for pk in others if pk not in seen)  # officers already listed
    return people


def people_of(pairs: Sequence[tuple[int, int | None]]) -> list[tuple[User, Unit | None]]:
    """(person, unit) for (person id, unit id) pairs, in their order: each person and unit read
    once (not three model objects a membership)."""
    persons = get_user_model().objects.in_bulk([person_id for person_id, _unit_id in pairs])
    units = Unit.objects.in_bulk({unit_id for _person_id, unit_id in pairs if unit_id is not None})
    return [(persons[person_id], units.get(unit_id)) for person_id, unit_id in pairs]
