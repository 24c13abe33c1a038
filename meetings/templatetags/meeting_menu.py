from django import template

from governance.permissions import can_anywhere
from governance.roles import Capability

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_menu(context):
    """Whether the menu offers the meetings to this person (the page checks again)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # As before the move: the menu offers them to people who read unit cases somewhere.
    return {"meetings": can_anywhere(user, Capability.VIEW_UNIT_CASES)}
