"""Form fields the plan's pages share."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

UPLOAD_SUFFIXES = (".xlsx", ".ods")


class PlanFileField(forms.FileField):
    """A plan table to upload: an .xlsx or .ods file (its content is told apart on import) no
    larger than an attachment may be."""

    widget = forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_SUFFIXES)})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(
                _("請上傳 Excel 活頁簿（.xlsx）或 ODF 試算表（.ods）；「%(name)s」不是。")
                % {"name": Path(upload.name).name[:60]},
                code="type",
            )
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("檔案超過 %(mb)s MB。") % {"mb": settings.ATTACHMENT_MAX_BYTES // 1048576}, code="size"
            )
        return upload
