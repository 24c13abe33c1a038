"""Template filters for ROC dates: {% load roc %} then {{ value|roc }}."""

from django import template

from governance.rocdate import format_roc, format_roc_datetime, format_roc_short

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
