from django import template

from governance.permissions import can_anywhere
from governance.roles import Capability
from proposals import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def proposal_menu(context):
    """Which proposal lists the menu offers this person: none that would answer 403 or stay
    empty by role (an external committee member has no unit). Each page checks again."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unit_cases": can_anywhere(user, Capability.VIEW_UNIT_CASES),
        "all_proposals": selectors.may_list_all(user),
    }
