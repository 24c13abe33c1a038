"""Documents the system prints: the trail PDF of a case (a proposal or a finding).

Auditors file it; the 管考 office hands it on. It lists every event of the case in
order and prints the result of checking the case's hash chain, so a tampered trail
says so on paper. Each one made is recorded with the verification code it prints
(governance.verification), so whoever holds the paper can check it at /verify/.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from .models import IssuedDocument
from .permissions import can
from .rocdate import TAIPEI, format_roc_short
from .roles import Capability
from .trail import case_events, verify_case
from .verification import issue_pdf

PROPOSAL_KIND = "proposal"  # proposals.services.CASE_KIND
FINDING_KIND = "finding"  # audits.services.FINDING_KIND

# Lazy: a PDF prints them in the agency's language (governance.pdf.render_pdf), a page in the reader's.
CASE_KIND_LABELS = {
    PROPOSAL_KIND: _("創意提案"),
    FINDING_KIND: _("考核意見列管事項"),
    "audit": _("上級機關考核"),
    "meeting": _("執行小組會議"),
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


@dataclass(frozen=True)
class TrailSection:
    """A part of the case's record printed with its trail: a round's full text, the scores.
    `items` are (label, text) paragraphs; `columns` and `rows`, a table."""

    heading: str
    items: tuple = ()
    columns: tuple = ()
    rows: tuple = ()


def case_trail_pdf(
    case_kind,
    case_ref,
    number,
    title,
    *,
    details=(),
    sections=(),
    state_labels=None,
    now=None,
    issued_by=None,
    fetcher=None,
):
    """The trail of one case as PDF bytes, recorded as issued (IssuedDocument) by `issued_by`
    (None: the case_trail command).

    `details` are extra (label, value) rows for the heading table, `sections` the case's
    record the events point to (TrailSection: each round's text, the scores), `state_labels`
    maps the case's state codes to their names.
    """
    now = now or timezone.now()
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
        "sections": list(sections),
        "generated_at": roc_timestamp(now),
        "chain": chain,
        "events": rows,
        "last_hash": events[-1].content_hash if events else "",
    }
    return issue_pdf(
        "pdf/case_trail.html",
        context,
        kind=IssuedDocument.Kind.CASE_TRAIL,
        subject=title,
        issued_at=now,
        issued_by=issued_by,
        case_kind=case_kind,
        case_ref=case_ref,
        case_number=number,
        fetcher=fetcher,
    )


# ---------------------------------------------------------------- one case of each kind


@dataclass(frozen=True)
class Document:
    """A document the system made: its file name and its bytes."""

    filename: str
    content: bytes


def trail_filename(kind_label, number):
    # The kind first, in words: HR or an auditor downloads both kinds into one folder and
    # sorts them by it.
    return f"{kind_label}軌跡-{number}.pdf"


def pdf_response(document):
    """An HTTP download of the document, with its Chinese file name."""
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
