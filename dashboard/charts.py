"""Charts drawn on the server as SVG: no JavaScript library, nothing fetched from elsewhere.

Each chart is an <svg role="img"> with an aria-label, a <title> (its name, also the tooltip)
and a <desc> (its figures in words); every text is escaped. A chart never stands alone: the
page puts the same figures in a table after it, which is what screen readers and people who
do not read colours use. Colours reach 3:1 against white (WCAG 1.4.11); text reaches 4.5:1;
the series that ask for attention (late, overdue) are also hatched, so they do not rely on
colour alone (WCAG 1.4.1).
"""

import math
import unicodedata
from dataclasses import dataclass
from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

FONT = "'Noto Sans CJK TC', sans-serif"
TEXT = "#1a1a1a"
MUTED = "#4d4d4d"
GRID = "#d6d6d6"

# Distinct hues, each at least 3:1 against white (tests/dashboard/test_charts.py checks).
PALETTE = (
    "#1f5fa8",  # blue
    "#b45309",  # amber
    "#15803d",  # green
    "#7e22ce",  # purple
    "#0e7490",  # teal
    "#be185d",  # pink
    "#854d0e",  # brown
    "#4b5563",  # grey
    "#b00020",  # red
)
BLUE, AMBER, GREEN, PURPLE, TEAL, PINK, BROWN, GREY, RED = PALETTE

WIDTH = 680
FONT_SIZE = 13
SMALL = 11
ROW = 30
BAR = 18
LABEL_MAX = 200


@dataclass(frozen=True)
class Series:
    """One layer of a stacked bar chart (or one slice of a donut)."""

    name: str
    values: tuple
    colour: str
    hatched: bool = False


def _e(text):
    return escape(str(text), quote=True)


def text_width(text, size=FONT_SIZE):
    """Rough width in pixels: CJK characters are square, others about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in str(text))


def _fit(text, width, size=FONT_SIZE):
    """The text, cut with an ellipsis so it fits `width`; the full text stays in a <title>."""
    text = str(text)
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _number(value):
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def nice_max(value):
    """The axis end: the smallest of 1, 2, 2.5, 5 × 10^n reaching `value` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover (the loop always returns)


def _ticks(top):
    """Evenly spaced gridline values from 0 to `top`: five steps, or one per unit below 5."""
    count = int(top) if top < 5 and top == int(top) else 5
    step = top / count
    return [step * i for i in range(count + 1)]


def _svg(width, height, title, description, body, defs=""):
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'style="width:100%;height:auto;max-width:{width:g}px" class="gov-chart" '
        f'font-family="{_e(FONT)}" font-size="{FONT_SIZE}">'
        f"<title>{_e(title)}</title><desc>{_e(description)}</desc>"
        f"{f'<defs>{defs}</defs>' if defs else ''}{body}</svg>"
    )


def _hatch(pattern_id, colour):
    """A fill of the colour with white diagonal stripes."""
    return (
        f'<pattern id="{_e(pattern_id)}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{colour}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern>'
    )


def _fills(chart_id, series):
    defs, fills = [], []
    for index, s in enumerate(series):
        if s.hatched:
            pattern_id = f"{chart_id}-hatch-{index}"
            defs.append(_hatch(pattern_id, s.colour))
            fills.append(f"url(#{pattern_id})")
        else:
            fills.append(s.colour)
    return "".join(defs), fills


def _label_column(labels):
    widest = max((text_width(label) for label in labels), default=0)
    return min(widest, LABEL_MAX) + 12


def _axis(x0, plot_width, top, y_top, y_bottom, suffix=""):
    parts = []
    for tick in _ticks(top):
        x = x0 + plot_width * tick / top
        parts.append(f'<line x1="{x:.1f}" y1="{y_top}" x2="{x:.1f}" y2="{y_bottom}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y_bottom + 14}" text-anchor="middle" font-size="{SMALL}" '
            f'fill="{MUTED}">{_e(_number(tick) + suffix)}</text>'
        )
    return "".join(parts)


