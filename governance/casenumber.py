"""Case numbers (案號): each kind of case its own series per ROC year, told apart by a one-character
prefix before `<ROC year>-<4-digit serial>` (docs/domain.md, 案號與季別): 提115-0004 is a proposal,
列115-0019 a finding. The case apps own their prefix; this module writes and reads the form.

People type a number as they see it or as it was before the prefixes (115-0004), with full-width
digits or dashes from a Chinese input method, or only its serial (0004): `number_q` finds the case
in each of these forms.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q

# Dashes an input method or a pasted document may give for the hyphen (NFKC keeps them apart).
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹘﹣"), "-")
# A letter prefix (any, so that another kind's prefix is recognised as such), then either
# year-serial or a serial alone; a bare serial needs its four digits so that a year (115) or
# any short number in a search is not taken for one.
_PATTERN = re.compile(r"(?P<prefix>[^\W\d_]?)(?:(?P<year>\d{2,3})-(?P<sequence>\d{1,6})|(?P<serial>\d{4,6}))")


@dataclass(frozen=True)
class ParsedNumber:
    prefix: str  # "" when typed without one
    roc_year: int | None  # None when only the serial was typed: any year
    sequence: int


def format_number(prefix: str, roc_year: int, sequence: int) -> str:
    """提115-0004: the number of the `sequence`th case of `roc_year` in the series of `prefix`."""
    return f"{prefix}{roc_year}-{sequence:04d}"


def normalise(text: str) -> str:
    """The text as a number is stored: half-width (NFKC), ASCII hyphen, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(_DASHES))


def parse_number(text: str) -> ParsedNumber | None:
    """The number typed in `text` (a whole search box), or None when it is not one."""
    match = _PATTERN.fullmatch(normalise(text))
    if match is None:
        return None
    if match["serial"]:
        return ParsedNumber(match["prefix"], None, int(match["serial"]))
    return ParsedNumber(match["prefix"], int(match["year"]), int(match["sequence"]))


def number_q(
    text: str,
    *,
    prefix: str,
    number_field: str,
    year_field: str = "roc_year",
    sequence_field: str = "sequence",
) -> Q:
    """Cases of the series `prefix` whose number is the one in `text` in any form it is typed,
    or contains it (part of a number: 115-00). The parsed year and serial are matched on their
    own columns (unique together, so indexed), not by rewriting the text into a stored form."""
    q = Q(**{f"{number_field}__icontains": normalise(text)})
    parsed = parse_number(text)
    if parsed is not None and parsed.prefix in ("", prefix):  # 列115-0004 is no proposal
        exact = Q(**{sequence_field: parsed.sequence})
        if parsed.roc_year is not None:
            exact &= Q(**{year_field: parsed.roc_year})
        q |= exact
    return q
