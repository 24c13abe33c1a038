"""Verification codes (查驗碼): how anyone who holds a printed document checks it.

A PDF cannot print the hash of its own bytes, so each document the system issues prints a
random code instead, with the address `<SITE_URL>/verify/<code>/` as text and as a QR code.
The code is kept with what the document was issued for (IssuedDocument); the page at that
address tells any logged-in person whether the code was issued, when, and for which case
or person, and nothing more. The file's own SHA-256 is kept beside it, for digital copies
(of the file as handed out: signed, when the agency's key is configured, governance.signing).

A code is 100 random bits in Crockford's base 32 (digits and capitals without I, L, O, U),
printed in four groups of five: 7K3QD-M9XWA-2HF8R-TPE4C. What is typed or pasted is read
leniently: spaces, dashes and any other punctuation are dropped, case is ignored, full-width
characters count as their ASCII forms, I and L read as 1 and O as 0, and a pasted address
gives the code in it.

Apps issue documents through issue_pdf (the registry is governance's: an app writes its
rows, the verify page reads one table); governance imports no app.
"""

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import IssuedDocument
from .signing import sign_pdf, signature_notice

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
CODE_LENGTH = 20  # characters: 100 bits
GROUP = 5
CODE_PATTERN = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
# Crockford's reading of the letters people mistake for digits.
_MISREAD = str.maketrans({"I": "1", "L": "1", "O": "0"})
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_ADDRESS = re.compile(r"/verify/([^/?#]*)", re.IGNORECASE)
_DATA_FINGERPRINT = re.compile(r"[0-9a-f]{64}")
QR_SCALE = 8  # pixels per module
QR_BORDER = 4  # the quiet zone, in modules, as the QR standard asks


def new_code():
    """A fresh random code, as stored (no dashes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def grouped(code):
    """7K3QDM9XWA2HF8RTPE4C → 7K3QD-M9XWA-2HF8R-TPE4C, as printed and in the address."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def _cleaned(text):
    text = unicodedata.normalize("NFKC", text or "")
    address = _ADDRESS.search(text)
    if address:
        text = address.group(1)
    return _NOT_ALNUM.sub("", text)


def normalize(text):
    """The code in what a person typed, pasted or scanned, as stored; None when it holds none."""
    code = _cleaned(text).upper().translate(_MISREAD)
    return code if CODE_PATTERN.fullmatch(code) else None


def is_data_fingerprint(text):
    """Is this an appraisal evidence's 64-character data fingerprint (printed before codes)?"""
    return bool(_DATA_FINGERPRINT.fullmatch(_cleaned(text).lower()))


def verification_url(code):
    """The absolute address printed on the document: <SITE_URL>/verify/<grouped code>/."""
    return settings.SITE_URL.rstrip("/") + reverse("verify:code", args=[grouped(code)])


def qr_data_url(url):
    """The QR code of `url` as a small PNG data URL, for the PDF fetcher (inline images of at
    most 64 KB). Each module is a square of QR_SCALE pixels: a viewer or printer that smooths
    an image as it enlarges it (poppler does, whatever the PDF asks) still draws sharp edges."""
    import segno  # its writers take a twentieth of a second to load: only when a document is made

    symbol = segno.make(url, error="m", micro=False)
    return symbol.png_data_uri(scale=QR_SCALE, border=QR_BORDER)


@dataclass(frozen=True)
class Verification:
    """What a document prints to be checked: its code, grouped; the address; its QR code."""

    code: str
    grouped: str
    url: str
    qr: str


def new_verification():
    code = new_code()
    url = verification_url(code)
    return Verification(code, grouped(code), url, qr_data_url(url))


def issue_pdf(
    template_name,
    context,
    *,
    kind,
    subject,
    issued_at=None,
    issued_by=None,
    case_kind="",
    case_ref="",
    case_number="",
    person_id=None,
    fetcher=None,
):
    """Render a document with a new verification code in it (`verification` in the template's
    context, with `signature_notice`: signed or not), sign it when the agency's key is
    configured (governance.signing), and record its issue: PDF bytes.

    `subject` is what the document is for, as printed: the case's title or the person's name.
    The row is written in the caller's transaction, after the PDF was made.
    """
    from .pdf import render_pdf  # loads WeasyPrint: only when a document is made

    verification = new_verification()
    # Before rendering: a broken signing configuration fails here, not after the work.
    notice = signature_notice()
    context = {**context, "verification": verification, "signature_notice": notice}
    # Signed when the agency's key is configured; the SHA-256 kept is of the bytes handed out.
    content = sign_pdf(render_pdf(template_name, context, fetcher=fetcher))
    IssuedDocument.objects.create(
        code=verification.code,
        kind=kind,
        issued_at=issued_at or timezone.now(),
        issued_by=issued_by if issued_by is not None and issued_by.is_authenticated else None,
        case_kind=case_kind,
        case_ref=case_ref,
        case_number=case_number,
        person_id=person_id,
        subject=subject,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    return content


# What the verify page may read of an issued document: nothing more is fetched.
ANSWER_FIELDS = ("code", "kind", "issued_at", "case_kind", "case_number", "subject")


def look_up(code):
    """The document issued with this code (as normalize gives it), or None: one indexed read."""
    if not code:
        return None
    return IssuedDocument.objects.filter(code=code).only(*ANSWER_FIELDS).first()