def _row_label(label, y, width):
    shown = _fit(label, width - 12)
    return (
        f'<text x="{width - 8:.1f}" y="{y + BAR / 2 + 4.5:.1f}" text-anchor="end" fill="{TEXT}">'
        f"{_e(shown)}</text>"
    )


def bar_chart(*, title, labels, values, value_labels=None, top=None, suffix="", colour=BLUE):
    """Horizontal bars, one per label; a value of None draws no bar and shows "—".

    `top` fixes the axis end (100 for percentages); `value_labels` replace the numbers
    written at the end of each bar (e.g. "66.7%（2/3）").
    """
    labels = [str(label) for label in labels]
    values = list(values)
    shown = (
        list(value_labels)
        if value_labels is not None
        else ["—" if v is None else _number(v) + suffix for v in values]
    )
    label_width = _label_column(labels)
    value_width = max((text_width(s) for s in shown), default=0) + 12
    plot_width = max(WIDTH - label_width - value_width - 8, 120)
    top = top or nice_max(max((v for v in values if v is not None), default=0))
    y0 = 8
    height = y0 + ROW * len(labels) + 24
    body = [_axis(label_width, plot_width, top, y0, y0 + ROW * len(labels), suffix)]
    words = []
    for index, (label, value, text) in enumerate(zip(labels, values, shown, strict=False)):
        y = y0 + index * ROW + (ROW - BAR) / 2
        length = 0 if value is None else plot_width * min(value, top) / top
        tooltip = _("%(label)s：%(value)s") % {"label": label, "value": text}
        body.append(f"<g><title>{_e(tooltip)}</title>")
        body.append(_row_label(label, y, label_width))
        if length > 0:
            body.append(
                f'<rect x="{label_width:.1f}" y="{y:.1f}" width="{length:.1f}" height="{BAR}" fill="{colour}"/>'
            )
        body.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + BAR / 2 + 4.5:.1f}" fill="{TEXT}">{_e(text)}</text></g>'
        )
        words.append(f"{label} {text}")
    return _svg(WIDTH, height, title, _("；").join(words), "".join(body))


def _legend(series, fills, y, width):
    """Swatches with their names, wrapped over as many lines as needed; returns (svg, height)."""
    parts, x, line = [], 0.0, 0
    for s, fill in zip(series, fills, strict=False):
        item = 14 + 6 + text_width(s.name, SMALL + 1) + 18
        if x and x + item > width:
            x, line = 0.0, line + 1
        top = y + line * 20
        parts.append(
            f'<rect x="{x:.1f}" y="{top}" width="14" height="14" fill="{fill}" stroke="{s.colour}"/>'
            f'<text x="{x + 20:.1f}" y="{top + 11.5}" font-size="{SMALL + 1}" fill="{TEXT}">{_e(s.name)}</text>'
        )
        x += item
    return "".join(parts), (line + 1) * 20


