"""Filters of the meeting papers' PDF templates (meetings.meeting_documents)."""

from django import template

from governance.text import chinese_numeral

register = template.Library()


@register.filter(name="cjk_number")
def cjk_number(n):
    """3 → 三: the 一、二、三、 of numbered items in official documents."""
    return chinese_numeral(int(n))
