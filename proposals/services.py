"""Everything that changes a proposal.

Each function checks that the acting person may act, changes the proposal and
writes its trail event in one transaction. Task steps receive the started
activation of their viewflow task (the flow's views pass request.activation;
code and tests go through `run_task`, which does what viewflow's view wrapper
does: lock the process, check the owner, start the task) and end by executing
it, so the flow moves on in the same transaction.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.activation import Activation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance import inbox, notifications, workflow
from governance.casenumber import format_number
from governance.cases import move_case, record_case_event, store_attachments
from governance.models import Unit, User
from governance.nodes import record_outcome
from governance.permissions import can, load_capabilities, require
from governance.rocdate import PERIOD_CODE, format_roc, quarter_end, quarter_label, quarter_name, roc_year
from governance.roles import Capability, UnitRole, permission_name
from governance.selectors import primary_unit, unit_people_ids
from governance.text import commendation_label
from plan.selectors import practice_label, practices_to_link

from . import selectors
from .models import (
    CASE_KIND,
    CASE_NUMBER_PREFIX,
    Attachment,
    GramFrequency,
    Milestone,
    NotAcceptedReason,
    ProgressReport,
    Proposal,
    ProposalGram,
    ProposalProcess,
    Proposer,
    ReviewerAssignment,
    ReviewRound,
    Reward,
    Score,
    ScoringCriterion,
)
from .similarity import words

State = Proposal.State
SYSTEM = None  # trail actor for steps the flow runs by itself


# ---------------------------------------------------------------- helpers


# A proposal's steps go through governance.cases, as every case's do; these only name the kind.


def _tell_proposers(proposal, key, subject, text, person_ids=None):
    """A decision that gives the proposers no task: they hear of it once the step commits
    (governance.notifications.notify). Kept texts, in the agency's language."""
    if person_ids is None:
        person_ids = list(proposal.proposers.values_list("person_id", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        notifications.notify(
            recipient_ids=person_ids,
            key=f"proposal:{proposal.pk}:{key}",
            subject=(
                _("%(subject)s：%(case_number)s %(title)s")
                % {"subject": subject, "case_number": proposal.case_number, "title": proposal.title}
            ),
            text=_("您的創意提案 %(case_number)s「%(title)s」%(text)s")
            % {"case_number": proposal.case_number, "title": proposal.title, "text": text},
            url=reverse("proposals:detail", args=[proposal.pk]),
        )


def _reward_text(amount, commendations):
    parts = []
    if amount:
        parts.append(_("獎金 %(amount)s 元") % {"amount": f"{amount:,}"})
    if commendations:
        parts.append(commendation_label(commendations))
    return "、".join(parts)


def _trail(proposal, actor, action, from_state="", to_state="", comment="", attachments=()):
    record_case_event(
        proposal,
        kind=CASE_KIND,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        attachments=attachments,
    )


def _move(proposal, actor, action, to_state, comment="", attachments=(), fields=()):
    move_case(
        proposal,
        kind=CASE_KIND,
        actor=actor,
        action=action,
        to_state=to_state,
        fields=fields,
        comment=comment,
        attachments=attachments,
    )


def _proposal_of(activation, *related):
    """The task's proposal, its row locked (with `related` rows read, not locked)."""
    proposals = Proposal.objects.select_related(*related) if related else Proposal.objects
    return proposals.select_for_update(of=("self",)).get(pk=activation.process.proposal_id)


# Code, the demo and tests act on tasks through these; views get viewflow's activation.
run_task = workflow.run_task
claim_task = workflow.claim_task
_require_task_owner = workflow.require_task_owner


# ---------------------------------------------------------------- attachments


def _store_attachments(proposal, uploads, actor, purpose, progress_report=None):
    return store_attachments(
        Attachment, uploads, actor=actor, proposal=proposal, purpose=purpose, progress_report=progress_report
    )


# ---------------------------------------------------------------- drafts and submission


@dataclass
class ProposalContent:
    title: str
    situation: str
    improvement: str
    benefit: str
    category: object
    plan_practice: object = None  # a governance PlanPractice, or None

    def snapshot(self):
        return {
            "title": self.title,
            "situation": self.situation,
            "improvement": self.improvement,
            "benefit": self.benefit,
            "category": str(self.category),
            "plan_practice": practice_label(self.plan_practice) if self.plan_practice else "",
        }


def _check_proposers(actor, co_proposers):
    """co_proposers: [(person, share)] besides the submitter, whose share is the rest."""
    people = [person for person, _share in co_proposers]
    if actor in people:
        raise ValidationError(_("共同提案人不可包含提案人本人。"))
    if len(set(p.pk for p in people)) != len(people):
        raise ValidationError(_("共同提案人不可重複。"))
    total = sum(share for _person, share in co_proposers)
    if any(share < 1 for _person, share in co_proposers) or total >= 100:
        raise ValidationError(_("每位共同提案人的貢獻比例至少 1%，合計須小於 100%（其餘為提案人）。"))
    return [(actor, 100 - total), *co_proposers]


def _set_proposers(proposal, proposers, new=False):
    if not new:
        proposal.proposers.all().delete()
    Proposer.objects.bulk_create(
        Proposer(proposal=proposal, person=person, share=share, position=i)
        for i, (person, share) in enumerate(proposers)
    )


def _index_words(proposal):
    """The proposal's word pieces in the duplicate check's index (proposals.similarity), in
    place of an earlier round's, and the pieces' frequencies kept up to date."""
    pieces = words(proposal.title, proposal.improvement)
    before = set(ProposalGram.objects.filter(proposal=proposal).values_list("gram", flat=True))
    gone, added = sorted(before - pieces), sorted(pieces - before)
    ProposalGram.objects.filter(proposal=proposal, gram__in=gone).delete()
    ProposalGram.objects.bulk_create([ProposalGram(proposal=proposal, gram=g) for g in added])
    GramFrequency.objects.filter(gram__in=gone).update(proposals=F("proposals") - 1)
    GramFrequency.objects.bulk_create([GramFrequency(gram=g) for g in added], ignore_conflicts=True)
    GramFrequency.objects.filter(gram__in=added).update(proposals=F("proposals") + 1)


def _set_content(proposal, content):
    """The content onto the proposal; a practice it names is one of the current plan's, or
    the one it already named (drafts written before a plan revision keep theirs)."""
    practice = content.plan_practice
    if practice is not None and practice.pk != proposal.plan_practice_id:
        if not practices_to_link().filter(pk=practice.pk).exists():
            raise ValidationError(_("請選擇現行服務品質計畫的推動作法。"))
    for field, value in content.__dict__.items():
        setattr(proposal, field, value)


@transaction.atomic
def save_draft(
    *,
    actor: User,
    content: ProposalContent,
    co_proposers: Iterable[tuple[User, int]] = (),
    uploads: Iterable[UploadedFile] = (),
    proposal: Proposal | None = None,
) -> Proposal:
    """Create or edit a draft; only its submitter edits it."""
    new = proposal is None
    if new:
        unit = primary_unit(actor)
        if unit is None or not can(actor, Capability.SUBMIT_FOR_UNIT, unit):
            raise PermissionDenied(_("您沒有所屬單位，無法提案"))
        proposal = Proposal(unit=unit, submitter=actor)
        action = "建立提案草稿"
    else:
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.submitter_id != actor.pk:
            raise PermissionDenied(_("只有提案人可以編輯草稿"))
        if proposal.state != State.DRAFT:
            raise ValidationError(_("提案已送出，不能再以草稿編輯。"))
        action = "修改提案草稿"
    proposers = _check_proposers(actor, list(co_proposers))
    _set_content(proposal, content)
    proposal.full_clean(exclude=["process", "unit", "submitter"])
    proposal.save()
    _set_proposers(proposal, proposers, new=new)
    stored = _store_attachments(proposal, uploads, actor, Attachment.Purpose.PROPOSAL)
    _trail(proposal, actor, action, to_state=State.DRAFT, attachments=stored)
    return proposal


def _assign_case_number(proposal, today):
    """The next number of the ROC year; the unique constraint settles a race, then we retry."""
    year = roc_year(today)
    for _attempt in range(10):
        last = (
            Proposal.objects.filter(roc_year=year)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
        )
        proposal.roc_year, proposal.sequence = year, (last or 0) + 1
        proposal.case_number = format_number(CASE_NUMBER_PREFIX, year, proposal.sequence)
        try:
            with transaction.atomic():
                proposal.save(update_fields=["roc_year", "sequence", "case_number"])
            return
        except IntegrityError:
            continue
    raise RuntimeError("無法配賦案號，請稍後再試")


def _new_round(proposal, number=None):
    """The next review round with the content as submitted (`number` when the caller knows it)."""
    number = number or proposal.review_rounds.count() + 1
    return ReviewRound.objects.create(
        proposal=proposal,
        number=number,
        submitted_content=ProposalContent(
            proposal.title,
            proposal.situation,
            proposal.improvement,
            proposal.benefit,
            proposal.category,
            proposal.plan_practice,
        ).snapshot()
        | {
            "proposers": [
                {"name": p.person.get_full_name(), "share": p.share}
                for p in proposal.proposers.select_related("person")
            ]
        },
        submitted_at=timezone.now(),
    )


@transaction.atomic
def submit_proposal(*, actor: User, proposal: Proposal) -> Proposal:
    """Send a draft to its unit head: it gets its case number and its process."""
    ProposalFlow = workflow.flow_of(ProposalProcess)
    proposal = (
        Proposal.objects.select_related("category", "plan_practice")
        .select_for_update(of=("self",))
        .get(pk=proposal.pk)
    )
    if proposal.submitter_id != actor.pk:
        raise PermissionDenied(_("只有提案人可以送出提案"))
    if proposal.state != State.DRAFT:
        raise ValidationError(_("此提案已送出。"))
    now = timezone.now()
    if proposal.case_number is None:
        _assign_case_number(proposal, now)
    proposal.submitted_at = now
    _new_round(proposal, number=1)  # a draft has had no round: rounds begin at submission
    proposal.process = ProposalFlow.start.run(proposal=proposal)
    _move(proposal, actor, "送出提案", State.FIRST_REVIEW, fields=["submitted_at", "process"])
    _index_words(proposal)
    return proposal


def _open_tasks(proposal):
    return Task.objects.filter(
        process_id=proposal.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
    )


def can_withdraw(user: User, proposal: Proposal) -> bool:
    if proposal.submitter_id != user.pk or proposal.state not in (State.FIRST_REVIEW, State.RETURNED):
        return False
    # Before the head has decided anything on this round: the review task is untouched.
    return not _open_tasks(proposal).filter(status=STATUS.STARTED).exists()


@transaction.atomic
def withdraw_proposal(*, actor: User, proposal: Proposal, confirmed: bool, reason: str = "") -> Proposal:
    """The submitter takes the proposal back before first review; it cannot be undone, so the
    person must have said they mean it (`confirmed`)."""
    ProposalFlow = workflow.flow_of(ProposalProcess)
    if proposal.submitter_id != actor.pk:
        raise PermissionDenied(_("只有提案人可以撤回提案"))
    if proposal.state == State.DRAFT:
        raise ValidationError(_("草稿尚未送出，不需撤回。"))
    with ProposalFlow.lock(proposal.process_id):
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not can_withdraw(actor, proposal):
            raise PermissionDenied(_("初審開始後即不能撤回"))
        if not confirmed:
            raise ValidationError(_("撤回後不能恢復，請勾選「確定撤回本提案」後再送出。"))
        workflow.cancel_process(proposal.process)
        _move(proposal, actor, "撤回提案", State.WITHDRAWN, comment=reason)
    return proposal


# ---------------------------------------------------------------- first review


def first_review(
    *,
    actor: User,
    activation: Activation,
    outcome: str,
    reasons: str = "",
    reason_code: str | None = None,
) -> Proposal:
    """The unit head accepts, returns for revision, or does not accept (with a listed reason)."""
    _require_task_owner(actor, activation)
    proposal = _proposal_of(activation)
    require(actor, Capability.REVIEW_UNIT_CASES, proposal.unit_id)
    outcome = ReviewRound.Outcome(outcome)
    reasons = reasons.strip()
    comment = reasons
    if outcome == ReviewRound.Outcome.RETURNED and not reasons:
        raise ValidationError(_("退回修正須說明理由。"))
    if outcome == ReviewRound.Outcome.NOT_ACCEPTED:
        reason = NotAcceptedReason.objects.filter(code=reason_code, active=True).first()
        if reason is None:
            raise ValidationError(_("請選擇不予受理的理由。"))
        proposal.not_accepted_reason = reason
        proposal.not_accepted_text = reasons
        comment = f"{reason.label}。{reasons}".rstrip("。") + "。" if reasons else reason.label
    # The open round is the latest: each submission opens one, each review closes it.
    proposal.review_rounds.filter(outcome="").update(
        outcome=outcome, reasons=comment, reviewer=actor, decided_at=timezone.now()
    )
    to_state, action = {
        ReviewRound.Outcome.ACCEPTED: (State.SECOND_REVIEW, "初審受理"),
        ReviewRound.Outcome.RETURNED: (State.RETURNED, "初審退回修正"),
        ReviewRound.Outcome.NOT_ACCEPTED: (State.NOT_ACCEPTED, "初審不予受理"),
    }[outcome]
    _move(
        proposal,
        actor,
        action,
        to_state,
        comment=comment,
        fields=["not_accepted_reason", "not_accepted_text"],
    )
    round_number = proposal.review_rounds.count()
    with translation.override(settings.LANGUAGE_CODE):
        if outcome == ReviewRound.Outcome.ACCEPTED:
            _tell_proposers(proposal, "accepted", _("【初審結果】受理"), _("經初審受理，送複審委員評分。"))
        elif outcome == ReviewRound.Outcome.NOT_ACCEPTED:
            _tell_proposers(
                proposal,
                f"not_accepted:{round_number}",
                _("【初審結果】不予受理"),
                _("經初審不予受理。理由：%(reasons)s") % {"reasons": comment},
            )
        # A return needs no notice here: the submitter's revision task is announced, quoting it.
    record_outcome(activation, outcome)
    activation.execute()
    return proposal


def resubmit(
    *,
    actor: User,
    activation: Activation,
    content: ProposalContent,
    co_proposers: Iterable[tuple[User, int]] = (),
    uploads: Iterable[UploadedFile] = (),
) -> Proposal:
    """The proposer revises a returned proposal and sends it back for another round."""
    _require_task_owner(actor, activation)
    proposal = _proposal_of(activation)
    if proposal.submitter_id != actor.pk:
        raise PermissionDenied(_("只有提案人可以修正提案"))
    proposers = _check_proposers(actor, list(co_proposers))
    _set_content(proposal, content)
    proposal.full_clean(exclude=["process", "unit", "submitter"])
    proposal.save()
    _set_proposers(proposal, proposers)
    stored = _store_attachments(proposal, uploads, actor, Attachment.Purpose.PROPOSAL)
    round_ = _new_round(proposal)
    _move(proposal, actor, f"修正後重新送出（第 {round_.number} 輪）", State.FIRST_REVIEW, attachments=stored)
    _index_words(proposal)
    activation.execute()
    return proposal


# ---------------------------------------------------------------- second review


def assign_reviewers(*, actor: User, activation: Activation, members: Iterable[User]) -> Proposal:
    """The 管考 office names the committee members who score this proposal."""
    _require_task_owner(actor, activation)
    require(actor, Capability.MANAGE_TRACKING)
    proposal = _proposal_of(activation)
    members = list(dict.fromkeys(members))
    if not members:
        raise ValidationError(_("請至少指派一位評審委員。"))
    conflicted = set(selectors.conflicted_reviewer_ids(proposal))
    names, assignments = [], []
    load_capabilities(members)
    for member in members:
        if member.pk in conflicted:
            raise ValidationError(
                _("%(name)s 是本案提案人，不能評審本案。") % {"name": member.get_full_name()}
            )
        internal = can(member, Capability.SCORE_PROPOSALS)
        if not internal and not can(member, Capability.SCORE_ASSIGNED_ONLY):
            raise ValidationError(_("%(name)s 不是評審委員。") % {"name": member.get_full_name()})
        assignments.append(
            ReviewerAssignment(proposal=proposal, member=member, external=not internal, assigned_by=actor)
        )
        names.append(member.get_full_name() + ("（外部委員）" if not internal else ""))
    ReviewerAssignment.objects.bulk_create(assignments)
    # The flow's score node makes one task of each (scoring_tasks_data).
    activation.task.data["scoring"] = [
        {"assignment_id": a.pk, "member_id": a.member_id, "external": a.external} for a in assignments
    ]
    _trail(proposal, actor, "指派複審委員", proposal.state, proposal.state, comment="、".join(names))
    activation.execute()
    return proposal


def scoring_tasks_data(activation: Activation) -> list[dict]:
    """One score task per member the assignment step assigned (the flow's score node)."""
    return activation.task.data["scoring"]


def submitter_of(process: ProposalProcess) -> User:
    return Proposal.objects.select_related("submitter").get(pk=process.proposal_id).submitter


def weighted_total(values: Mapping[str, int], criteria: Sequence[ScoringCriterion]) -> Decimal:
    """The weighted mean of a member's scores: sum(value × weight) / sum(weight), 2 decimals."""
    total_weight = sum(c.weight for c in criteria)
    if total_weight == 0:
        raise ValidationError(_("評分項目的權重合計為 0，請洽系統管理者。"))
    raw = Decimal(sum(values[c.name] * c.weight for c in criteria)) / Decimal(total_weight)
    return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_proposal(
    *, actor: User, activation: Activation, values: Mapping[str, int], comment: str = ""
) -> ReviewerAssignment:
    """A member scores each criterion (0–100) of the year's criteria."""
    _require_task_owner(actor, activation)
    proposal = _proposal_of(activation)
    assignment = (
        ReviewerAssignment.objects.select_for_update()
        .annotate(conflicted=selectors.conflict_of_interest(actor, proposal))
        .get(pk=activation.task.data["assignment_id"])
    )
    if assignment.member_id != actor.pk:
        raise PermissionDenied(_("此評分任務不是您的"))
    if assignment.conflicted:
        raise PermissionDenied(_("提案人不能評審自己的提案"))
    if assignment.scored_at is not None:
        raise ValidationError(_("您已評分。"))
    criteria = selectors.criteria_for_year(proposal.roc_year)
    missing = [c.name for c in criteria if c.name not in values]
    if missing:
        raise ValidationError(_("缺少評分項目：%(criteria)s") % {"criteria": "、".join(missing)})
    for c in criteria:
        if not 0 <= int(values[c.name]) <= 100:
            raise ValidationError(_("%(criterion)s 的分數須介於 0 到 100。") % {"criterion": c.name})
    Score.objects.bulk_create(
        Score(assignment=assignment, criterion=c.name, weight=c.weight, value=int(values[c.name]))
        for c in criteria
    )
    assignment.weighted_total = weighted_total({k: int(v) for k, v in values.items()}, criteria)
    assignment.comment = comment
    assignment.scored_at = timezone.now()
    assignment.save()
    # The score itself stays out of the trail text: only those allowed see scores.
    _trail(proposal, actor, "複審評分完成", proposal.state, proposal.state)
    # Under the process lock: of two members scoring at once, the second sees the first's score.
    # A member who declared 迴避 scores nothing; while nobody replaces them, scores are not all in.
    members = proposal.reviewer_assignments.filter(recused_at__isnull=True)
    totals = list(members.values_list("weighted_total", flat=True))
    waiting = proposal.reviewer_assignments.filter(recused_at__isnull=False, replacement=None).exists()
    if None not in totals and not waiting:
        _grade(proposal, totals)
    activation.execute()
    return assignment


def declare_recusal(*, actor: User, activation: Activation, reason: str) -> ReviewerAssignment:
    """A member declares 迴避 (a conflict of interest the proposers list does not show): they
    score nothing, and their score task goes to the 管考 officer who assigned them (to the 管考
    queue, if that officer no longer may), who is told and assigns another member in their place."""
    _require_task_owner(actor, activation)
    proposal = _proposal_of(activation)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("請寫明迴避的理由。"))
    assignment = (
        ReviewerAssignment.objects.select_for_update(of=("self",))
        .select_related("assigned_by")
        .get(pk=activation.task.data["assignment_id"])
    )
    if assignment.member_id != actor.pk:
        raise PermissionDenied(_("此評分任務不是您的"))
    if assignment.scored_at is not None:
        raise ValidationError(_("您已評分，不能再申請迴避；評分有誤請洽管考單位。"))
    assignment.recused_at = timezone.now()
    assignment.recusal_reason = reason
    assignment.save(update_fields=["recused_at", "recusal_reason"])
    _trail(proposal, actor, "委員申請迴避", proposal.state, proposal.state, comment=reason)

    task = activation.task
    task.data["recused"] = True
    officer = assignment.assigned_by
    load_capabilities([officer])
    keeps = officer.is_active and can(officer, Capability.MANAGE_TRACKING)
    workflow.hand_over(
        task,
        owner=officer if keeps else None,
        owner_permission=permission_name(Capability.MANAGE_TRACKING),
        told=True,
    )
    with translation.override(settings.LANGUAGE_CODE):
        notifications.notify(
            recipient_ids=[officer.pk] if keeps else inbox.claimers(task),
            key=f"proposal:{proposal.pk}:recusal:{assignment.pk}",
            subject=_("【委員迴避】請改派委員：%(case_number)s %(title)s")
            % {"case_number": proposal.case_number, "title": proposal.title},
            text=_("%(member)s 申請迴避「%(title)s」的複審評分，理由：%(reason)s。請指派其他委員。")
            % {"member": actor.get_full_name(), "title": proposal.title, "reason": reason},
            url=task.flow_task.reverse("index", args=[task.process_id, task.pk]),
        )
    return assignment


def replace_recused_reviewer(*, actor: User, activation: Activation, member: User) -> ReviewerAssignment:
    """The 管考 office assigns another member in place of one who declared 迴避: the same score
    task is theirs now, due SCORING_DAYS from today."""
    _require_task_owner(actor, activation)
    require(actor, Capability.MANAGE_TRACKING)
    proposal = _proposal_of(activation)
    task = activation.task
    if not task.data.get("recused"):
        raise ValidationError(_("這件評分任務沒有委員迴避，不需改派。"))
    recused = ReviewerAssignment.objects.select_for_update(of=("self",)).get(pk=task.data["assignment_id"])
    if not selectors.replacement_candidates(proposal).filter(pk=member.pk).exists():
        raise ValidationError(
            _("%(name)s 不能評審本案：不是評審委員、是提案人，或已指派（含已迴避）。")
            % {"name": member.get_full_name()}
        )
    load_capabilities([member])
    internal = can(member, Capability.SCORE_PROPOSALS)
    replacement = ReviewerAssignment.objects.create(
        proposal=proposal, member=member, external=not internal, assigned_by=actor
    )
    recused.replacement = replacement
    recused.save(update_fields=["replacement"])
    task.data.update(
        {"assignment_id": replacement.pk, "member_id": member.pk, "external": not internal, "recused": False}
    )
    workflow.hand_over(
        task,
        owner=member,
        owner_permission=permission_name(
            Capability.SCORE_PROPOSALS if internal else Capability.SCORE_ASSIGNED_ONLY
        ),
        told=False,  # the task's own notice: 【新任務】 with its due date
    )
    _trail(
        proposal,
        actor,
        "改派複審委員",
        proposal.state,
        proposal.state,
        comment=_("%(old)s 迴避，改由 %(new)s 評審")
        % {"old": recused.member.get_full_name(), "new": member.get_full_name()},
    )
    return replacement


def _grade(proposal, totals):
    """All scores are in: the proposal's total is the mean of the members' weighted totals."""
    total = (sum(totals) / len(totals)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    band = selectors.grade_for(total, proposal.roc_year)
    proposal.weighted_total = total
    proposal.grade = band.name if band else ""
    proposal.grade_band = band
    grade_text = band.name if band else "未達等第"
    _move(
        proposal,
        SYSTEM,
        f"複審完成：{len(totals)} 位委員評分，{grade_text}",
        State.AWAITING_DECISION,
        fields=["weighted_total", "grade", "grade_band"],
    )
    with translation.override(settings.LANGUAGE_CODE):
        _tell_proposers(
            proposal,
            "scored",
            _("【複審完成】待採行決定"),
            _("複審委員已全數評分（%(grade)s），待館長採行決定。") % {"grade": grade_text},
        )


# ---------------------------------------------------------------- decision and execution


def decide_adoption(
    *,
    actor: User,
    activation: Activation,
    decision: str,
    reason: str,
    lead_unit: Unit | None = None,
    supporting_units: Iterable[Unit] = (),
    due_date: datetime.date | None = None,
) -> Proposal:
    """The director (or deputy) adopts, keeps for reference, or rejects."""
    _require_task_owner(actor, activation)
    require(actor, Capability.DECIDE_FOR_AGENCY)
    proposal = _proposal_of(activation, "grade_band")
    decision = Proposal.Decision(decision)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("請說明決定理由。"))
    proposal.decision, proposal.decision_reason = decision, reason
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    fields = ["decision", "decision_reason", "decided_at", "decided_by"]
    comment = reason
    if decision == Proposal.Decision.ADOPT:
        if lead_unit is None or due_date is None:
            raise ValidationError(_("採行須指定主辦單位與預定完成日。"))
        if due_date <= timezone.localdate():
            raise ValidationError(_("預定完成日須晚於今天。"))
        supporting_units = [u for u in supporting_units if u.pk != lead_unit.pk]
        band = proposal.grade_band
        if band is None and proposal.grade:  # graded before bands were linked
            band = selectors.grade_for(proposal.weighted_total, proposal.roc_year)
        proposal.reward_amount = band.reward_amount if band else 0
        proposal.reward_commendations = band.commendations if band else 0
        proposal.lead_unit, proposal.due_date = lead_unit, due_date
        fields += ["reward_amount", "reward_commendations", "lead_unit", "due_date"]
        to_state = State.EXECUTING
        comment = (
            f"{reason}（主辦：{lead_unit.name}"
            + (f"；協辦：{'、'.join(u.name for u in supporting_units)}" if supporting_units else "")
            + f"；預定完成：{format_roc(due_date)}）"
        )
        activation.process.lead_unit_id = lead_unit.pk
        activation.process.save(update_fields=["data"])
    else:
        to_state = State.REFERENCE if decision == Proposal.Decision.REFERENCE else State.REJECTED
    _move(proposal, actor, f"採行決定：{decision.label}", to_state, comment=comment, fields=fields)
    if decision == Proposal.Decision.ADOPT and supporting_units:
        proposal.supporting_units.add(*supporting_units)  # decided once: none to replace
    _tell_decision(proposal)
    record_outcome(activation, decision)
    activation.execute()
    return proposal


def _tell_decision(proposal):
    with translation.override(settings.LANGUAGE_CODE):
        decision = proposal.get_decision_display()
        if proposal.decision == Proposal.Decision.ADOPT:
            text = _("經決定採行，由%(unit)s執行，預定 %(date)s 完成。") % {
                "unit": proposal.lead_unit.name,
                "date": format_roc(proposal.due_date),
            }
            reward = _reward_text(proposal.reward_amount, proposal.reward_commendations)
            if reward:
                text += _("結案後依分配比例核給獎勵：%(reward)s。") % {"reward": reward}
        else:
            text = _("經決定「%(decision)s」。理由：%(reason)s") % {
                "decision": decision,
                "reason": proposal.decision_reason,
            }
        _tell_proposers(proposal, "decision", _("【採行決定】%(decision)s") % {"decision": decision}, text)


def write_execution_plan(
    *, actor: User, activation: Activation, plan: str, milestones: Sequence[tuple[str, datetime.date]]
) -> Proposal:
    """The lead unit's liaison plans the work: text and dated milestones."""
    _require_task_owner(actor, activation)
    proposal = _proposal_of(activation)
    require(actor, Capability.REPORT_UNIT_PROGRESS, proposal.lead_unit_id)
    if not plan.strip():
        raise ValidationError(_("請填寫執行計畫。"))
    if not milestones:
        raise ValidationError(_("請至少列一個查核點。"))
    decided_on = timezone.localdate(proposal.decided_at) if proposal.decided_at else None
    for title, due in milestones:
        if proposal.due_date and due > proposal.due_date:
            raise ValidationError(
                _("查核點「%(milestone)s」晚於預定完成日 %(date)s。")
                % {"milestone": title, "date": format_roc(proposal.due_date)}
            )
        if decided_on and due < decided_on:
            raise ValidationError(
                _("查核點「%(milestone)s」早於採行決定日 %(date)s。")
                % {"milestone": title, "date": format_roc(decided_on)}
            )
    replanned = bool(proposal.execution_plan)
    proposal.execution_plan = plan.strip()
    proposal.save(update_fields=["execution_plan"])
    if replanned:
        proposal.milestones.all().delete()
    Milestone.objects.bulk_create(Milestone(proposal=proposal, title=t, due_date=d) for t, d in milestones)
    _trail(
        proposal,
        actor,
        "提報執行計畫",
        proposal.state,
        proposal.state,
        comment="；".join(f"{t}（{format_roc(d)}）" for t, d in milestones),
    )
    activation.execute()
    return proposal


def report_period() -> str:
    """The quarter a progress report written today reports on (115Q4)."""
    return quarter_label(timezone.localdate())


def next_report_opens(report: ProgressReport) -> datetime.datetime:
    """When the report after `report`, once approved, may be written: the first moment (local
    midnight) of the quarter after the one it reported on. Until then report_progress would
    refuse an ordinary report for that quarter, so the flow waits for it (its progress_wait)."""
    period = PERIOD_CODE.fullmatch(report.period or "")
    if period:
        in_quarter = datetime.date(int(period["year"]) + 1911, 3 * int(period["quarter"]) - 2, 1)
    else:
        in_quarter = timezone.localdate(report.reported_at)
    opens = quarter_end(in_quarter) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(opens, datetime.time.min))


