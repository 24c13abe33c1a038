"""Free text typed by people: one length limit for every long text field of every form."""

from django import forms
from django.conf import settings


class LongTextField(forms.CharField):
    """A text area with the agency's limit (settings.TEXT_MAX_CHARS): an over-long paste gets
    a clear error on its field instead of being stored (or failing somewhere later)."""

    def __init__(self, **kwargs):
        # A model TextField passes max_length=None: the agency's limit applies then too.
        if kwargs.get("max_length") is None:
            kwargs["max_length"] = settings.TEXT_MAX_CHARS
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)


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
    """嘉獎 counts as HR writes them: 3 嘉獎 = 1 記功, 3 記功 = 1 記大功 (docs/domain.md, 「敘獎」)."""
    if not count:
        return ""
    major, rest = divmod(count, 9)
    merit, praise = divmod(rest, 3)
    parts = []
    for n, word in ((major, "記大功"), (merit, "記功"), (praise, "嘉獎")):
        if n:
            parts.append(f"{word}{chinese_numeral(n)}次")
    return "".join(parts)
