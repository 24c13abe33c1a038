"""{% load tracking_report %}: may this person download the quarterly tracking report?

{% if user|may_download_tracking_report %}…{% endif %}
"""

from django import template

from dashboard.tracking_report import may_download_tracking_report as _may_download

register = template.Library()


@register.filter(name="may_download_tracking_report")
def may_download_tracking_report(user):
    return _may_download(user)
