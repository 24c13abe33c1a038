"""Periods people type: a year (ROC or AD) or a start and end date, as forms and file names use them.

Shared by every list that filters by year (proposals, findings, the plan, the dashboard) and by
the periods of appraisal evidence and reward exports.
"""

import re
import unicodedata

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .rocdate import ROCDateField, roc_year, roc_year_range, today_taipei


class YearError(ValueError):
    """A year typed by a person that is not an ROC or AD year the system can use."""


def year_bounds(today=None):
    """(last ROC year, last AD year) accepted as input: next year at most."""
    ad = (today or today_taipei()).year + 1
    return ad - 1911, ad


def parse_year(value, today=None):
    """An ROC year (114, 民國114年) or an AD year from 1912 on (2025), as an ROC year.

    Full-width digits are accepted. Raises YearError with a message for people.
    """
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value if value is not None else "")))
    text = re.sub(r"^(民國|民国|西元)", "", text)
    text = re.sub(r"(年度|年)$", "", text)
    if not text:
        raise YearError(_("請輸入年度（民國年如 114，或西元年如 2025）。"))
    if not (text.isascii() and text.isdigit()):
        raise YearError(
            _("年度「%(value)s」無法辨識：請輸入民國年（如 114）或西元年（如 2025）。")
            % {"value": str(value)[:20]}
        )
    year = int(text)
    last_roc, last_ad = year_bounds(today)
    if 1 <= year <= last_roc:
        return year
    if 1912 <= year <= last_ad:
        return year - 1911
    raise YearError(
        _("年度須為民國 1 至 %(last_roc)s 年（或西元 1912 至 %(last_ad)s 年），輸入的是 %(year)s。")
        % {"last_roc": last_roc, "last_ad": last_ad, "year": year}
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
        except YearError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


def period_label(start, end):
    """How a period is written in file names: 115 for a whole ROC year, else 1150101-1150630."""
    if start.month == 1 and start.day == 1 and end == start.replace(month=12, day=31):
        return str(roc_year(start))
    return "-".join(f"{roc_year(d)}{d.month:02d}{d.day:02d}" for d in (start, end))


def period_of_year(year):
    """An ROC year, or an AD year from 1912 on, as (first day, last day)."""
    return roc_year_range(year - 1911 if year >= 1912 else year)


class PeriodForm(forms.Form):
    """A period: an ROC (or AD) year by default, or a start and end date."""

    year = YearField(label=gettext_lazy("年度"), required=False)
    start = ROCDateField(label=gettext_lazy("起日"), required=False)
    end = ROCDateField(label=gettext_lazy("迄日"), required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end, year = data.get("start"), data.get("end"), data.get("year")
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("指定期間時，起日與迄日都要填。"), code="incomplete")
            if start > end:
                raise forms.ValidationError(_("起日晚於迄日。"), code="order")
            data["period"] = (start, end)
        else:
            data["period"] = period_of_year(year or roc_year(today_taipei()))
        return data

    @classmethod
    def from_query(cls, query, **kwargs):
        """Bound to the query string; with no period in it, the current ROC year."""
        data = query.copy()
        if not any(data.get(name) for name in ("year", "start", "end")):
            data["year"] = str(roc_year(today_taipei()))
        return cls(data, **kwargs)
