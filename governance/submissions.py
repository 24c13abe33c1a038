"""Forms that create something are processed once per token (double submit protection).

The form carries a random token (SubmissionTokenField). The view claims it in the same
transaction as the service call that creates the record: a second post of the same form
waits for the first (the token's unique index) and is then told where the first went.
"""

import uuid

from django import forms
from django.db import IntegrityError, transaction

from .models import FormSubmission


class AlreadySubmitted(Exception):
    def __init__(self, url):
        super().__init__(url)
        self.url = url


class SubmissionTokenField(forms.CharField):
    """A hidden random token; a form re-rendered after an error keeps its token."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("initial", lambda: uuid.uuid4().hex)
        super().__init__(**kwargs)


class Claim:
    def __init__(self, submission):
        self.submission = submission

    def done(self, url):
        """Record where the created thing is, for a second post of the same form."""
        if self.submission is not None:
            self.submission.result_url = url
            self.submission.save(update_fields=["result_url"])


def claim(user, token):
    """Claim the form's token inside the caller's transaction; AlreadySubmitted if it was used.

    Without a token (an old page, a script) nothing is claimed: the post is processed."""
    if not token:
        return Claim(None)
    try:
        with transaction.atomic():
            submission = FormSubmission.objects.create(token=token, user=user)
    except IntegrityError:
        earlier = FormSubmission.objects.filter(token=token, user=user).first()
        raise AlreadySubmitted(earlier.result_url if earlier else "") from None
    return Claim(submission)
