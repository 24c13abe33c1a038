from django import template

from dashboard import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_menu(context):
    """Whether the menu offers the 管考 dashboard to this person (the page checks again)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"dashboard": selectors.may_view_dashboard(user)}
