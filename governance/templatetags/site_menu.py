from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def menu_templates():
    """Each app's menu entries, in the menu's order (settings.MENU_TEMPLATES): the core's
    menu names no app of its own."""
    return settings.MENU_TEMPLATES
