"""Uploaded files: the limits every case's attachments share, and what we keep of each.

Each app stores its own attachment rows; the rules and the fingerprint are the same for all.
"""

import mimetypes
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


def check_upload(upload):
    """A clear error for a file we will not keep: too big, empty, or of a kind we do not accept."""
    extensions = frozenset(settings.ATTACHMENT_EXTENSIONS)
    max_bytes = settings.ATTACHMENT_MAX_BYTES
    extension = Path(upload.name).suffix.lower().lstrip(".")
    if extension not in extensions:
        raise ValidationError(
            f"「{upload.name}」的檔案類型不接受；可上傳：{'、'.join(sorted(extensions))}。"
        )
    if upload.size == 0:
        raise ValidationError(f"「{upload.name}」是空檔案。")
    if upload.size > max_bytes:
        raise ValidationError(
            f"「{upload.name}」大小 {upload.size / 1048576:.1f} MB，超過上限 "
            f"{max_bytes / 1048576:.0f} MB。"
        )


def describe_upload(upload):
    """Check an upload and return what to record of it (name without path, SHA-256, …)."""
    check_upload(upload)
    name = Path(upload.name).name
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
