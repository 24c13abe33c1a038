"""The appraisal evidence PDF (考績佐證) of one person and period, and who may read it.

HR prints it for the year-end appraisal; each PDF made is recorded with its verification code
and its data fingerprint.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from governance.documents import CASE_KIND_LABELS, PROPOSAL_KIND, roc_timestamp
from governance.models import IssuedDocument
from governance.periods import period_label
from governance.permissions import holds
from governance.rocdate import format_roc, format_roc_short
from governance.roles import Capability
from governance.text import commendation_label
from governance.verification import issue_pdf

from .models import EvidenceDocument
from .selectors import appraisal_evidence


def may_read_all_evidence(user):
    """Anyone's appraisal evidence: HR (READ_APPRAISAL_EVIDENCE), through the role only: an
    administrator or superuser without it reads no one's evidence (separation of duties)."""
    return holds(user, Capability.READ_APPRAISAL_EVIDENCE)


def may_read_evidence(user, person):
    """A person's appraisal evidence: HR for anyone, a person for their own.

    Nobody else: a unit head does not read a staff member's evidence.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.pk == person.pk or may_read_all_evidence(user)


def roc_period(start, end):
    """114 年度（114年1月1日至114年12月31日） for a whole year, else the two dates."""
    dates = _("%(start)s至%(end)s") % {"start": format_roc(start), "end": format_roc(end)}
    label = period_label(start, end)
    return _("%(year)s 年度（%(dates)s）") % {"year": label, "dates": dates} if "-" not in label else dates


def money(amount):
    return _("%(amount)s 元") % {"amount": f"{amount:,}"}


def commendations_text(count):
    """嘉獎 4 次，折合記功一次嘉獎一次 (or 嘉獎二次 when nothing converts)."""
    if not count:
        return _("無")
    label = commendation_label(count)
    return label if count < 3 else _("嘉獎 %(count)s 次，折合%(label)s") % {"count": count, "label": label}


def evidence_row(item):
    """One item of the evidence as printed: role with share, outcome lines, reward lines."""
    role = item["role"] if item["share"] is None else f"{item['role']} {item['share']}%"
    outcome = [_("狀態：%(state)s") % {"state": item["state"]}]
    if item["kind"] == PROPOSAL_KIND:
        if item["grade"]:
            outcome.append(_("等第：%(grade)s") % {"grade": item["grade"]})
        if item["decision"]:
            decided = (
                _("（%(date)s）") % {"date": format_roc_short(item["decided_on"])}
                if item["decided_on"]
                else ""
            )
            outcome.append(_("決定：%(decision)s%(date)s") % {"decision": item["decision"], "date": decided})
        if item["effectiveness"]:
            outcome.append(_("成效：%(rating)s") % {"rating": item["effectiveness"]})
        if item["closed_on"]:
            outcome.append(_("結案：%(date)s") % {"date": format_roc_short(item["closed_on"])})
    elif item["closed_on"]:
        reference = _("（%(reference)s）") % {"reference": item["reference"]} if item["reference"] else ""
        outcome.append(
            _("解除列管：%(date)s%(reference)s")
            % {"date": format_roc_short(item["closed_on"]), "reference": reference}
        )
    reward = []
    if item["rewarded"]:
        reward.append(_("獎金 %(amount)s") % {"amount": money(item["reward_amount"])})
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


def practice_row(duty):
    """A practice the person was 承辦人 of, as printed: one line per quarter with its deadline,
    whether the report was on time, the confirmed result and the head's comment."""
    quarters = []
    for quarter in duty["quarters"]:
        due = datetime.date.fromisoformat(quarter["due"]) if quarter["due"] else None
        result = (
            _("%(status)s：%(text)s") % {"status": quarter["status"], "text": quarter["text"]}
            if quarter["status"]
            else _("季報%(state)s，尚無確認結果") % {"state": quarter["state"]}
        )
        quarters.append(
            {
                "label": quarter["period_label"],
                "due": format_roc_short(due) if due else "—",
                "timeliness": quarter["timeliness_label"],
                "late": quarter["timeliness"] == "late",
                "result": result,
                "head_comment": quarter["head_comment"],
            }
        )
    return {
        "number": duty["number"],
        "area": duty["area"],
        "title": duty["title"],
        "unit": duty["unit"],
        "role": duty["role"],
        "note": duty["note"],
        "quarters": quarters,
    }


def practice_rows(evidence):
    return [practice_row(duty) for duty in evidence.practices]


def practice_totals(evidence):
    """共 2 項推動作法（5 季：如期 4 季，逾期 1 季）, or "" without any."""
    if not evidence.practices:
        return ""
    quarters = sum(len(d["quarters"]) for d in evidence.practices)
    return _("共 %(practices)s 項推動作法（%(quarters)s 季：如期 %(on_time)s 季，逾期 %(late)s 季）") % {
        "practices": len(evidence.practices),
        "quarters": quarters,
        "on_time": sum(d["on_time"] for d in evidence.practices),
        "late": sum(d["late"] for d in evidence.practices),
    }


def appraisal_evidence_context(evidence):
    """What templates/pdf/appraisal_evidence.html prints, all of it from `evidence`: an
    official document, so in the agency's language whatever the reader's."""
    with translation.override(settings.LANGUAGE_CODE):
        return _pdf_context(evidence)


def _pdf_context(evidence):
    return {
        "agency_name": settings.AGENCY_NAME,
        "full_name": evidence.full_name,
        "job_title": evidence.job_title,
        "unit_name": evidence.unit_name,
        "period": roc_period(evidence.start, evidence.end),
        "generated_at": roc_timestamp(evidence.generated_at),
        "fingerprint": evidence.fingerprint,
        "items": evidence_rows(evidence),
        "practices": practice_rows(evidence),
        "practice_totals": practice_totals(evidence),
        "totals": evidence.totals,
        "total_amount": money(evidence.totals["reward_amount"]),
        "commendations": commendations_text(evidence.totals["commendations"]),
    }


def appraisal_evidence_pdf(evidence, *, generated_by=None, fetcher=None):
    """The appraisal evidence of one person and period as PDF bytes.

    Each document made is recorded twice: as issued with the verification code it prints
    (governance's IssuedDocument: anyone holding the paper checks it at /verify/), and with
    its data fingerprint (EvidenceDocument: HR compares it with today's data). The generation
    time printed is `evidence.generated_at`.
    """
    generated_by = generated_by if generated_by is not None and generated_by.is_authenticated else None
    content = issue_pdf(
        "pdf/appraisal_evidence.html",
        appraisal_evidence_context(evidence),
        kind=IssuedDocument.Kind.APPRAISAL_EVIDENCE,
        subject=evidence.full_name,
        issued_at=evidence.generated_at,
        issued_by=generated_by,
        person_id=evidence.person_id,
        fetcher=fetcher,
    )
    EvidenceDocument.objects.create(
        person_id=evidence.person_id,
        start=evidence.start,
        end=evidence.end,
        fingerprint=evidence.fingerprint,
        generated_at=evidence.generated_at,
        generated_by=generated_by,
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
