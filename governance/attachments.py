"""Uploaded files: the limits every case's attachments share, and what we keep of each.

Each app stores its own attachment rows; the rules and the fingerprint are the same for all.
"""

import mimetypes
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .trail import file_fingerprint


@dataclass(frozen=True)
class StoredFile:
    """What an attachment row records besides the file itself."""

    name: str
    size: int
    content_type: str
    sha256: str


# What each accepted kind of file starts with. A file whose content does not match its
# name (an executable renamed .pdf) is refused.
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office formats
ZIP = b"PK\x03\x04"  # Office Open XML and OpenDocument
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "doc": (OLE,),
    "xls": (OLE,),
    "ppt": (OLE,),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "pptx": (ZIP,),
    "odt": (ZIP,),
    "ods": (ZIP,),
    "odp": (ZIP,),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
EXECUTABLES = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")
# Zipped formats: the content may not unpack to more than this, nor at a higher ratio.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 10_000
MAX_IMAGE_PIXELS = 50_000_000
MAX_NAME_LENGTH = 200


def safe_name(name):
    """The file's own name, without any folder (/ or \\), control characters or leading dots."""
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        name = (
            stem[: MAX_NAME_LENGTH - len(extension) - 1] + dot + extension if dot else name[:MAX_NAME_LENGTH]
        )
    return name


def _head(upload, size=16):
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _check_content(upload, name, extension):
    head = _head(upload, 8192)
    if head.startswith(EXECUTABLES):
        raise ValidationError(_("「%(name)s」是執行檔，不接受。") % {"name": name})
    expected = SIGNATURES.get(extension)
    if expected and not head.startswith(expected):
        raise ValidationError(
            _("「%(name)s」的內容不是 %(kind)s 檔（副檔名與內容不符）。")
            % {"name": name, "kind": extension.upper()}
        )
    if extension in ("txt", "csv") and b"\x00" in head:
        raise ValidationError(_("「%(name)s」不是文字檔（內容含二進位資料）。") % {"name": name})
    if expected == (ZIP,):
        _check_archive(upload, name)
    if extension in ("png", "jpg", "jpeg"):
        _check_image(upload, name)


def _check_archive(upload, name):
    """Office files are ZIP archives: refuse one that would unpack to an enormous size."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ValidationError(_("「%(name)s」檔案已損毀，無法開啟。") % {"name": name}) from None
    finally:
        upload.seek(0)
    unpacked = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise ValidationError(_("「%(name)s」解壓縮後異常龐大（壓縮炸彈），不接受。") % {"name": name})


def _check_image(upload, name):
    from PIL import Image  # Pillow loads only when an image is uploaded

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        raise ValidationError(_("「%(name)s」圖片尺寸過大（壓縮炸彈），不接受。") % {"name": name}) from None
    except Exception:  # its signature matched: an unreadable header is harmless, only huge sizes are not
        return
    finally:
        upload.seek(0)
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("「%(name)s」圖片尺寸 %(width)s×%(height)s 過大，不接受。")
            % {"name": name, "width": width, "height": height}
        )


def check_upload(upload):
    """A clear error for a file we will not keep: too big, empty, of a kind we do not accept,
    or whose content is not what its name says."""
    extensions = frozenset(settings.ATTACHMENT_EXTENSIONS)
    max_bytes = settings.ATTACHMENT_MAX_BYTES
    name = safe_name(upload.name)
    if not name or name.startswith("."):
        raise ValidationError(_("檔名無效。"))
    extension = Path(name).suffix.lower().lstrip(".")
    if extension not in extensions:
        raise ValidationError(
            _("「%(name)s」的檔案類型不接受；可上傳：%(extensions)s。")
            % {"name": name, "extensions": "、".join(sorted(extensions))}
        )
    if upload.size == 0:
        raise ValidationError(_("「%(name)s」是空檔案。") % {"name": name})
    if upload.size > max_bytes:
        raise ValidationError(
            _("「%(name)s」大小 %(size).1f MB，超過上限 %(limit).0f MB。")
            % {"name": name, "size": upload.size / 1048576, "limit": max_bytes / 1048576}
        )
    _check_content(upload, name, extension)


def describe_upload(upload):
    """Check an upload and return what to record of it (name without path, SHA-256, …)."""
    check_upload(upload)
    name = safe_name(upload.name)
    return StoredFile(
        name=name,
        size=upload.size,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        sha256=file_fingerprint(upload),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked against the attachment rules."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        errors = []
        for upload in cleaned:
            try:
                check_upload(upload)
            except ValidationError as e:
                errors.extend(e.messages)
        if errors:
            raise ValidationError(errors)
        if self.required and not cleaned:
            raise ValidationError(_("請上傳檔案。"))
        return cleaned
