from django import template

from governance import todo
from governance.rocdate import today_taipei

register = template.Library()


@register.filter
def due_text(due):
    """尚有 n 天 / 今天到期 / 已逾期 n 天, counted in Asia/Taipei."""
    return todo.days_text(due, today_taipei()) if due else ""


@register.filter
def is_overdue(due):
    return bool(due) and due < today_taipei()


@register.filter
def capped(count):
    """A count of one kind: past the cap, "99+" (the sources count no further)."""
    return todo.format_count(count)
