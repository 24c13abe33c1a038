"""Template filters for ROC dates: {% load roc %} then {{ value|roc }}."""

from django import template

from governance.rocdate import format_roc, format_roc_datetime, format_roc_short
from governance.rocdate import quarter_name as format_quarter_name

register = template.Library()


def _safe(formatter, value):
    # Like Django's own date filters: bad input renders as empty, never a 500.
    try:
        return formatter(value)
    except (TypeError, ValueError):
        return ""


@register.filter(name="roc")
def roc(value):
    return _safe(format_roc, value)


@register.filter(name="roc_short")
def roc_short(value):
    return _safe(format_roc_short, value)


@register.filter(name="roc_datetime")
def roc_datetime(value):
    return _safe(format_roc_datetime, value)


@register.filter(name="quarter_name")
def quarter_name(period):
    """{{ "115Q3"|quarter_name }} → 115 年第 3 季, in the reader's language; other text as it is."""
    return format_quarter_name(period, translate=True)