def progress_report_opens(activation: Activation) -> datetime.datetime:
    """The moment the progress-report task of a proposal waiting after an approved report
    appears (the delay of the flow's progress_wait timer)."""
    report = (
        ProgressReport.objects.filter(
            proposal_id=activation.process.proposal_id, approval=ProgressReport.Approval.APPROVED
        )
        .only("reported_at")
        .latest("reported_at")
    )
    return next_report_opens(report)


def report_progress(
    *,
    actor: User,
    activation: Activation,
    percent_complete: int,
    text: str,
    declares_complete: bool = False,
    uploads: Iterable[UploadedFile] = (),
) -> ProgressReport:
    """The quarterly report of the lead unit's liaison."""
    _require_task_owner(actor, activation)
    proposal = _proposal_of(activation)
    require(actor, Capability.REPORT_UNIT_PROGRESS, proposal.lead_unit_id)
    if not text.strip():
        raise ValidationError(_("請填寫辦理情形。"))
    if not 0 <= percent_complete <= 100:
        raise ValidationError(_("完成百分比須介於 0 到 100。"))
    if declares_complete and percent_complete != 100:
        raise ValidationError(_("宣告完成時，完成百分比須為 100。"))
    period = report_period()
    # One report per quarter: a returned report is redone, an approved one waits for the next
    # quarter, unless the work is complete.
    if (
        not declares_complete
        and proposal.progress_reports.filter(
            period=period, approval=ProgressReport.Approval.APPROVED
        ).exists()
    ):
        raise ValidationError(
            _("%(period)s 的進度已核定，請於下一季回報；若已執行完成，請勾選「本案已執行完成」。")
            % {"period": quarter_name(period, translate=True)}
        )
    report = ProgressReport.objects.create(
        proposal=proposal,
        period=period,
        percent_complete=percent_complete,
        text=text.strip(),
        declares_complete=declares_complete,
        reporter=actor,
    )
    stored = _store_attachments(proposal, uploads, actor, Attachment.Purpose.PROGRESS, report)
    action = f"{quarter_name(report.period)} 進度回報：{percent_complete}%" + (
        "（宣告完成）" if declares_complete else ""
    )
    _trail(proposal, actor, action, proposal.state, proposal.state, comment=report.text, attachments=stored)
    activation.execute()
    return report


