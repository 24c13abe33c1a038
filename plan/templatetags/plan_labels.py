from django import template

from plan import selectors as plan_selectors

register = template.Library()


@register.filter
def practice_label(practice):
    """一（一）1. 1.2 and the practice's words: where it sits in the plan's table."""
    return plan_selectors.practice_label(practice) if practice else ""
