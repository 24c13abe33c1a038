"""{% load access_log %}: may this person open the access log? {% if user|may_read_access_log %}."""

from django import template

from governance.access_log_views import may_read_log_per_person

register = template.Library()


@register.filter(name="may_read_access_log")
def may_read_access_log(user):
    return may_read_log_per_person(user)
