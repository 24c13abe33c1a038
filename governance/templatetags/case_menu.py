from django import template

from audits import selectors as audit_selectors
from governance.permissions import can_anywhere
from governance.roles import Capability
from proposals import selectors as proposal_selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def case_menu(context):
    """Which proposal and remediation lists the menu offers this person: none that would
    answer 403 or stay empty by role (an external committee member has no unit). Each page
    checks again."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unit_cases = can_anywhere(user, Capability.VIEW_UNIT_CASES)
    return {
        "unit_cases": unit_cases,
        "all_proposals": proposal_selectors.may_list_all(user),
        "audits": unit_cases or audit_selectors.may_list_all(user),
    }
