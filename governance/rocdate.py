"""ROC (Republic of China, 民國) calendar dates: formatting, parsing and a form field.

ROC year = AD year - 1911, so 民國 1 年 is 1912 and 民國 114 年 is 2025.
"""

import calendar
import datetime
import re
import unicodedata
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

ROC_OFFSET = 1911
FIRST_AD_YEAR = ROC_OFFSET + 1
TAIPEI = ZoneInfo("Asia/Taipei")

ACCEPTED_FORMATS_HINT = gettext_lazy(
    "請輸入民國日期（如 114/3/8、114年3月8日、1140308）或西元日期（如 2025-03-08）。"
)

# Echoed user input is cut short so a pasted paragraph cannot flood the message.
_ECHO_LIMIT = 30

_SEPARATED = re.compile(r"(?P<y>\d{1,4})(?P<sep>[/\-.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})", re.ASCII)
_CHINESE = re.compile(r"(?P<y>\d{1,4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日號]?", re.ASCII)
# An era written before the date: 中華民國 / 民國 say the year is ROC, 西元 / 公元 that it is AD.
_ERA_PREFIX = re.compile(r"^(?:(?P<roc>中華民國|中华民国|民國|民国)|(?P<ad>西元|公元))")


class ROCDateError(ValueError):
    """A date could not be parsed or expressed in the ROC calendar."""


# --- formatting -------------------------------------------------------------


def _local_date(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, TAIPEI)
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"Expected date or datetime, got {type(value).__name__}")


def roc_year(d) -> int:
    year = _local_date(d).year
    if year < FIRST_AD_YEAR:
        raise ROCDateError(
            gettext("西元 %(year)s 年早於民國元年（1912 年），無法以民國紀年表示。") % {"year": year}
        )
    return year - ROC_OFFSET


