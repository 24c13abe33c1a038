"""{% load trail_pdf %}: may this person download case trail PDFs? {% if user|may_download_trail %}."""

from django import template

from governance.documents import may_download_trail as _may_download_trail

register = template.Library()


@register.filter(name="may_download_trail")
def may_download_trail(user):
    return _may_download_trail(user)
