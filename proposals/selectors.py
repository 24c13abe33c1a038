"""Reads of proposals: configuration by year, who sees what, lists, statistics, similarity."""

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Process

from governance import exports, taskbrief
from governance.casenumber import number_q
from governance.models import TrailEvent, Unit, User
from governance.notifications import DueItem
from governance.permissions import can, holds, is_overseer, units_where
from governance.rocdate import quarter_end, quarter_label, quarter_name
from governance.roles import Capability
from governance.selectors import primary_unit
from governance.text import commendation_label
from governance.trail import case_events
from plan.selectors import practice_label

from .models import (
    CASE_KIND,
    CASE_NUMBER_PREFIX,
    GradeBand,
    GramFrequency,
    ProgressReport,
    Proposal,
    ProposalGram,
    Proposer,
    ReviewerAssignment,
    ReviewRound,
    Reward,
    ScoringCriterion,
)
from .similarity import likeness, weight, words

State = Proposal.State

# Not-accepted and withdrawn proposals do not count in statistics (docs/domain.md, 「統計」).
UNCOUNTED_STATES = (State.DRAFT, State.WITHDRAWN, State.NOT_ACCEPTED)


def _rows_for_year(model, year):
    """The rows of the year, else of the latest earlier year, else the defaults (year 0)."""
    chosen = model.objects.filter(roc_year__lte=year or 0).order_by("-roc_year").values("roc_year")[:1]
    return list(model.objects.filter(roc_year=Coalesce(Subquery(chosen), Value(0))))


def criteria_for_year(year: int | None) -> list[ScoringCriterion]:
    return _rows_for_year(ScoringCriterion, year)


def grade_bands_for_year(year: int | None) -> list[GradeBand]:
    return sorted(_rows_for_year(GradeBand, year), key=lambda b: b.min_score, reverse=True)


def grade_for(total: Decimal | None, year: int | None) -> GradeBand | None:
    """The highest band whose minimum the total reaches, or None (below every band)."""
    if total is None:
        return None
    for band in grade_bands_for_year(year):
        if total >= band.min_score:
            return band
    return None


# ---------------------------------------------------------------- second review (複審)


def conflicted_reviewer_ids(proposal: Proposal) -> QuerySet:
    """The ids of the people who may not review or score `proposal`: its proposers, the
    submitter (position 0) and every co-proposer (docs/domain.md, 「複審」: a proposer is never
    assigned to, and can never score, their own proposal). No unit rule: a member of the
    proposing unit who is not a proposer may review.

    The one home of the conflict-of-interest rule: the assignment form leaves these people
    out, the assignment service refuses them, and the score step refuses them
    (`has_conflict_of_interest`). A queryset, usable as a subquery (`pk__in=`)."""
    return Proposer.objects.filter(proposal_id=proposal.pk).values_list("person_id", flat=True)


def _conflicted(user: User, proposal: Proposal) -> QuerySet:
    return User.objects.filter(pk=user.pk).filter(pk__in=conflicted_reviewer_ids(proposal))


def has_conflict_of_interest(user: User, proposal: Proposal) -> bool:
    """True if `user` may not review or score `proposal` (`conflicted_reviewer_ids`)."""
    return _conflicted(user, proposal).exists()


def conflict_of_interest(user: User, proposal: Proposal) -> Exists:
    """`has_conflict_of_interest` as an expression, asked within another query: the score
    step reads it with the assignment it locks, at no extra query."""
    return Exists(_conflicted(user, proposal))


def committee_members() -> QuerySet[User]:
    """Everyone who may be assigned to score: internal and external committee members."""
    codenames = [Capability.SCORE_PROPOSALS.value, Capability.SCORE_ASSIGNED_ONLY.value]
    return (
        User.objects.filter(is_active=True, groups__permissions__codename__in=codenames)
        .distinct()
        .order_by("username")
    )


def replacement_candidates(proposal: Proposal) -> QuerySet[User]:
    """Who may replace a member who declared 迴避: a committee member neither a proposer nor
    already assigned to this proposal (one who declared 迴避 included)."""
    return (
        committee_members()
        .exclude(pk__in=conflicted_reviewer_ids(proposal))
        .exclude(pk__in=proposal.reviewer_assignments.values("member_id"))
    )


