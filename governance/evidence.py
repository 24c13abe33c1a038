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

from django import forms
from django.utils import timezone, translation

from .rocdate import roc_year_range
from .selectors import primary_unit

NUMERALS = "零一二三四五六七八九"


def chinese_numeral(n):
    """一 to 九十九 as written in official documents (十二, 二十, 二十三); larger as digits."""
    if n < 10:
        return NUMERALS[n]
    if n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return f"{NUMERALS[tens] if tens > 1 else ''}十{NUMERALS[ones] if ones else ''}"


def commendation_label(count):
    """嘉獎 counts as HR writes them: 3 嘉獎 = 1 記功, 3 記功 = 1 記大功 (DOMAIN.md)."""
    if not count:
        return ""
    major, rest = divmod(count, 9)
    merit, praise = divmod(rest, 3)
    parts = []
    for n, word in ((major, "記大功"), (merit, "記功"), (praise, "嘉獎")):
        if n:
            parts.append(f"{word}{chinese_numeral(n)}次")
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


# ---------------------------------------------------------------- periods and people


class EvidenceYearError(ValueError):
    """A year typed by a person that is not an ROC or AD year the system can use."""


def year_bounds(today=None):
    """(last ROC year, last AD year) accepted as input: next year at most."""
    from .rocdate import today_taipei

    ad = (today or today_taipei()).year + 1
    return ad - 1911, ad


def parse_year(value, today=None):
    """An ROC year (114, 民國114年) or an AD year from 1912 on (2025), as an ROC year.

    Full-width digits are accepted. Raises EvidenceYearError with a message for people.
    """
    import re
    import unicodedata

    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value if value is not None else "")))
    text = re.sub(r"^(民國|民国|西元)", "", text)
    text = re.sub(r"(年度|年)$", "", text)
    if not text:
        raise EvidenceYearError("請輸入年度（民國年如 114，或西元年如 2025）。")
    if not (text.isascii() and text.isdigit()):
        raise EvidenceYearError(f"年度「{str(value)[:20]}」無法辨識：請輸入民國年（如 114）或西元年（如 2025）。")
    year = int(text)
    last_roc, last_ad = year_bounds(today)
    if 1 <= year <= last_roc:
        return year
    if 1912 <= year <= last_ad:
        return year - 1911
    raise EvidenceYearError(
        f"年度須為民國 1 至 {last_roc} 年（或西元 1912 至 {last_ad} 年），輸入的是 {year}。"
    )


class YearField(forms.CharField):
    """A year as people type it (ROC or AD, full-width digits too: parse_year), cleaned to
    the ROC year; None when left empty and not required."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "size": 6}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_year(value)
        except EvidenceYearError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


def period_label(start, end):
    """How a period is written in file names: 115 for a whole ROC year, else 1150101-1150630."""
    from .rocdate import roc_year

    if start.month == 1 and start.day == 1 and end == start.replace(month=12, day=31):
        return str(roc_year(start))
    return "-".join(f"{roc_year(d)}{d.month:02d}{d.day:02d}" for d in (start, end))


def people_in_period(start, end, unit=None):
    """The people with a unit membership during [start, end] (of `unit` when given).

    (person, unit) pairs ordered by unit and login; a person with several memberships
    appears once, with the first unit in the agency's order. Without `unit` (everyone),
    the active people with no membership in the period follow, with unit None: the
    director, the 管考 officer or a committee member may have contributions too.
    """
    from django.db.models import Q

    from .models import Membership

    memberships = Membership.objects.filter(valid_from__lte=end).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=start)
    )
    if unit is not None:
        memberships = memberships.filter(unit=unit)
    seen, people = set(), []
    for m in memberships.select_related("user", "unit").order_by("unit__sort_order", "unit__code",
                                                                  "user__username", "role"):
        if m.user_id not in seen:
            seen.add(m.user_id)
            people.append((m.user, m.unit))
    if unit is None:
        from django.contrib.auth import get_user_model

        others = get_user_model().objects.filter(is_active=True).exclude(pk__in=seen).order_by("username")
        people.extend((person, None) for person in others)
    return people