def stacked_bar_chart(*, chart_id, title, labels, series):
    """Horizontal bars split into the series' values, with a legend; the total at each end.

    `chart_id` makes the hatch patterns' ids unique on a page with several charts.
    """
    labels = [str(label) for label in labels]
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    label_width = _label_column(labels)
    value_width = max((text_width(_number(t)) for t in totals), default=0) + 12
    plot_width = max(WIDTH - label_width - value_width - 8, 120)
    top = nice_max(max(totals, default=0))
    defs, fills = _fills(chart_id, series)
    y0 = 8
    plot_bottom = y0 + ROW * len(labels)
    legend, legend_height = _legend(series, fills, plot_bottom + 30, WIDTH)
    height = plot_bottom + 30 + legend_height + 4
    body = [_axis(label_width, plot_width, top, y0, plot_bottom)]
    words = []
    for index, (label, total) in enumerate(zip(labels, totals, strict=False)):
        y = y0 + index * ROW + (ROW - BAR) / 2
        parts = [f"{s.name} {_number(s.values[index] or 0)}" for s in series]
        tooltip = _("%(label)s：%(parts)s，合計 %(total)s") % {
            "label": label,
            "parts": _("、").join(parts),
            "total": _number(total),
        }
        body.append(f"<g><title>{_e(tooltip)}</title>")
        body.append(_row_label(label, y, label_width))
        x = label_width
        for s, fill in zip(series, fills, strict=False):
            value = s.values[index] or 0
            if value <= 0:
                continue
            length = plot_width * value / top
            slice_tip = _("%(label)s：%(value)s") % {"label": f"{label} · {s.name}", "value": _number(value)}
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{length:.1f}" height="{BAR}" fill="{fill}" '
                f'stroke="#ffffff" stroke-width="1"><title>{_e(slice_tip)}</title></rect>'
            )
            x += length
        body.append(
            f'<text x="{x + 6:.1f}" y="{y + BAR / 2 + 4.5:.1f}" fill="{TEXT}">{_e(_number(total))}</text></g>'
        )
        words.append(_("%(label)s：%(value)s") % {"label": label, "value": _("、").join(parts)})
    body.append(legend)
    return _svg(WIDTH, height, title, _("；").join(words), "".join(body), defs)


def donut_chart(*, chart_id, title, series, centre=""):
    """A ring of slices (one per series, its first value), the legend with counts and shares.

    `centre` is written in the middle (e.g. "計 12 件").
    """
    total = sum(s.values[0] or 0 for s in series)
    defs, fills = _fills(chart_id, series)
    radius, ring, cx, cy = 70, 34, 100, 100
    circumference = 2 * math.pi * radius
    body = [f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="none" stroke="{GRID}" stroke-width="{ring}"/>']
    offset = 0.0
    words = []
    legend = []
    for index, (s, fill) in enumerate(zip(series, fills, strict=False)):
        value = s.values[0] or 0
        share = value / total * 100 if total else 0
        text = _("%(name)s：%(value)s（%(share).1f%%）") % {
            "name": s.name,
            "value": _number(value),
            "share": share,
        }
        words.append(text)
        if value > 0:
            length = circumference * value / total
            # A circle's stroke, dashed to the slice's length and turned so slices follow on
            # clockwise from twelve o'clock: one element draws any share, 100% included.
            body.append(
                f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="none" stroke="{fill}" stroke-width="{ring}" '
                f'stroke-dasharray="{length:.2f} {circumference - length:.2f}" '
                f'stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 {cx} {cy})">'
                f"<title>{_e(text)}</title></circle>"
            )
            offset += length
        y = 30 + index * 24
        legend.append(
            f'<rect x="230" y="{y}" width="14" height="14" fill="{fill}" stroke="{s.colour}"/>'
            f'<text x="252" y="{y + 12}" fill="{TEXT}">{_e(text)}</text>'
        )
    if sum(1 for s in series if (s.values[0] or 0) > 0) > 1:
        # White spokes between slices, so neighbours do not rely on their colours' contrast.
        boundary = 0.0
        for s in series:
            value = s.values[0] or 0
            if value <= 0:
                continue
            angle = 2 * math.pi * boundary / total - math.pi / 2
            inner, outer = radius - ring / 2, radius + ring / 2
            body.append(
                f'<line x1="{cx + inner * math.cos(angle):.2f}" y1="{cy + inner * math.sin(angle):.2f}" '
                f'x2="{cx + outer * math.cos(angle):.2f}" y2="{cy + outer * math.sin(angle):.2f}" '
                f'stroke="#ffffff" stroke-width="2"/>'
            )
            boundary += value
    if centre:
        body.append(f'<text x="{cx}" y="{cy + 5}" text-anchor="middle" fill="{TEXT}">{_e(centre)}</text>')
    height = max(200, 30 + len(series) * 24 + 10)
    return _svg(WIDTH, height, title, _("；").join(words), "".join(body + legend), defs)