def review_progress(
    *, actor: User, activation: Activation, approve: bool, comment: str = ""
) -> ProgressReport:
    """The lead unit's head approves the report, or returns it to the liaison."""
    _require_task_owner(actor, activation)
    proposal = _proposal_of(activation)
    require(actor, Capability.REVIEW_UNIT_CASES, proposal.lead_unit_id)
    report = (
        proposal.progress_reports.select_for_update()
        .filter(approval=ProgressReport.Approval.PENDING)
        .latest("reported_at")
    )
    if not approve and not comment.strip():
        raise ValidationError(_("退回須說明理由。"))
    report.approval = ProgressReport.Approval.APPROVED if approve else ProgressReport.Approval.RETURNED
    report.approver, report.approval_comment, report.approved_at = actor, comment.strip(), timezone.now()
    report.save()
    if approve and report.declares_complete:
        proposal.completed_at = timezone.now()
        _move(
            proposal,
            actor,
            f"{quarter_name(report.period)} 進度核定：執行完成",
            State.EVALUATING,
            comment=comment,
            fields=["completed_at"],
        )
        outcome = "completed"
    elif approve:
        _trail(
            proposal,
            actor,
            f"{quarter_name(report.period)} 進度核定",
            proposal.state,
            proposal.state,
            comment=comment,
        )
        # The next report is due at the next quarter: the flow waits for it, unless that quarter
        # has already begun (a report approved after its quarter ended).
        outcome = "approved" if next_report_opens(report) > timezone.now() else "approved_next_due"
    else:
        _trail(
            proposal,
            actor,
            f"{quarter_name(report.period)} 進度退回補正",
            proposal.state,
            proposal.state,
            comment=comment,
        )
        outcome = "returned"
    record_outcome(activation, outcome)
    activation.execute()
    return report


