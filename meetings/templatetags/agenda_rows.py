"""The agenda page's proposed rows (templates/meetings/agenda.html).

Built here rather than in a template loop: a large agency's agenda proposes about a thousand
rows, and the template engine's cost per variable (a dozen a row), then Django's lazy-aware
escape, kept the page over its 200 ms budget (bench/README.md, "Page sweep"). Every value goes
through the standard library's html.escape; the markup is what the loop wrote.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def agenda_rows(rows):
    """Rows of dicts with key, checked, saved, overdue, kind_label, short_title and item (an
    AgendaInput), as the view meeting_agenda makes them."""
    keep_label = escape(_("列入議程"))
    saved = f' <span class="gov-muted">（{escape(_("已列入"))}）</span>'
    kinds = {}
    html = []
    for n, row in enumerate(rows, start=1):
        item = row["item"]
        label = row["kind_label"]
        kind = kinds.get(label) or kinds.setdefault(label, escape(str(label)))
        reason = escape(item.reason or "—")
        if row["overdue"]:
            reason = f'<strong class="gov-overdue">{reason}</strong>'
        html.append(
            f'<tr><td><input type="checkbox" name="keep" value="{escape(row["key"])}" id="keep-{n}"'
            f'{" checked" if row["checked"] else ""}><label for="keep-{n}" class="gov-skip">'
            f"{keep_label}：{escape(row['short_title'])}</label></td>"
            f"<td>{kind}{saved if row['saved'] else ''}</td><td>{escape(item.reference or '—')}</td>"
            f"<td>{escape(item.title)}</td><td>{reason}</td></tr>"
        )
    return mark_safe("\n".join(html))
