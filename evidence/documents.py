"""The appraisal evidence PDF (考績佐證) of one person and period, and who may read it.

HR prints it for the year-end appraisal; each PDF made is recorded with its data fingerprint.
"""

import re
from dataclasses import dataclass

from django.conf import settings

from governance.documents import CASE_KIND_LABELS, PROPOSAL_KIND, roc_timestamp
from governance.periods import period_label
from governance.permissions import can
from governance.rocdate import format_roc, format_roc_short
from governance.roles import Capability
from governance.text import commendation_label

from .models import EvidenceDocument
from .selectors import appraisal_evidence


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
    dates = f"{format_roc(start)}至{format_roc(end)}"
    label = period_label(start, end)
    return f"{label} 年度（{dates}）" if "-" not in label else dates


def money(amount):
    return f"{amount:,} 元"


def commendations_text(count):
    """嘉獎 4 次，折合記功一次嘉獎一次 (or 嘉獎二次 when nothing converts)."""
    if not count:
        return "無"
    label = commendation_label(count)
    return label if count < 3 else f"嘉獎 {count} 次，折合{label}"


def evidence_row(item):
    """One item of the evidence as printed: role with share, outcome lines, reward lines."""
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
    from governance.pdf import render_pdf  # loads WeasyPrint: only when a document is made

    content = render_pdf("pdf/appraisal_evidence.html", appraisal_evidence_context(evidence), fetcher=fetcher)
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
    name = re.sub(r'[\\/:*?"<>|\s]+', "", getattr(person, "full_name", "") or "")
    who = f"{name}-{person.username}" if name else person.username
    return f"考績佐證-{period_label(start, end)}-{who}.pdf"


def person_evidence(person, start, end, *, generated_by=None, fetcher=None):
    """Read a person's evidence for the period and make its PDF (recorded as issued)."""
    evidence = appraisal_evidence(person, start, end)
    content = appraisal_evidence_pdf(evidence, generated_by=generated_by, fetcher=fetcher)
    return EvidencePdf(evidence_filename(person, start, end), content, evidence)
