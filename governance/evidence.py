"""Appraisal evidence (考績佐證): what a person contributed in a period, as HR reads it.

The rows come from each process's own selectors (proposals and audit findings);
this module adds the header, the totals and a fingerprint: the SHA-256 of the
data the document is made from, so the same data always gives the same
fingerprint and any change to it gives another.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.utils import timezone, translation

from .rocdate import roc_year_range
from .selectors import primary_unit

NUMERALS = "零一二三四五六七八九"


def commendation_label(count):
    """嘉獎 counts as HR writes them: 3 嘉獎 = 1 記功, 3 記功 = 1 記大功 (DOMAIN.md)."""
    if not count:
        return ""
    major, rest = divmod(count, 9)
    merit, praise = divmod(rest, 3)
    parts = []
    for n, word in ((major, "記大功"), (merit, "記功"), (praise, "嘉獎")):
        if n:
            parts.append(f"{word}{NUMERALS[n] if n < 10 else n}次")
    return "".join(parts)


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
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    def data(self):
        """What the document is made from (the generation time is not part of it)."""
        return {
            "person_id": self.person_id,
            "full_name": self.full_name,
            "job_title": self.job_title,
            "unit_name": self.unit_name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "items": self.items,
            "totals": self.totals,
        }

    @property
    def fingerprint(self):
        canonical = json.dumps(self.data(), ensure_ascii=False, sort_keys=True, default=str,
                               separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def period_of_year(year):
    """An ROC year, or an AD year from 1912 on, as (first day, last day)."""
    return roc_year_range(year - 1911 if year >= 1912 else year)


def appraisal_evidence(person, start, end):
    from audits.selectors import contributions_of as finding_rows
    from proposals.selectors import contributions_of as proposal_rows

    if start > end:
        raise ValueError("期間起日晚於迄日")
    # The document is an official one, in Chinese whatever the reader's interface language;
    # the labels are part of the fingerprinted data, so they must not vary either.
    with translation.override("zh-hant"):
        proposals = proposal_rows(person, start, end)
        findings = finding_rows(person, start, end)
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
    )
