from django import template

from governance.permissions import can
from governance.roles import Capability

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_menu(context):
    """Which plan pages the menu offers this person (each page checks again)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    agency = can(user, Capability.DECIDE_FOR_AGENCY) or can(user, Capability.MANAGE_TRACKING)
    unit_work = can(user, Capability.REPORT_UNIT_PROGRESS) or can(user, Capability.REVIEW_UNIT_CASES)
    return {
        "reports": unit_work,
        "quarter": agency,
        "dashboard": agency or can(user, Capability.REVIEW_UNIT_CASES),
        "meetings": can(user, Capability.VIEW_UNIT_CASES),
    }
