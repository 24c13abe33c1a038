"""Server-side SVG charts: well-formed, accessible (role, name, title, description), escaped,
and drawn in colours that stand out against white."""

import re
import xml.etree.ElementTree as ET

import pytest

from dashboard import charts

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
TRICKY = "閱覽<典藏>組 & \"特藏\" '分館'"


def parse(svg):
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    return root


def texts(root):
    return [t.text for t in root.iter(f"{SVG}text")]


def assert_accessible(root, title):
    assert root.get("role") == "img"
    assert root.get("aria-label") == title
    assert root.find("svg:title", NS).text == title
    assert root.find("svg:desc", NS).text
    assert "Noto Sans CJK TC" in root.get("font-family") and "sans-serif" in root.get("font-family")


def test_bar_chart_is_well_formed_accessible_and_proportional():
    svg = charts.bar_chart(
        title="各單位平均結案天數", labels=["閱覽典藏組", "參考特藏組", "採訪編目組"], values=[10, 5, None]
    )
    root = parse(svg)
    assert_accessible(root, "各單位平均結案天數")
    bars = [r for r in root.iter(f"{SVG}rect")]
    assert len(bars) == 2  # no bar for a missing value
    assert float(bars[0].get("width")) == pytest.approx(2 * float(bars[1].get("width")), abs=0.2)
    shown = texts(root)
    assert {"閱覽典藏組", "參考特藏組", "採訪編目組", "10", "5", "—"} <= set(shown)
    assert "閱覽典藏組 10；參考特藏組 5；採訪編目組 —" == root.find("svg:desc", NS).text


def test_percentages_use_a_fixed_axis_and_given_value_labels():
    root = parse(
        charts.bar_chart(
            title="採行率",
            labels=["甲", "乙"],
            values=[50, 100],
            top=100,
            suffix="%",
            value_labels=["50%（1/2）", "100%（3/3）"],
        )
    )
    full, half = sorted(float(r.get("width")) for r in root.iter(f"{SVG}rect"))[::-1]
    assert full == pytest.approx(2 * half, abs=0.2)
    assert "50%（1/2）" in texts(root) and "100%" in texts(root)  # the axis end


def test_labels_and_titles_are_escaped():
    svg = str(
        charts.stacked_bar_chart(
            chart_id="x",
            title=f"標題 {TRICKY}",
            labels=[TRICKY],
            series=[
                charts.Series(TRICKY, (2,), charts.BLUE),
                charts.Series("其他", (1,), charts.RED, hatched=True),
            ],
        )
    )
    assert "<典藏>" not in svg and "&lt;典藏&gt;" in svg and "&amp;" in svg
    root = parse(svg)  # escaped text parses back to the original
    assert root.get("aria-label") == f"標題 {TRICKY}"
    assert TRICKY in texts(root)
    for make in (
        lambda: charts.bar_chart(title=TRICKY, labels=[TRICKY], values=[1]),
        lambda: charts.donut_chart(
            chart_id="d", title=TRICKY, series=[charts.Series(TRICKY, (1,), charts.BLUE)]
        ),
    ):
        root = parse(make())
        assert root.find("svg:title", NS).text == TRICKY


def test_stacked_bars_add_up_and_hatch_the_series_that_ask_for_attention():
    root = parse(
        charts.stacked_bar_chart(
            chart_id="findings",
            title="列管情形",
            labels=["閱覽典藏組", "採訪編目組"],
            series=[
                charts.Series("逾期", (1, 0), charts.RED, hatched=True),
                charts.Series("列管中（未逾期）", (2, 1), charts.AMBER),
                charts.Series("已解除列管", (1, 0), charts.BLUE),
            ],
        )
    )
    assert_accessible(root, "列管情形")
    segments = [r for r in root.iter(f"{SVG}rect") if r.find("svg:title", NS) is not None]
    titles = [r.find("svg:title", NS).text for r in segments]
    assert titles == [
        "閱覽典藏組 · 逾期：1",
        "閱覽典藏組 · 列管中（未逾期）：2",
        "閱覽典藏組 · 已解除列管：1",
        "採訪編目組 · 列管中（未逾期）：1",
    ]
    widths = [float(r.get("width")) for r in segments]
    # Coordinates are written to 0.1 px.
    assert widths[0] == pytest.approx(widths[2], abs=0.2) and widths[1] == pytest.approx(
        2 * widths[0], abs=0.2
    )
    assert widths[3] == pytest.approx(widths[0], abs=0.2)
    # The overdue segment is hatched: its fill is a pattern defined in the chart.
    assert segments[0].get("fill") == "url(#findings-hatch-0)"
    assert root.find("svg:defs/svg:pattern", NS).get("id") == "findings-hatch-0"
    assert {"4", "1"} <= set(texts(root))  # totals at the bars' ends
    assert {"逾期", "列管中（未逾期）", "已解除列管"} <= set(texts(root))  # the legend


