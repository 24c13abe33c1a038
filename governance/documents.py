"""Documents the system prints: the trail PDF of a case (a proposal or a finding).

Auditors file it; the 管考 office hands it on. It lists every event of the case in
order and prints the result of checking the case's hash chain, so a tampered trail
says so on paper.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from .permissions import can
from .rocdate import TAIPEI, format_roc_short
from .roles import Capability
from .trail import case_events, verify_case

PROPOSAL_KIND = "proposal"  # proposals.services.CASE_KIND
FINDING_KIND = "finding"  # audits.services.FINDING_KIND

CASE_KIND_LABELS = {
    PROPOSAL_KIND: "創意提案",
    FINDING_KIND: "考核意見列管事項",
    "audit": "上級機關考核",
    "meeting": "執行小組會議",
}


def may_download_trail(user):
    """Trail PDFs: auditors and the director (READ_TRAILS), and the 管考 office."""
    return can(user, Capability.READ_TRAILS) or can(user, Capability.MANAGE_TRACKING)


def roc_timestamp(dt):
    """115/11/25 14:05:09, Taipei time: to the second, as the trail stores it."""
    local = timezone.localtime(dt, TAIPEI)
    return f"{format_roc_short(local)} {local:%H:%M:%S}"


def _states(event, labels):
    def label(code):
        return str(labels.get(code, code)) if code else ""

    before, after = label(event.from_state), label(event.to_state)
    if before and after and before != after:
        return f"{before} → {after}"
    if after and not before:
        return f"→ {after}"
    return after or before


def case_trail_pdf(case_kind, case_ref, number, title, *, details=(), state_labels=None,
                   now=None, fetcher=None):
    """The trail of one case as PDF bytes.

    `details` are extra (label, value) rows for the heading table, `state_labels`
    maps the case's state codes to their names.
    """
    from .pdf import render_pdf  # loads WeasyPrint: only when a document is made

    events = case_events(case_kind, case_ref)
    chain = verify_case(case_kind, case_ref)
    labels = state_labels or {}
    rows = [
        {
            "sequence": e.sequence,
            "occurred": roc_timestamp(e.occurred_at),
            "actor": e.actor_name,
            "action": e.action,
            "states": _states(e, labels),
            "comment": e.comment,
            "attachments": e.attachments,
            "broken": not chain.ok and e.sequence == chain.broken_sequence,
        }
        for e in events
    ]
    context = {
        "agency_name": settings.AGENCY_NAME,
        "kind_label": CASE_KIND_LABELS.get(case_kind, case_kind),
        "number": number,
        "title": title,
        "details": list(details),
        "generated_at": roc_timestamp(now or timezone.now()),
        "chain": chain,
        "events": rows,
        "last_hash": events[-1].content_hash if events else "",
    }
    return render_pdf("pdf/case_trail.html", context, fetcher=fetcher)


# ---------------------------------------------------------------- one case of each kind


@dataclass(frozen=True)
class TrailDocument:
    filename: str
    content: bytes


def trail_filename(kind_label, number):
    # The kind first: a proposal and a finding may share a number (115-0001), and HR or an
    # auditor downloads both into one folder.
    return f"{kind_label}軌跡-{number}.pdf"


def proposal_trail(proposal, **options):
    from proposals.models import Proposal

    details = [
        ("提案單位", proposal.unit.name),
        ("目前狀態", proposal.get_state_display()),
    ]
    content = case_trail_pdf(
        PROPOSAL_KIND, proposal.trail_ref, proposal.case_number, proposal.title,
        details=details, state_labels=dict(Proposal.State.choices), **options,
    )
    return TrailDocument(trail_filename("創意提案", proposal.case_number), content)


def finding_trail(finding, **options):
    from audits.models import Finding

    audit = finding.audit
    details = [
        ("考核", f"{audit.agency} {audit.title}（{audit.document_number}）"
                 if audit.document_number else f"{audit.agency} {audit.title}"),
        ("類別", finding.get_kind_display()),
        ("主辦單位", finding.lead_unit.name),
        ("目前狀態", finding.get_state_display()),
    ]
    content = case_trail_pdf(
        FINDING_KIND, finding.trail_ref, finding.tracking_number, finding.text,
        details=details, state_labels=dict(Finding.State.choices), **options,
    )
    return TrailDocument(trail_filename("列管事項", finding.tracking_number), content)


def pdf_response(document):
    """An HTTP download of the document, with its Chinese file name."""
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- appraisal evidence (考績佐證)


def may_read_all_evidence(user):
    """Anyone's appraisal evidence: HR (READ_APPRAISAL_EVIDENCE)."""
    return can(user, Capability.READ_APPRAISAL_EVIDENCE)


