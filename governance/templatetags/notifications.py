from django import template

from governance.notifications import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """The menu's unread badge: one indexed count per page."""
    request = context.get("request")
    return unread_count(request.user) if request is not None else 0