def roc_year_range(year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day (AD dates) of the given ROC year."""
    ad_year = year + ROC_OFFSET
    if year < 1 or ad_year > datetime.MAXYEAR:
        raise ROCDateError(
            gettext("民國年份須介於 1 到 %(last)s，輸入的是 %(year)s。")
            % {"last": datetime.MAXYEAR - ROC_OFFSET, "year": year}
        )
    return datetime.date(ad_year, 1, 1), datetime.date(ad_year, 12, 31)


def format_roc(d) -> str:
    """Prose form: 114年3月8日."""
    if d is None:
        return ""
    local = _local_date(d)
    return f"{roc_year(local)}年{local.month}月{local.day}日"


def format_roc_short(d) -> str:
    """Table form: 114/03/08."""
    if d is None:
        return ""
    local = _local_date(d)
    return f"{roc_year(local)}/{local.month:02d}/{local.day:02d}"


def format_roc_datetime(dt) -> str:
    """Table form with Taipei wall-clock time: 114/03/08 14:05."""
    if dt is None:
        return ""
    if not isinstance(dt, datetime.datetime):
        raise TypeError(f"Expected datetime, got {type(dt).__name__}")
    if timezone.is_aware(dt):
        dt = timezone.localtime(dt, TAIPEI)
    return f"{format_roc_short(dt.date())} {dt.hour:02d}:{dt.minute:02d}"


def today_taipei() -> datetime.date:
    return timezone.localdate(timezone=TAIPEI)


# --- parsing ----------------------------------------------------------------


def _normalise(text: str) -> tuple[str, str | None]:
    """The date's digits and separators, and the era written before it ("roc", "ad" or None).
    NFKC folds full-width digits and punctuation (１１４／３／８) to ASCII."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    era = _ERA_PREFIX.match(compact)
    if era is None:
        return compact, None
    return compact[era.end() :], "roc" if era["roc"] else "ad"


def _echo(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _ECHO_LIMIT else text[:_ECHO_LIMIT] + "…"


def _split_fields(compact: str):
    """Return (year_digits, month, day) as strings, or None if no format matches."""
    for pattern in (_SEPARATED, _CHINESE):
        match = pattern.fullmatch(compact)
        if match:
            return match["y"], match["m"], match["d"]
    if compact.isascii() and compact.isdigit() and len(compact) in (6, 7, 8):
        # 8 digits: YYYYMMDD (AD); 7: YYYMMDD and 6: YYMMDD (ROC).
        return compact[:-4], compact[-4:-2], compact[-2:]
    return None


def _is_ad(year_digits: str, era: str | None = None) -> bool:
    # Four digits are an AD year, unless padded with a zero (0115 is 民國 115 年) or the era
    # written before them says which.
    if era is not None:
        return era == "ad"
    return len(year_digits) == 4 and not year_digits.startswith("0")


def input_years() -> tuple[int, int]:
    """The ROC years a typed date may fall in (settings.DATE_INPUT_ROC_YEARS, "80-200" by
    default: AD 1991–2111): "15/3/8" is refused, not read as 1926."""
    first, _sep, last = str(settings.DATE_INPUT_ROC_YEARS).partition("-")
    return int(first), int(last)


def _check_window(year: int, original: str) -> None:
    first, last = input_years()
    if not first <= year - ROC_OFFSET <= last:
        raise ROCDateError(
            gettext(
                "日期「%(text)s」的年份不在可接受的範圍（民國 %(first)s 至 %(last)s 年，即西元 %(ad_first)s 至 "
                "%(ad_last)s 年）。請確認年份；民國年請寫 3 位數（如 115），西元年請寫 4 位數（如 2026）。"
            )
            % {
                "text": _echo(original),
                "first": first,
                "last": last,
                "ad_first": first + ROC_OFFSET,
                "ad_last": last + ROC_OFFSET,
            }
        )


def _ad_year(year_digits: str, original: str, era: str | None = None) -> int:
    year = int(year_digits)
    if _is_ad(year_digits, era):
        if year < FIRST_AD_YEAR:
            raise ROCDateError(
                gettext("日期「%(text)s」有誤：西元年份須為 1912 年（民國元年）以後。")
                % {"text": _echo(original)}
            )
        return year
    if year < 1:
        raise ROCDateError(gettext("日期「%(text)s」有誤：民國年份須大於 0。") % {"text": _echo(original)})
    return year + ROC_OFFSET


def parse_date(text) -> datetime.date:
    """Parse a ROC or AD date typed by a person; raise ROCDateError if impossible."""
    if text is None or not str(text).strip():
        raise ROCDateError(gettext("請輸入日期。"))
    text = str(text)
    compact, era = _normalise(text)
    fields = _split_fields(compact)
    if fields is None:
        raise ROCDateError(
            gettext("日期格式無法辨識：「%(text)s」。%(hint)s")
            % {"text": _echo(text), "hint": ACCEPTED_FORMATS_HINT}
        )

    year_digits, month_digits, day_digits = fields
    year = _ad_year(year_digits, text, era)
    _check_window(year, text)
    month, day = int(month_digits), int(day_digits)
    # The year as the user wrote it; an AD year says so ("2026年" alone reads as ROC here).
    shown_year = gettext("西元%(year)s") % {"year": year} if _is_ad(year_digits, era) else year - ROC_OFFSET
    if not 1 <= month <= 12:
        raise ROCDateError(
            gettext("日期「%(text)s」有誤：月份須介於 1 到 12，輸入的是 %(month)s 月。")
            % {"text": _echo(text), "month": month}
        )
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        raise ROCDateError(
            gettext("日期「%(text)s」有誤：%(year)s年%(month)s月沒有%(day)s日（該月只有 %(last_day)s 天）。")
            % {"text": _echo(text), "year": shown_year, "month": month, "day": day, "last_day": last_day}
        )
    return datetime.date(year, month, day)


# --- form field -------------------------------------------------------------


def _display_value(value):
    """ROC short form for dates, so the rendered text parses back to the same date."""
    if not isinstance(value, datetime.date):
        return value
    try:
        return format_roc_short(value)
    except ROCDateError:
        # Pre-1912 dates have no ROC form; showing ISO beats crashing the page.
        return value.isoformat()


def _placeholder():
    """An example date in this year: 例：115/3/8 in 2026."""
    return gettext("例：%(year)s/3/8") % {"year": roc_year(today_taipei())}


class ROCDateInput(forms.TextInput):
    """Text input that shows dates in ROC short form (114/03/08)."""

    def get_context(self, name, value, attrs):
        # The example's year is this year's, read when the field is drawn (not at start-up).
        attrs = {"placeholder": _placeholder(), **(attrs or {})}
        return super().get_context(name, value, attrs)

    def format_value(self, value):
        return super().format_value(_display_value(value))


class ROCDateField(forms.DateField):
    """Date field accepting ROC and AD input, rendering ROC short form."""

    widget = ROCDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return _local_date(value)
        try:
            return parse_date(str(value))
        except ROCDateError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def prepare_value(self, value):
        return _display_value(value)


def quarter_of(d) -> tuple[int, int]:
    """(ROC year, quarter 1-4) of a date."""
    d = _local_date(d)
    return roc_year(d), (d.month - 1) // 3 + 1


def quarter_label(d) -> str:
    """`114Q3`: the period a quarterly report covers."""
    year, quarter = quarter_of(d)
    return f"{year}Q{quarter}"


# What quarter_label writes: the code of a quarterly report's period.
PERIOD_CODE = re.compile(r"(?P<year>\d{2,3})Q(?P<quarter>[1-4])", re.ASCII)


def quarter_name(period, *, translate=False) -> str:
    """`115 年第 3 季`, the way people write the period code `115Q3`; other text as it is.

    The code stays what is stored, keyed and put in URLs; this is what a reader sees. Kept
    texts (the trail, e-mails) are in Chinese; `translate` gives the reader's language."""
    text = str(period or "")
    match = PERIOD_CODE.fullmatch(text)
    if not match:
        return text
    year, quarter = int(match["year"]), match["quarter"]
    if translate:
        return gettext("%(year)s 年第 %(quarter)s 季") % {"year": year, "quarter": quarter}
    return f"{year} 年第 {quarter} 季"


def quarter_end(d) -> datetime.date:
    d = _local_date(d)
    last_month = ((d.month - 1) // 3 + 1) * 3
    following = datetime.date(d.year + (last_month == 12), last_month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)
