"""Free text typed by people: one length limit for every long text field of every form, and
the invisible characters taken out of every text that comes in or goes out."""

import re

from django import forms
from django.conf import settings

# Characters that change how the text around them is shown without being shown themselves:
# - C0 and C1 control characters (and DEL), except tab, line feed and carriage return, which
#   a text area holds. Nobody types them; pasted in, they hide the start of a formula from
#   the export's check (governance.exports), break XML, or end up in a log line.
# - Bidirectional controls: embeddings and overrides (U+202A–U+202E) and isolates
#   (U+2066–U+2069) reorder what follows them, so "‮fdp.exe" prints as "exe.pdf" and a
#   title can be printed back to front on a PDF. The marks U+200E/U+200F (and U+061C, the
#   Arabic letter mark) cannot reverse a run of text, but are invisible, only ever needed in
#   right-to-left scripts the agency does not write, and make two titles that look the same
#   differ: they go too.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_INVISIBLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


def clean_text(value):
    """The text without control characters (tab and line breaks kept) and bidi controls."""
    return _INVISIBLE.sub("", value)


def strip_bidi(value):
    """The text without bidirectional controls: for output of text stored before input was
    cleaned (clean_text)."""
    return _BIDI.sub("", value)


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