def evaluate_effectiveness(*, actor: User, activation: Activation, evaluation: str, rating: str) -> Proposal:
    """成效評估 by the 管考 office: a case cannot close without it."""
    _require_task_owner(actor, activation)
    require(actor, Capability.MANAGE_TRACKING)
    proposal = _proposal_of(activation)
    if not evaluation.strip() or not rating:
        raise ValidationError(_("請填寫成效評估與評等。"))
    proposal.evaluation, proposal.evaluation_rating = evaluation.strip(), rating
    _trail(proposal, actor, f"成效評估：{rating}", proposal.state, proposal.state, comment=evaluation)
    _close_with_rewards(proposal, fields=["evaluation", "evaluation_rating"])
    activation.execute()
    return proposal


def _close_with_rewards(proposal, fields=()):
    """Closure: each proposer's reward by share (amount rounded to the yuan), then closed.

    `fields`: the proposal's fields the calling step changed, saved with the closure."""
    amount = proposal.reward_amount or 0
    rewards = []
    for proposer in proposal.proposers.select_related("person"):
        # Stored text: in the agency's language, whatever the closing person's interface is in.
        with translation.override(settings.LANGUAGE_CODE):
            role = str(proposer.role_label)
        rewards.append(
            Reward(
                proposal=proposal,
                person=proposer.person,
                role=role,
                share=proposer.share,
                amount=int((Decimal(amount) * proposer.share / 100).quantize(Decimal("1"), ROUND_HALF_UP)),
                commendations=proposal.reward_commendations or 0,
                grade=proposal.grade,
            )
        )
    Reward.objects.bulk_create(rewards)
    proposal.closed_at = timezone.now()
    summary = "；".join(f"{r.person.get_full_name()} {r.share}% 獎金 {r.amount:,} 元" for r in rewards)
    _move(proposal, SYSTEM, "結案並登錄獎勵", State.CLOSED, comment=summary, fields=["closed_at", *fields])
    with translation.override(settings.LANGUAGE_CODE):
        rating = (
            _("（成效評等：%(rating)s）") % {"rating": proposal.evaluation_rating}
            if proposal.evaluation_rating
            else ""
        )
        # Each hears of their own reward only: rewards are personal data.
        for reward in rewards:
            mine = _reward_text(reward.amount, reward.commendations)
            _tell_proposers(
                proposal,
                "closed",
                _("【結案】已結案"),
                _("已完成成效評估並結案%(rating)s；您的獎勵：%(reward)s。")
                % {"rating": rating, "reward": mine or _("無")},
                person_ids=[reward.person_id],
            )
    return rewards


