"""One row's cells of the 管考 office's quarter grid (templates/plan/report_quarter.html).

Built here rather than in a template loop: a large agency's grid is 60 practices by 40 units,
and the loop's cost per cell (2,400 a page, most of them empty) kept the page at its 200 ms
budget (bench/README.md, "Page sweep"). A unit's report still shows through
plan/report_state.html, as on the other report pages.
"""

from html import escape

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def quarter_cells(cells):
    """`cells`: a row of plan.practice_reports.overview_table, a PracticeDuty or None (the unit
    is not responsible for the practice) per unit."""
    report_state = get_template("plan/report_state.html")
    empty = f'<td class="gov-muted"><span aria-label="{escape(_("非承辦單位"))}">—</span></td>'
    html = []
    for cell in cells:
        if cell is None:
            html.append(empty)
            continue
        url = reverse("plan:report_practice", args=[cell.practice.pk, cell.unit.pk, cell.period])
        state = report_state.render({"report": cell.report, "late": cell.late})
        html.append(f'<td style="white-space:nowrap"><a href="{escape(url)}">{state}</a></td>')
    return mark_safe("".join(html))  # the url escaped, the state rendered by its template