def may_read_evidence(user, person):
    """A person's appraisal evidence: HR for anyone, a person for their own.

    Nobody else: a unit head does not read a staff member's evidence.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.pk == person.pk or may_read_all_evidence(user)


def roc_period(start, end):
    """114 年度（114年1月1日至114年12月31日） for a whole year, else the two dates."""
    from .evidence import period_label
    from .rocdate import format_roc

    dates = f"{format_roc(start)}至{format_roc(end)}"
    label = period_label(start, end)
    return f"{label} 年度（{dates}）" if "-" not in label else dates


def money(amount):
    return f"{amount:,} 元"


def commendations_text(count):
    """嘉獎 4 次，折合記功一次嘉獎一次 (or 嘉獎二次 when nothing converts)."""
    from .evidence import commendation_label

    if not count:
        return "無"
    label = commendation_label(count)
    return label if count < 3 else f"嘉獎 {count} 次，折合{label}"


def evidence_row(item):
    """One item of the evidence as printed: role with share, outcome lines, reward lines."""
    from .rocdate import format_roc_short

    role = item["role"] if item["share"] is None else f"{item['role']} {item['share']}%"
    if item["kind"] == PROPOSAL_KIND:
        outcome = [f"狀態：{item['state']}"]
        if item["grade"]:
            outcome.append(f"等第：{item['grade']}")
        if item["decision"]:
            decided = f"（{format_roc_short(item['decided_on'])}）" if item["decided_on"] else ""
            outcome.append(f"決定：{item['decision']}{decided}")
        if item["effectiveness"]:
            outcome.append(f"成效：{item['effectiveness']}")
        if item["closed_on"]:
            outcome.append(f"結案：{format_roc_short(item['closed_on'])}")
    else:
        outcome = [f"狀態：{item['state']}"]
        if item["closed_on"]:
            reference = f"（{item['reference']}）" if item["reference"] else ""
            outcome.append(f"解除列管：{format_roc_short(item['closed_on'])}{reference}")
    reward = []
    if item["rewarded"]:
        reward.append(f"獎金 {money(item['reward_amount'])}")
        if item["commendation_label"]:
            reward.append(item["commendation_label"])
    return {
        "case_number": item["case_number"],
        "kind_label": CASE_KIND_LABELS.get(item["kind"], item["kind"]),
        "title": item["title"],
        "role": role,
        "outcome": outcome,
        "reward": reward,
    }


def evidence_rows(evidence):
    return [evidence_row(item) for item in evidence.items]


def appraisal_evidence_context(evidence):
    """What templates/pdf/appraisal_evidence.html prints, all of it from `evidence`."""
    return {
        "agency_name": settings.AGENCY_NAME,
        "full_name": evidence.full_name,
        "job_title": evidence.job_title,
        "unit_name": evidence.unit_name,
        "period": roc_period(evidence.start, evidence.end),
        "generated_at": roc_timestamp(evidence.generated_at),
        "fingerprint": evidence.fingerprint,
        "items": evidence_rows(evidence),
        "totals": evidence.totals,
        "total_amount": money(evidence.totals["reward_amount"]),
        "commendations": commendations_text(evidence.totals["commendations"]),
    }


def appraisal_evidence_pdf(evidence, *, generated_by=None, fetcher=None):
    """The appraisal evidence of one person and period as PDF bytes.

    Each document made is recorded (EvidenceDocument), so the fingerprint printed on it
    can be looked up later. The generation time printed is `evidence.generated_at`.
    """
    from .models import EvidenceDocument
    from .pdf import render_pdf  # loads WeasyPrint: only when a document is made

    content = render_pdf("pdf/appraisal_evidence.html", appraisal_evidence_context(evidence),
                         fetcher=fetcher)
    EvidenceDocument.objects.create(
        person_id=evidence.person_id,
        start=evidence.start,
        end=evidence.end,
        fingerprint=evidence.fingerprint,
        generated_at=evidence.generated_at,
        generated_by=generated_by if generated_by is not None and generated_by.is_authenticated else None,
    )
    return content


@dataclass(frozen=True)
class EvidencePdf:
    filename: str
    content: bytes
    evidence: object


def evidence_filename(person, start, end):
    """考績佐證-115-許志偉-readers-staff1.pdf (or 考績佐證-1150101-1150630-<name>-<login>.pdf):
    the name HR looks for, the login keeping two people of one name apart."""
    from .evidence import period_label

    name = re.sub(r'[\\/:*?"<>|\s]+', "", getattr(person, "full_name", "") or "")
    who = f"{name}-{person.username}" if name else person.username
    return f"考績佐證-{period_label(start, end)}-{who}.pdf"


def person_evidence(person, start, end, *, generated_by=None, fetcher=None):
    """Read a person's evidence for the period and make its PDF (recorded as issued)."""
    from .evidence import appraisal_evidence

    evidence = appraisal_evidence(person, start, end)
    content = appraisal_evidence_pdf(evidence, generated_by=generated_by, fetcher=fetcher)
    return EvidencePdf(evidence_filename(person, start, end), content, evidence)