def score_due_date(assigned_at: datetime.datetime) -> datetime.date:
    """The day a committee member's score is due: settings.SCORING_DAYS after the day (Asia/Taipei)
    they were assigned (docs/domain.md, 「複審」: "14 days from the assignment"). The one home of
    this date: the inbox and the new-task notice (the flow's `inbox_task_dues`) and the reminders
    (`due_for_reminders`) all ask here, from ReviewerAssignment.assigned_at."""
    return timezone.localdate(assigned_at) + _time_to_score()


def assigned_on_for_score_due(due: datetime.date) -> datetime.date:
    """The assignment day whose scores are due on `due` (`score_due_date`'s inverse)."""
    return due - _time_to_score()


def _time_to_score():
    return datetime.timedelta(days=settings.SCORING_DAYS)


def score_due_dates(assignment_ids: Iterable[int | None]) -> dict[int, datetime.date]:
    """{assignment id: the day its score is due}, in one query."""
    ids = [pk for pk in assignment_ids if pk is not None]
    rows = ReviewerAssignment.objects.filter(pk__in=ids).values_list("pk", "assigned_at")
    return {pk: score_due_date(assigned_at) for pk, assigned_at in rows}


# ---------------------------------------------------------------- who sees what


def can_view(user: User | AnonymousUser, proposal: Proposal) -> bool:
    if not user.is_authenticated:
        return False
    if proposal.submitter_id == user.pk or proposal.proposers.filter(person=user).exists():
        return True
    if proposal.state == State.DRAFT:
        return False
    units = [proposal.unit, proposal.lead_unit, *proposal.supporting_units.all()]
    if any(u is not None and can(user, Capability.VIEW_UNIT_CASES, u) for u in units):
        return True
    # Committee members, internal or external, see what they are assigned to.
    if proposal.reviewer_assignments.filter(member=user).exists():
        return True
    # HR records and checks the rewards of closed proposals (each read logged).
    return holds(user, Capability.RECORD_REWARDS) and proposal.rewards.exists()


def can_see_scores(user: User, proposal: Proposal) -> bool:
    """Scores: the 管考 office, the director, auditors; proposers once decided."""
    if is_overseer(user):
        return True
    if can(user, Capability.READ_TRAILS):
        return True
    return bool(proposal.decision) and proposal.proposers.filter(person=user).exists()


def _own(user: User) -> Q:
    """Proposals the person submitted or proposes. Their ids by two index look-ups, not joins
    (the lists would need DISTINCT over every proposal) nor a correlated EXISTS (PostgreSQL then
    checks it on every row, and misjudges the cost: 86 ms for a person's few at 30,000)."""
    submitted = Proposal.objects.filter(submitter=user).order_by().values("pk")
    proposed = Proposer.objects.filter(person=user).order_by().values("proposal_id")
    return Q(pk__in=submitted.union(proposed))


def visible_proposals(user: User | AnonymousUser) -> QuerySet[Proposal]:
    """Every proposal the person may open (drafts only their own)."""
    if not user.is_authenticated:
        return Proposal.objects.none()
    own = _own(user)
    if can(user, Capability.VIEW_UNIT_CASES):
        return Proposal.objects.filter(own | ~Q(state=State.DRAFT))
    units = units_where(user, Capability.VIEW_UNIT_CASES)
    supported = Proposal.supporting_units.through.objects.filter(proposal=OuterRef("pk"), unit__in=units)
    reviewed = ReviewerAssignment.objects.filter(proposal=OuterRef("pk"), member=user)
    shared = (Q(unit__in=units) | Q(lead_unit__in=units) | Q(Exists(supported)) | Q(Exists(reviewed))) & ~Q(
        state=State.DRAFT
    )
    return Proposal.objects.filter(own | shared)


def my_proposals(user: User) -> QuerySet[Proposal]:
    return Proposal.objects.filter(_own(user)).select_related("unit")


def unit_proposals(user: User) -> QuerySet[Proposal]:
    units = units_where(user, Capability.VIEW_UNIT_CASES)
    return (
        Proposal.objects.filter(Q(unit__in=units) | Q(lead_unit__in=units))
        .exclude(state=State.DRAFT)
        .select_related("unit")
    )


def may_list_all(user: User) -> bool:
    return can(user, Capability.VIEW_UNIT_CASES) or can(user, Capability.MANAGE_TRACKING)


