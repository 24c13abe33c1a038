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