# ---------------------------------------------------------------- corrections


def removable_progress_files(user: User, proposal: Proposal) -> set[int]:
    """The ids of the progress files this person may remove now (remove_progress_file): the
    files of a report still pending the head's approval, for whoever may report the lead
    unit's progress."""
    if not proposal.lead_unit_id or not can(user, Capability.REPORT_UNIT_PROGRESS, proposal.lead_unit_id):
        return set()
    return set(
        Attachment.objects.filter(
            proposal=proposal,
            purpose=Attachment.Purpose.PROGRESS,
            progress_report__approval=ProgressReport.Approval.PENDING,
        ).values_list("pk", flat=True)
    )


def remove_progress_file(*, actor: User, attachment: Attachment, reason: str | None) -> ProgressReport:
    """Whoever may report the lead unit's progress removes a wrong file (a wrong one, one with
    personal data) from a quarterly report the head has not yet approved or returned, with the
    reason: the file is deleted once the change commits; the trail keeps its name and
    fingerprint, with the reason. A decided report stays as the head saw it."""
    reason = (reason or "").strip()
    with transaction.atomic():
        # The proposal's row first, as the head's review_progress locks it: one waits for the other.
        proposal = Proposal.objects.select_for_update().get(pk=attachment.proposal_id)
        attachment = (
            Attachment.objects.select_for_update(of=("self",))
            .select_related("progress_report")
            .filter(pk=attachment.pk)
            .first()
        )
        if attachment is None:
            raise ValidationError(_("這個檔案已經移除。"))
        require(actor, Capability.REPORT_UNIT_PROGRESS, proposal.lead_unit_id)
        report = attachment.progress_report
        if report is None:
            raise ValidationError(_("這個檔案不是季進度回報的佐證，不能在此移除。"))
        if report.approval == ProgressReport.Approval.APPROVED:
            raise ValidationError(_("進度已經主管核定，不能再移除檔案。"))
        if report.approval == ProgressReport.Approval.RETURNED:
            raise ValidationError(_("進度已經主管退回，不能再移除檔案；請於重新回報時附上正確的檔案。"))
        if not reason:
            raise ValidationError(_("請說明移除檔案的理由。"))
        _trail(
            proposal,
            actor,
            f"{quarter_name(report.period)} 進度回報移除佐證檔案",
            proposal.state,
            proposal.state,
            comment=f"{attachment.name}。理由：{reason}",
            attachments=[attachment],
        )
        stored = attachment.file
        attachment.delete()
        transaction.on_commit(lambda: stored.storage.delete(stored.name))
    return report