def narrow_proposals(
    queryset: QuerySet[Proposal],
    *,
    year: int | None = None,
    unit: Unit | None = None,
    state: str | None = None,
    grade: str | None = None,
    text: str | None = None,
) -> QuerySet[Proposal]:
    """The list's filters alone, no order nor counts: a list page picks its rows among these."""
    if year:
        queryset = queryset.filter(roc_year=year)
    if unit:
        queryset = queryset.filter(unit=unit)
    if state:
        queryset = queryset.filter(state=state)
    if grade:
        queryset = queryset.filter(grade=grade)
    if text:
        queryset = queryset.filter(
            Q(title__icontains=text)
            | number_q(text, prefix=CASE_NUMBER_PREFIX, number_field="case_number")
            | Q(improvement__icontains=text)
            | Q(submitter__full_name__icontains=text)
        )
    return queryset


def with_score_counts(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The list's order and columns. "2/3": how many of the assigned scores are in, for those
    who follow the second review."""
    return (
        queryset.select_related("unit", "submitter")
        .annotate(
            reviewers=Count(
                "reviewer_assignments",
                filter=Q(reviewer_assignments__recused_at__isnull=True),
                distinct=True,
            ),
            scores_in=Count(
                "reviewer_assignments",
                filter=Q(reviewer_assignments__scored_at__isnull=False),
                distinct=True,
            ),
        )
        # Drafts (not sent) first on every database, as the list's pages show them.
        .order_by(F("submitted_at").desc(nulls_first=True), "-pk")
    )


def statistics(queryset: QuerySet[Proposal]) -> dict[str, int | list[dict]]:
    """Counts by state, unit and grade, without drafts, withdrawn and not-accepted proposals.

    One grouped query (state × unit × grade × decision, a few hundred groups at most however
    many proposals), summed here: six counts over a whole ten-year list took half a second at
    30,000 proposals. `queryset` may carry annotations (a list's score counts): the counts are
    then taken over its proposals anew, each once, in a subquery."""
    listed = queryset
    if queryset.query.annotations or queryset.query.distinct:
        # Counts joined in (a list's scores) would multiply the groups: its proposals anew.
        listed = Proposal.objects.filter(pk__in=queryset.order_by().values("pk"))
    groups = listed.values("state", "unit__name", "grade", "decision").annotate(n=Count("pk")).order_by()
    total = adopted = not_accepted = 0
    by_state, by_unit, by_grade = Counter(), Counter(), Counter()
    for group in groups:
        n = group["n"]
        if group["state"] == State.NOT_ACCEPTED:
            not_accepted += n
        if group["state"] in UNCOUNTED_STATES:
            continue
        total += n
        by_state[group["state"]] += n
        by_unit[group["unit__name"]] += n
        if group["grade"]:
            by_grade[group["grade"]] += n
        if group["decision"] == Proposal.Decision.ADOPT:
            adopted += n
    return {
        "total": total,
        "by_state": [{"state": k, "n": v} for k, v in sorted(by_state.items())],
        "by_unit": [{"unit__name": k, "n": v} for k, v in sorted(by_unit.items())],
        "by_grade": [{"grade": k, "n": v} for k, v in sorted(by_grade.items())],
        "adopted": adopted,
        "not_accepted": not_accepted,
    }


# ---------------------------------------------------------------- one proposal


def may_propose(user: User) -> bool:
    unit = primary_unit(user)
    return unit is not None and can(user, Capability.SUBMIT_FOR_UNIT, unit)


def history(proposal: Proposal, user: User | None = None) -> list[TrailEvent]:
    """The case's events; for `user`, with the closure's per-person rewards left out unless
    they may read everyone's (may_read_all_rewards): rewards are personal data."""
    events = case_events(CASE_KIND, proposal.trail_ref)
    if user is not None and not may_read_all_rewards(user):
        for event in events:
            if event.action == REWARDS_EVENT_ACTION:
                event.comment = _("（各提案人之獎勵僅人事室、館長、副館長、管考人員及提案人本人可檢視）")
    return events


# The closure's event (proposals.services._close_with_rewards), whose comment lists every
# proposer's reward.
REWARDS_EVENT_ACTION = "結案並登錄獎勵"


def may_read_all_rewards(user: User) -> bool:
    """Every proposer's reward: HR, the director and the deputy, the 管考 office; through their
    roles only, so an administrator or superuser without one reads none."""
    return any(
        holds(user, capability)
        for capability in (
            Capability.READ_APPRAISAL_EVIDENCE,
            Capability.RECORD_REWARDS,
            Capability.DECIDE_FOR_AGENCY,
            Capability.MANAGE_TRACKING,
        )
    )


def visible_rewards(user: User, proposal: Proposal) -> list[Reward]:
    """The per-person rewards of the proposal this person may read: all of them for
    may_read_all_rewards, a proposer's own otherwise (not their co-proposers'), none for
    anyone else (a supporting unit's staff, a committee member, an auditor)."""
    rewards = proposal.rewards.select_related("person").order_by("pk")
    if may_read_all_rewards(user):
        return list(rewards)
    return list(rewards.filter(person=user))


def reviewer_assignments(proposal: Proposal) -> list[ReviewerAssignment]:
    return list(
        ReviewerAssignment.objects.filter(proposal=proposal)
        .select_related("member", "replacement__member")
        .prefetch_related("scores")
    )


def score_context(proposal: Proposal, user: User) -> dict:
    """What the score table (templates/proposals/_scores.html) shows this person: every
    member's scores to those who may see them, and a member their own scores always."""
    assignments = reviewer_assignments(proposal)
    return {
        "assignments": assignments,
        "scoring_members": sum(1 for a in assignments if a.recused_at is None),
        "see_scores": can_see_scores(user, proposal),
        "my_assignment": next((a for a in assignments if a.member_id == user.pk), None),
    }


# What a review round's snapshot (ReviewRound.submitted_content) holds, in the proposal form's order.
ROUND_FIELDS = {
    "title": gettext_lazy("提案名稱"),
    "category": gettext_lazy("提案類別"),
    "plan_practice": gettext_lazy("對應服務品質計畫推動作法"),
    "proposers": gettext_lazy("提案人及貢獻比例"),
    "situation": gettext_lazy("現況說明／問題分析"),
    "improvement": gettext_lazy("改進意見／具體作法"),
    "benefit": gettext_lazy("預期效益"),
}


def _round_text(content: dict) -> dict[str, str]:
    """A snapshot as the texts compared and shown: the proposers as one line."""
    people = content.get("proposers") or []
    return {
        **{field: str(content.get(field) or "") for field in ROUND_FIELDS},
        "proposers": "、".join(f"{p['name']} {p['share']}%" for p in people),
    }


@dataclass
class RoundText:
    round: ReviewRound
    fields: list[tuple[str, str]]  # (label, text) of each field that has one
    changes: list[taskbrief.Change]  # what changed since the round before (none for the first)


def round_texts(proposal: Proposal) -> list[RoundText]:
    """Each first-review round's text as it was submitted, and what changed since the last one."""
    rounds = list(proposal.review_rounds.select_related("reviewer"))
    shown, before = [], None
    for r in rounds:
        text = _round_text(r.submitted_content)
        shown.append(
            RoundText(
                round=r,
                fields=[(label, text[field]) for field, label in ROUND_FIELDS.items() if text[field]],
                changes=taskbrief.changes(before, text, ROUND_FIELDS) if before is not None else [],
            )
        )
        before = text
    return shown


def last_approved_report(proposal: Proposal) -> ProgressReport | None:
    return (
        proposal.progress_reports.filter(approval=ProgressReport.Approval.APPROVED)
        .select_related("reporter", "approver")
        .prefetch_related("attachments")
        .order_by("-reported_at", "-pk")
        .first()
    )


# The duplicate check reads at most this many earlier proposals sharing the most rare words.
SIMILAR_CANDIDATES = 40
# A word piece in more than this share of proposals is too common to find candidates by.
COMMON_GRAM_SHARE = 0.05


def similar_proposals(proposal: Proposal, limit: int = 5) -> list[tuple[Proposal, float]]:
    """Earlier proposals that may be the same idea, best first, with their likeness (0–1;
    proposals.similarity), at or above settings.PROPOSAL_SIMILARITY_THRESHOLD. Reads the
    index: the proposals sharing the most of this one's rarer word pieces, then their pieces
    and the pieces' frequencies: six queries whatever the number of earlier proposals."""
    mine = words(proposal.title, proposal.improvement)
    if not mine:
        return []
    documents = Proposal.objects.filter(submitted_at__isnull=False).count()
    frequency = dict(GramFrequency.objects.filter(gram__in=sorted(mine)).values_list("gram", "proposals"))
    common = max(5, documents * COMMON_GRAM_SHARE)
    rare = sorted(g for g in mine if frequency.get(g, 0) <= common)
    candidates = list(
        ProposalGram.objects.filter(gram__in=rare)
        .exclude(proposal_id=proposal.pk)
        .values("proposal_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "proposal_id")
        .values_list("proposal_id", flat=True)[:SIMILAR_CANDIDATES]
    )
    earlier = Proposal.objects.filter(pk__in=candidates, submitted_at__isnull=False).exclude(
        state=State.DRAFT
    )
    if proposal.submitted_at:
        earlier = earlier.filter(submitted_at__lt=proposal.submitted_at)
    by_pk = earlier.select_related("unit").in_bulk()
    theirs: dict[int, set] = {pk: set() for pk in by_pk}
    for pk, gram in ProposalGram.objects.filter(proposal_id__in=list(by_pk)).values_list(
        "proposal_id", "gram"
    ):
        theirs[pk].add(gram)
    pieces = set().union(*theirs.values()) - mine
    frequency.update(GramFrequency.objects.filter(gram__in=sorted(pieces)).values_list("gram", "proposals"))
    weights = {g: weight(frequency.get(g, 0), documents) for g in mine | pieces}
    threshold = settings.PROPOSAL_SIMILARITY_THRESHOLD
    scored = [(other, likeness(mine, theirs[pk], weights)) for pk, other in by_pk.items()]
    scored = [(other, score) for other, score in scored if score >= threshold]
    scored.sort(key=lambda pair: (-pair[1], pair[0].pk))
    return scored[:limit]


def inbox_summaries(processes: Iterable[Process]) -> dict[int, dict]:
    """For the shared inbox: the case number, title and unit of each process, in one query."""
    ids = [p.pk for p in processes]
    rows = Proposal.objects.filter(process_id__in=ids).values_list(
        "process_id", "case_number", "title", "unit__name", "due_date"
    )
    return {
        process_id: {"case_number": number or "", "title": title, "unit": unit, "due": due}
        for process_id, number, title, unit, due in rows
    }


def contributions_of(person: User, start: datetime.date, end: datetime.date) -> list[dict]:
    """The person's proposals with something decided or done in [start, end] (dates), for
    appraisal evidence: plain rows, ordered by case number.

    Drafts, withdrawn and not-accepted proposals are left out, as in the statistics.
    """

    rows = (
        _contributions_in_period(start, end)
        .filter(person=person)
        .select_related("proposal")
        .order_by("proposal__case_number")
    )
    rewards = {
        r.proposal_id: r for r in person.proposal_rewards.filter(proposal__in=[p.proposal_id for p in rows])
    }
    result = []
    for proposer in rows:
        p = proposer.proposal
        reward = rewards.get(p.pk)
        result.append(
            {
                "kind": "proposal",
                "case_number": p.case_number,
                "title": p.title,
                "role": str(proposer.role_label),
                "share": proposer.share,
                "state": p.get_state_display(),
                "grade": p.grade,
                "decision": p.get_decision_display() if p.decision else "",
                "adopted": p.decision == Proposal.Decision.ADOPT,
                "decided_on": timezone.localdate(p.decided_at) if p.decided_at else None,
                "effectiveness": p.evaluation_rating,
                "closed_on": timezone.localdate(p.closed_at) if p.closed_at else None,
                "reference": "",
                "reward_amount": reward.amount if reward else 0,
                "commendations": reward.commendations if reward else 0,
                "commendation_label": commendation_label(reward.commendations) if reward else "",
                "rewarded": reward is not None,
            }
        )
    return result


def _contributions_in_period(start: datetime.date, end: datetime.date) -> QuerySet[Proposer]:
    """The proposer rows contributions_of lists, for anyone: one definition for both the
    per-person rows and the per-period totals, so the two cannot drift apart."""
    in_period = (
        Q(proposal__submitted_at__date__range=(start, end))
        | Q(proposal__decided_at__date__range=(start, end))
        | Q(proposal__closed_at__date__range=(start, end))
    )
    return Proposer.objects.filter(in_period).exclude(proposal__state__in=UNCOUNTED_STATES)


@dataclass(frozen=True)
class ContributionTotals:
    proposals: int = 0
    reward_amount: int = 0
    commendations: int = 0


def contribution_totals(
    person_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[int, ContributionTotals]:
    """contributions_of's counts and reward sums for many people at once, in two grouped
    queries whatever their number (HR's evidence list). People with nothing are left out."""
    ids = list(person_ids)
    rows = _contributions_in_period(start, end).filter(person_id__in=ids)
    counts = dict(rows.order_by().values("person_id").annotate(n=Count("pk")).values_list("person_id", "n"))
    # A reward counts only for a proposal the person is listed with in the period, as
    # contributions_of reads it: the proposer row is the filter, the reward holds the figures.
    sums = {
        person_id: (amount or 0, commendations or 0)
        for person_id, amount, commendations in Reward.objects.filter(person_id__in=ids)
        .filter(Exists(rows.filter(proposal_id=OuterRef("proposal_id"), person_id=OuterRef("person_id"))))
        .order_by()
        .values("person_id")
        .annotate(amount=Sum("amount"), commendations=Sum("commendations"))
        .values_list("person_id", "amount", "commendations")
    }
    return {person_id: ContributionTotals(n, *sums.get(person_id, (0, 0))) for person_id, n in counts.items()}


# ---------------------------------------------------------------- quarterly tracking report


def open_executions() -> list[dict]:
    """Proposals in execution or evaluation, for the quarterly tracking report (季列管報告).

    Plain rows in one query, ordered by lead unit (unit sort order) then due date: case
    number, title, state, due date, the unit answering for it (the lead unit, else the
    proposing unit) and the latest progress report that the unit head has not returned
    (its period and percent complete, None when there is none yet).
    """

    latest = (
        ProgressReport.objects.filter(proposal=OuterRef("pk"))
        .exclude(approval=ProgressReport.Approval.RETURNED)
        .order_by("-reported_at", "-pk")
    )
    rows = (
        Proposal.objects.filter(state__in=(State.EXECUTING, State.EVALUATING))
        .annotate(
            report_unit_id=Coalesce("lead_unit_id", "unit_id"),
            report_unit_name=Coalesce("lead_unit__name", "unit__name"),
            report_unit_sort=Coalesce("lead_unit__sort_order", "unit__sort_order"),
            report_unit_code=Coalesce("lead_unit__code", "unit__code"),
            latest_period=Subquery(latest.values("period")[:1]),
            latest_percent=Subquery(latest.values("percent_complete")[:1]),
        )
        .order_by("report_unit_sort", "report_unit_code", F("due_date").asc(nulls_last=True), "case_number")
        .values(
            "pk",
            "case_number",
            "title",
            "state",
            "due_date",
            "report_unit_id",
            "report_unit_name",
            "report_unit_sort",
            "report_unit_code",
            "latest_period",
            "latest_percent",
        )
    )
    labels = dict(State.choices)
    return [
        {
            "pk": r["pk"],
            "case_number": r["case_number"] or "",
            "title": r["title"],
            "state": r["state"],
            "state_label": str(labels.get(r["state"], r["state"])),
            "due_date": r["due_date"],
            "unit_id": r["report_unit_id"],
            "unit_name": r["report_unit_name"],
            "unit_sort": (r["report_unit_sort"], r["report_unit_code"]),
            "latest_period": r["latest_period"] or "",
            "latest_percent": r["latest_percent"],
        }
        for r in rows
    ]


def executions_due_by(day: datetime.date) -> list[dict]:
    """Proposals in execution whose planned completion (預定完成日) is on or before `day`, for the
    meeting agenda: pk, case number, title, due date and the name of the unit answering for it
    (the lead unit, else the proposing unit). One query, cut in SQL: a large agency has
    thousands in execution and few of them due.
    """
    rows = (
        Proposal.objects.filter(state=State.EXECUTING, due_date__lte=day)
        .annotate(answering_unit_name=Coalesce("lead_unit__name", "unit__name"))
        .order_by("due_date", "case_number")
        .values_list("pk", "case_number", "title", "due_date", "answering_unit_name")
    )
    return [
        {"pk": pk, "case_number": number or "", "title": title, "due_date": due, "unit_name": unit}
        for pk, number, title, due, unit in rows
    ]


# ---------------------------------------------------------------- reminders (governance.notifications)


def due_for_reminders(due_dates: Sequence[datetime.date]) -> list[DueItem]:
    """What proposals owe on one of `due_dates`, as reminders:

    - the quarterly progress report (季進度報告) of a proposal in execution, due at the end
      of each quarter after its adoption, until a report for that quarter is approved; the
      lead unit's liaisons answer for it;
    - a committee member's score (評分), due settings.SCORING_DAYS after the assignment
      (`score_due_date`);
      late scores are reported to the 管考 office that assigned them, then the director.
    """

    items = []
    for due in sorted(d for d in due_dates if quarter_end(d) == d):
        period = quarter_label(due)
        approved = ProgressReport.objects.filter(period=period, approval=ProgressReport.Approval.APPROVED)
        rows = (
            Proposal.objects.filter(state=State.EXECUTING, decided_at__date__lte=due)
            .exclude(pk__in=approved.values("proposal_id"))
            .annotate(report_unit_id=Coalesce("lead_unit_id", "unit_id"))
            .values_list("pk", "case_number", "title", "report_unit_id")
        )
        what = _("%(period)s進度報告") % {"period": quarter_name(period)}
        items += [
            DueItem(
                key=f"proposal:{pk}:{period}",
                what=what,
                case_number=number or "",
                title=title,
                due_date=due,
                url=reverse("proposals:detail", args=[pk]),
                unit_id=unit_id,
            )
            for pk, number, title, unit_id in rows
        ]
    assigned_on = [assigned_on_for_score_due(due) for due in due_dates]
    rows = ReviewerAssignment.objects.filter(
        scored_at__isnull=True,
        recused_at__isnull=True,
        proposal__state=State.SECOND_REVIEW,
        assigned_at__date__in=assigned_on,
    ).values_list(
        "pk",
        "proposal_id",
        "proposal__case_number",
        "proposal__title",
        "member_id",
        "assigned_by_id",
        "assigned_at",
    )

    for pk, proposal_id, number, title, member_id, assigned_by_id, assigned_at in rows:
        items.append(
            DueItem(
                key=f"score:{pk}",
                what=_("複審評分"),
                case_number=number or "",
                title=title,
                due_date=score_due_date(assigned_at),
                url=reverse("proposals:detail", args=[proposal_id]),
                responsible_ids=(member_id,),
                escalation_ids=(assigned_by_id,),
            )
        )
    return items


# ---------------------------------------------------------------- exports


EXPORT_COLUMNS = [
    exports.Column(gettext_lazy("案號"), 11),
    exports.Column(gettext_lazy("提案名稱"), 36),
    exports.Column(gettext_lazy("提案單位"), 16),
    exports.Column(gettext_lazy("提案人（貢獻比例）"), 28),
    exports.Column(gettext_lazy("狀態"), 12),
    exports.Column(gettext_lazy("等第"), 8),
    exports.Column(gettext_lazy("採行決定"), 10),
    exports.Column(gettext_lazy("送出日期"), 11),
    exports.Column(gettext_lazy("決定日期"), 11),
    exports.Column(gettext_lazy("主辦單位"), 16),
    exports.Column(gettext_lazy("預定完成日"), 11),
    exports.Column(gettext_lazy("結案日期"), 11),
    exports.Column(gettext_lazy("對應計畫推動作法"), 36),
]


def export_rows(queryset: QuerySet[Proposal]) -> Iterator[list]:
    """One row per proposal of a list's queryset (EXPORT_COLUMNS), read exports.CHUNK_SIZE at a
    time, with its proposers in one more query per chunk (no N+1, and never the whole list)."""
    proposers = Prefetch("proposers", queryset=Proposer.objects.select_related("person").order_by("position"))
    rows = queryset.select_related("unit", "lead_unit", "plan_practice__item__area").prefetch_related(
        proposers
    )
    for p in rows.iterator(chunk_size=exports.CHUNK_SIZE):
        yield [
            p.case_number or _("草稿"),
            p.title,
            p.unit.name,
            "、".join(f"{r.person.get_full_name()} {r.share}%" for r in p.proposers.all()),
            p.get_state_display(),
            p.grade,
            p.get_decision_display() if p.decision else "",
            p.submitted_at,
            p.decided_at,
            p.lead_unit.name if p.lead_unit else "",
            p.due_date,
            p.closed_at,
            practice_label(p.plan_practice) if p.plan_practice else "",
        ]
