"""Taiwanese official document numbers (公文文號), e.g. 臺教綜（一）字第1020019490A號.

The digits after 字第 start with a 3-digit ROC year (102 = 2013) followed by a serial.
People also paste them as cited in a letter, with the issuing agency, the date and the kind
of document around them: 「教育部115年3月8日臺教社(四)字第1150012345號函」. The number is
recognised in the citation and the date and kind are kept apart.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .rocdate import ROCDateError, parse_date

EXAMPLE = "臺教綜（一）字第1020019490A號"
MAX_LENGTH = 100

# Matched against the text as written so the prefix keeps its original brackets;
# digits and letters may be full-width, spaces may surround 字第, the number and 號.
_PATTERN = re.compile(
    r"(?P<prefix>.*?)\s*字\s*第\s*(?P<serial>[0-9０-９]+)"
    r"\s*(?P<letter>[A-Za-zＡ-Ｚａ-ｚ]?)\s*號"
    r"\s*(?P<kind>書函|函|令|公告|開會通知單|通知)?"
)
# In a citation, the issuing agency and the date come before the number's own prefix.
_CITED_DATE = re.compile(
    r"(?P<issuer>.*?)\s*(?P<date>(?:中華民國|民國)?\s*[0-9０-９]{2,3}\s*年\s*[0-9０-９]{1,2}\s*月"
    r"\s*[0-9０-９]{1,2}\s*日)\s*(?P<prefix>.+)"
)
_FORBIDDEN_PREFIX_CHARS = ("<", ">")


class DocumentNumberError(ValueError):
    """Text is not a valid document number."""


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class DocumentNumber:
    text: str  # the number as written (without a citation's agency, date and kind)
    prefix: str
    serial: str
    letter: str
    roc_year: int
    issuer: str = ""  # a citation's issuing agency: 教育部
    issued_on: datetime.date | None = None  # a citation's date
    kind: str = ""  # a citation's kind of document: 函, 令, 書函 …

    @property
    def normalised(self) -> str:
        """Canonical form for duplicate detection: NFKC (full- and half-width alike), no
        spaces, 台 as 臺, upper-case letter."""
        return f"{_compact(self.prefix).replace('台', '臺')}字第{self.serial}{self.letter}號"

    def __str__(self) -> str:
        return self.text


def _error(reason: str) -> DocumentNumberError:
    return DocumentNumberError(_("%(reason)s（範例：%(example)s）") % {"reason": reason, "example": EXAMPLE})


def _shape_error(compact: str) -> DocumentNumberError:
    """Explain the first structural problem in a compacted, NFKC-normalised text."""
    if "字第" not in compact:
        return _error(_("文號須包含「字第」。"))
    if not compact.endswith("號"):
        return _error(_("文號須以「號」結尾。"))
    between = compact.rsplit("字第", 1)[1][:-1]
    if not any(ch.isdigit() for ch in between):
        return _error(_("「字第」與「號」之間須有數字。"))
    return _error(_("文號格式無法辨識，「字第」與「號」之間只能有數字及一個英文字母。"))


def _check_prefix(prefix: str) -> None:
    if not prefix:
        raise _error(_("文號缺少機關代字（「字第」之前的部分）。"))
    compact = _compact(prefix)
    if any(ch in compact for ch in _FORBIDDEN_PREFIX_CHARS):
        raise _error(_("機關代字含有不允許的字元「<」或「>」。"))
    if not any(ch.isalpha() for ch in compact):
        raise _error(_("機關代字須包含文字。"))


def _check_serial(serial: str) -> int:
    if len(serial) < 4:
        raise _error(_("文號數字至少須有 4 碼（前 3 碼為民國年份，其後為流水號）。"))
    year = int(serial[:3])
    if year == 0:
        raise _error(_("文號前 3 碼為民國年份，不可為 000。"))
    return year


def parse_document_number(text) -> DocumentNumber:
    if text is None or not str(text).strip():
        raise DocumentNumberError(_("請輸入文號。"))
    text = _unquote(str(text).strip())
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise _shape_error(_compact(text))
    prefix = match["prefix"].strip()
    issuer, issued_on = "", None
    cited = _CITED_DATE.fullmatch(prefix)
    if cited is not None:
        issued_on = _cited_date(cited["date"])
        issuer, prefix = cited["issuer"].strip(), cited["prefix"].strip()
    _check_prefix(prefix)
    serial = unicodedata.normalize("NFKC", match["serial"])
    year = _check_serial(serial)
    letter = unicodedata.normalize("NFKC", match["letter"]).upper()
    kind = match["kind"] or ""
    if cited is not None or kind:
        # The number alone, as written: from its prefix to 號.
        start = text.index(prefix) if cited is not None else 0
        text = text[start : match.end("letter")].rstrip() + "號"
    return DocumentNumber(
        text=text,
        prefix=prefix,
        serial=serial,
        letter=letter,
        roc_year=year,
        issuer=issuer,
        issued_on=issued_on,
        kind=kind,
    )


def _unquote(text: str) -> str:
    """「…」 or 『…』 around a pasted citation."""
    for opening, closing in (("「", "」"), ("『", "』"), ('"', '"')):
        if text.startswith(opening) and text.endswith(closing):
            return text[1:-1].strip()
    return text


def _cited_date(text: str) -> datetime.date:
    try:
        return parse_date(text if text.startswith(("中華民國", "民國")) else "民國" + text)
    except ROCDateError as exc:
        raise _error(_("引用的發文日期有誤：%(error)s") % {"error": exc}) from exc


def document_key(text) -> str:
    """The number's normalised form for finding it again, or "" for text that is not one."""
    try:
        return parse_document_number(text).normalised
    except DocumentNumberError:
        return ""


def validate_document_number(value) -> None:
    """Django validator wrapper around parse_document_number."""
    try:
        parse_document_number(value)
    except DocumentNumberError as exc:
        raise ValidationError(str(exc), code="invalid") from exc


class DocumentNumberField(forms.CharField):
    """Form field that validates a document number and gives it as typed; from a pasted
    citation (教育部115年3月8日臺教社(四)字第1150012345號函), the number alone."""

    default_validators = [validate_document_number]

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return parse_document_number(value).text

    def __init__(self, *, max_length=MAX_LENGTH, **kwargs):
        super().__init__(max_length=max_length, **kwargs)


class DocumentNumberModelField(models.CharField):
    default_validators = [validate_document_number]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == MAX_LENGTH:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": DocumentNumberField, **kwargs})