def test_donut_slices_cover_the_ring_in_proportion():
    root = parse(
        charts.donut_chart(
            chart_id="grades",
            title="等第分布",
            centre="計 4 件",
            series=[
                charts.Series("特優", (1,), charts.BLUE),
                charts.Series("優等", (0,), charts.TEAL),
                charts.Series("未達等第", (3,), charts.GREY),
            ],
        )
    )
    assert_accessible(root, "等第分布")
    slices = [c for c in root.iter(f"{SVG}circle") if c.find("svg:title", NS) is not None]
    assert [c.find("svg:title", NS).text for c in slices] == ["特優：1（25.0%）", "未達等第：3（75.0%）"]
    lengths = [float(c.get("stroke-dasharray").split()[0]) for c in slices]
    assert lengths[1] == pytest.approx(3 * lengths[0], abs=0.05)
    assert sum(lengths) == pytest.approx(2 * 3.141592653589793 * 70, rel=1e-3)
    assert "計 4 件" in texts(root) and "優等：0（0.0%）" in texts(root)


def test_a_single_full_slice_and_empty_charts_still_draw():
    root = parse(
        charts.donut_chart(
            chart_id="one", title="全為特優", series=[charts.Series("特優", (2,), charts.BLUE)]
        )
    )
    assert len([c for c in root.iter(f"{SVG}circle") if c.find("svg:title", NS) is not None]) == 1
    parse(
        charts.donut_chart(chart_id="none", title="無資料", series=[charts.Series("特優", (0,), charts.BLUE)])
    )
    parse(charts.bar_chart(title="無資料", labels=[], values=[]))
    parse(
        charts.stacked_bar_chart(
            chart_id="s", title="無資料", labels=["甲"], series=[charts.Series("乙", (0,), charts.BLUE)]
        )
    )


def test_long_labels_are_cut_with_the_full_text_in_the_tooltip():
    label = "國立臺灣圖書館陽明山中山樓管理所暨附設特藏文獻數位典藏中心"
    root = parse(charts.bar_chart(title="長標籤", labels=[label], values=[3]))
    shown = [t for t in texts(root) if t.startswith("國立")]
    assert shown and shown[0].endswith("…") and shown[0] != label
    assert root.find("svg:g/svg:title", NS).text == f"{label}：3"


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b="#ffffff"):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_have_enough_contrast_against_white():
    assert len(set(charts.PALETTE)) == len(charts.PALETTE)
    for colour in charts.PALETTE:
        assert contrast(colour) >= 3, colour  # graphical objects (WCAG 1.4.11)
    for colour in (charts.TEXT, charts.MUTED):
        assert contrast(colour) >= 4.5, colour  # text (WCAG 1.4.3)
    # Every colour a chart uses comes from these.
    svg = str(
        charts.stacked_bar_chart(
            chart_id="c",
            title="t",
            labels=["甲"],
            series=[charts.Series(str(i), (1,), c) for i, c in enumerate(charts.PALETTE)],
        )
    )
    used = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', svg))
    assert used <= set(charts.PALETTE) | {charts.TEXT, charts.MUTED, charts.GRID, "#ffffff"}


def test_nice_axis_ends():
    assert [charts.nice_max(v) for v in (0, 1, 3, 7, 12, 24, 90, 101)] == [1, 1, 5, 10, 20, 25, 100, 200]


def test_gridlines_fall_on_readable_values():
    assert charts._ticks(1) == [0, 1]
    assert charts._ticks(2) == [0, 1, 2]
    assert charts._ticks(2.5) == [0, 0.5, 1, 1.5, 2, 2.5]
    assert charts._ticks(20) == [0, 4, 8, 12, 16, 20]