def may_correct_due_date(user: User, proposal: Proposal) -> bool:
    """The 管考 office, while the proposal is being carried out."""
    return can(user, Capability.MANAGE_TRACKING) and proposal.state == State.EXECUTING


def correct_due_date(*, actor: User, proposal: Proposal, due_date: datetime.date, reason: str) -> Proposal:
    """The 管考 office corrects the 預定完成日 of a proposal in execution, with the reason, on the
    trail (before and after); the lead and supporting units' liaisons and heads are told.
    Reminders, the inbox and the overdue flags read the date as it is, so nothing is
    rescheduled: the quarterly reports and the flow's progress_wait timer follow the quarters,
    not this date."""
    require(actor, Capability.MANAGE_TRACKING)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("請說明更正的理由。"))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.state != State.EXECUTING:
            raise ValidationError(
                _("提案目前為「%(state)s」，只有執行中的提案可以更正預定完成日。")
                % {"state": proposal.get_state_display()}
            )
        if due_date == proposal.due_date:
            raise ValidationError(_("沒有任何更正。"))
        decided_on = timezone.localdate(proposal.decided_at)
        if due_date <= decided_on:
            raise ValidationError(
                _("預定完成日須晚於採行決定日 %(date)s。") % {"date": format_roc(decided_on)}
            )
        # The execution plan's milestones lie before the due date (write_execution_plan).
        last = proposal.milestones.order_by("-due_date", "-pk").first()
        if last is not None and due_date < last.due_date:
            raise ValidationError(
                _("預定完成日不可早於查核點「%(milestone)s」的日期 %(date)s。")
                % {"milestone": last.title, "date": format_roc(last.due_date)}
            )
        before = proposal.due_date
        proposal.due_date = due_date
        proposal.save(update_fields=["due_date"])
        event = record_case_event(
            proposal,
            kind=CASE_KIND,
            actor=actor,
            action="更正預定完成日",
            comment=f"預定完成日 {format_roc(before)} → {format_roc(due_date)}。理由：{reason}",
        )
        unit_ids = [proposal.lead_unit_id, *proposal.supporting_units.values_list("pk", flat=True)]
        with translation.override(settings.LANGUAGE_CODE):
            notifications.notify(
                recipient_ids=unit_people_ids(unit_ids, (UnitRole.LIAISON, UnitRole.HEAD)),
                key=f"proposal:{proposal.pk}:due-date:{event.pk}",
                subject=_("【預定完成日更正】%(case_number)s %(title)s")
                % {"case_number": proposal.case_number, "title": proposal.title},
                text=_(
                    "創意提案 %(case_number)s「%(title)s」的預定完成日由 %(before)s 更正為 %(after)s。理由：%(reason)s"
                )
                % {
                    "case_number": proposal.case_number,
                    "title": proposal.title,
                    "before": format_roc(before),
                    "after": format_roc(due_date),
                    "reason": reason,
                },
                url=reverse("proposals:detail", args=[proposal.pk]),
                due_date=due_date,
            )
    return proposal
