from django import template

from governance.permissions import can_anywhere, is_overseer
from governance.roles import Capability

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_menu(context):
    """Which plan pages the menu offers this person (each page checks again)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    agency = is_overseer(user)
    heads = can_anywhere(user, Capability.REVIEW_UNIT_CASES)
    return {
        "reports": can_anywhere(user, Capability.REPORT_UNIT_PROGRESS) or heads,
        "quarter": agency,
    }
