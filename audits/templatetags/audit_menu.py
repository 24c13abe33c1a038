from django import template

from audits import selectors
from governance.permissions import can_anywhere
from governance.roles import Capability

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_menu(context):
    """Which remediation lists the menu offers this person (each page checks again)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unit_cases = can_anywhere(user, Capability.VIEW_UNIT_CASES)
    return {"unit_cases": unit_cases, "audits": unit_cases or selectors.may_list_all(user)}
