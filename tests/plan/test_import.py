"""The plan as data: xlsx export and import, revisions with their differences, and who may
import."""

import datetime
import io
from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from governance.models import TrailEvent
from plan.models import Plan, PlanDeadline, PlanPractice, PlanVersion
from plan.selectors import version_changes, version_tree
from plan.services import PlanImportError, import_plan, load_seed_plan, revise_plan
from plan.xlsx import HEADERS, export_version, import_spreadsheet, read_rows
from tests.support.plan_factory import a_year_later

pytestmark = pytest.mark.django_db


def workbook(rows, headers=HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def counts():
    return (
        Plan.objects.count(),
        PlanVersion.objects.count(),
        PlanPractice.objects.count(),
        PlanDeadline.objects.count(),
        TrailEvent.objects.filter(case_kind="plan").count(),
    )


def canonical(rows):
    """Rows compared as data: the units as a set (a cell lists them in its own order)."""
    return [
        (
            r.area_number,
            r.area_title,
            r.dimension,
            r.item_number,
            r.item_title,
            r.practice_number,
            r.practice_text,
            r.deadline_text,
            r.deadlines,
            r.unit_text,
            sorted(r.unit_codes),
        )
        for r in rows
    ]


@pytest.fixture
def seeded(org):
    return load_seed_plan()


@pytest.fixture
def tracking(person):
    return person("tracking")


def test_export_then_import_gives_the_same_tree(seeded, tracking):
    data = export_version(seeded)
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert [c.value for c in sheet[2]] == [
        "一、服務流程",
        "（一）服務流程便捷性",
        "1.",
        "單一窗口服務全功能程度",
        "1.1",
        "讀者辦證服務單一窗口服務，提供讀者網路辦證及線上申辦的便捷服務，節省每位讀者臨櫃填寫申請時間及工作人員鍵檔時間。",
        "102 年 3 月、6 月、9 月、12 月",
        "102/03/31、102/06/30、102/09/30、102/12/31",
        "閱覽組",
    ]

    assert canonical(read_rows(io.BytesIO(data))) == canonical(version_tree(seeded).rows())
    revised = import_spreadsheet(
        actor=tracking, fileobj=io.BytesIO(data), roc_year=102, title="", note="原樣匯入"
    )
    assert revised.number == 2 and revised.created_by == tracking
    assert version_tree(revised).rows() == version_tree(seeded).rows()
    assert version_changes(seeded, revised).unchanged
    keys = lambda v: [p.key for p in version_tree(v).practices()]  # noqa: E731
    assert keys(revised) == keys(seeded)

    # Last year's table as this year's: its deadlines must be this year's.
    with pytest.raises(PlanImportError, match="第 2 列：完成期限 102年3月31日 不在 103 年度內"):
        import_spreadsheet(actor=tracking, fileobj=io.BytesIO(data), roc_year=103, title="", note="")
    assert not Plan.objects.filter(roc_year=103).exists()
    other_year = import_spreadsheet(
        actor=tracking,
        fileobj=io.BytesIO(a_year_later(data, 102)),
        roc_year=103,
        title="103 年度提升服務品質執行計畫",
        note="沿用 102 年度計畫",
    )
    assert other_year.number == 1 and other_year.plan.roc_year == 103
    moved = lambda rows: [  # noqa: E731
        (r.practice_text, [d.replace(year=d.year - 1) for d in r.deadlines]) for r in rows
    ]
    assert moved(version_tree(other_year).rows()) == [
        (r.practice_text, list(r.deadlines)) for r in version_tree(seeded).rows()
    ]
    assert not set(keys(other_year)) & set(keys(seeded))  # another plan's practices are its own


def test_bad_rows_are_all_named_and_nothing_is_imported(seeded, tracking):
    good = [
        "一、服務流程",
        "（一）服務流程便捷性",
        "1.",
        "單一窗口服務全功能程度",
        "1.1",
        "讀者辦證",
        "102 年 3 月",
        "102/03/31",
        "閱覽組",
    ]
    bad = workbook(
        [
            good,
            [
                "一、服務流程",
                "（一）服務流程便捷性",
                "1.",
                "單一窗口服務全功能程度",
                "1.2",
                "分齡分眾",
                "102 年 3 月",
                "102/03/31",
                "閱覽組 資訊組",
            ],
            [
                "一、服務流程",
                "（一）服務流程便捷性",
                "1.",
                "單一窗口服務全功能程度",
                "1.3",
                "線上整合",
                "102 年 13 月",
                "102/13/01",
                "閱覽組",
            ],
            [
                "一、服務流程",
                "（一）服務流程便捷性",
                "1.",
                "單一窗口服務全功能程度",
                "1.4",
                None,
                None,
                None,
                None,
            ],
            [
                "一、服務流程",
                "（一）服務流程便捷性",
                "1.",
                "單一窗口服務全功能程度",
                "1.1",
                "重複的編號",
                None,
                None,
                None,
            ],
        ]
    )
    before = counts()
    for year in (102, 104):  # a revision of the seeded plan, and a new plan
        bad.seek(0)
        with pytest.raises(PlanImportError) as raised:
            import_spreadsheet(actor=tracking, fileobj=bad, roc_year=year, title="", note="有誤的檔案")
        messages = raised.value.messages
        assert messages[0] == "第 3 列：承辦單位「資訊組」不存在。"
        assert messages[1].startswith("第 4 列：完成期限日期有誤：") and "102/13/01" in messages[1]
        assert messages[2] == "第 5 列：推動作法「1.4」缺少內容。"
        assert messages[3] == "第 6 列：推動作法編號「一（一）1. 1.1」與第 2 列重複。"
        assert len(messages) == 4
        assert counts() == before
    assert not Plan.objects.filter(roc_year=104).exists()


def test_a_bad_row_among_good_ones_in_the_service_rolls_everything_back(seeded, tracking):
    rows = version_tree(seeded).rows()
    rows[40] = replace(rows[40], unit_codes=("no-such-unit",))
    before = counts()
    with pytest.raises(PlanImportError) as raised:
        revise_plan(actor=tracking, plan=seeded.plan, rows=rows, note="x")
    assert raised.value.messages == ["第 41 列：承辦單位「no-such-unit」不存在。"]
    assert counts() == before


def test_unreadable_files_and_missing_columns_are_refused(org, tracking):
    with pytest.raises(PlanImportError) as raised:
        read_rows(io.BytesIO(b"not a workbook"))
    assert "檔案無法讀取" in raised.value.messages[0]
    with pytest.raises(PlanImportError) as raised:
        read_rows(workbook([["一、服務流程", "x"]], headers=["實施要項", "構面"]))
    assert "缺少欄位「執行項目」「推動作法編號」「推動作法」" in raised.value.messages[0]
    with pytest.raises(PlanImportError) as raised:
        read_rows(workbook([["服務流程", "", "1.", "項目", "1.1", "作法", "", "", ""]]))
    assert raised.value.messages == ["第 2 列：實施要項「服務流程」應寫成「一、服務流程」（編號、名稱）。"]
    with pytest.raises(PlanImportError) as raised:
        read_rows(workbook([]))
    assert "沒有任何資料列" in raised.value.messages[0]


def test_merged_cells_ad_dates_and_unit_names(org):
    rows = read_rows(
        workbook(
            [
                [
                    "一、服務流程",
                    "（一）服務流程便捷性",
                    "1.",
                    "單一窗口",
                    "1.1",
                    "甲",
                    "102 年 3、6 月",
                    "2013-03-31、102年6月30日",
                    "閱覽典藏組、reference",
                ],
                [None, None, None, None, "1.2", "乙", None, datetime.datetime(2013, 12, 31), "採編組"],
                [None, None, "2.", "流程簡化", 2.1, "丙", None, None, None],
                [None, "（二）服務流程透明度", "1.", "查詢公開", "1.1", "丁", None, None, None],
                ["二、機關形象", "（一）服務場所便利性", None, "洽公環境", "1.1", "戊", None, None, "中山樓"],
            ]
        )
    )
    assert [(r.area_number, r.dimension, r.item_number, r.item_title, r.practice_number) for r in rows] == [
        ("一", "（一）服務流程便捷性", "1.", "單一窗口", "1.1"),
        ("一", "（一）服務流程便捷性", "1.", "單一窗口", "1.2"),
        ("一", "（一）服務流程便捷性", "2.", "流程簡化", "2.1"),
        ("一", "（二）服務流程透明度", "1.", "查詢公開", "1.1"),
        ("二", "（一）服務場所便利性", "", "洽公環境", "1.1"),
    ]
    assert rows[0].deadlines == (datetime.date(2013, 3, 31), datetime.date(2013, 6, 30))
    assert rows[0].unit_codes == ("readers", "reference")
    assert rows[1].deadlines == (datetime.date(2013, 12, 31),)
    assert rows[4].unit_codes == ("chungshan",)


def test_formula_like_text_is_exported_as_text_and_reads_back(seeded, tracking):
    rows = version_tree(seeded).rows()
    rows[0] = replace(rows[0], practice_text='=HYPERLINK("http://evil.invalid","點我")')
    rows[1] = replace(rows[1], practice_text="@SUM(1+1)", deadline_text="-1+2")
    rows[2] = replace(rows[2], practice_text="+886 電話禮貌測試")
    version = revise_plan(actor=tracking, plan=seeded.plan, rows=rows, note="測試")
    sheet = load_workbook(io.BytesIO(export_version(version))).active
    cells = [
        sheet.cell(row=2, column=6),
        sheet.cell(row=3, column=6),
        sheet.cell(row=3, column=7),
        sheet.cell(row=4, column=6),
    ]
    assert [c.value for c in cells] == [
        '\'=HYPERLINK("http://evil.invalid","點我")',
        "'@SUM(1+1)",
        "'-1+2",
        "'+886 電話禮貌測試",
    ]
    assert all(c.data_type == "s" for c in cells)
    back = read_rows(io.BytesIO(export_version(version)))
    assert canonical(back) == canonical(version_tree(version).rows())
    assert back[0].practice_text.startswith("=HYPERLINK")


def test_revision_keeps_the_old_version_and_lists_the_changes(seeded, tracking):
    old_rows = version_tree(seeded).rows()
    rows = list(old_rows)
    # 一（一）1.2 removed, 1.3's text, 1.4's deadlines and 2.1's units changed, a 1.5 added.
    removed, text, deadline, units = rows[1], rows[2], rows[3], rows[4]
    rows[2] = replace(text, practice_text="線上整合服務（含行動裝置）")
    rows[3] = replace(deadline, deadline_text="102 年 12 月", deadlines=(datetime.date(2013, 12, 31),))
    rows[4] = replace(units, unit_codes=("readers",), unit_text="閱覽組")
    added = replace(rows[3], practice_number="1.5", practice_text="行動借書證")
    rows = [rows[0], *rows[2:4], added, *rows[4:]]
    version = revise_plan(actor=tracking, plan=seeded.plan, rows=rows, note="第二次會議修正")
    assert version.number == 2

    # The first version is as it was.
    assert version_tree(seeded).rows() == old_rows
    changes = version_changes(seeded, version)
    assert [p.practice.text for p in changes.removed] == [removed.practice_text]
    assert [p.label for p in changes.added] == ["一（一）1. 1.5"]
    assert [(c.new.label, c.fields) for c in changes.changed] == [
        ("一（一）1. 1.3", ["text"]),
        ("一（一）1. 1.4", ["deadlines"]),
        ("一（一）2. 2.1", ["units"]),
    ]
    assert changes.changed[0].old.practice.text == "線上整合服務"
    assert changes.changed[2].new.unit_codes == ["readers"]
    # Unchanged practices keep their key; the added one has a new key.
    old_keys = {p.label: p.key for p in version_tree(seeded).practices()}
    new_keys = {p.label: p.key for p in version_tree(version).practices()}
    assert new_keys["一（一）1. 1.3"] == old_keys["一（一）1. 1.3"]
    assert new_keys["一（一）1. 1.5"] not in old_keys.values()
    events = TrailEvent.objects.filter(case_kind="plan", case_ref=str(seeded.plan.pk))
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("匯入計畫", "", "第 1 版"),
        ("修正計畫", "第 1 版", "第 2 版"),
    ]
    assert events[1].actor == tracking and "第二次會議修正" in events[1].comment


@pytest.mark.parametrize("login", ["readers-head", "readers-liaison", "director", "auditor", "hr"])
def test_only_the_tracking_office_may_import(seeded, person, login):
    someone = person(login)
    data = export_version(seeded)
    before = counts()
    with pytest.raises(PermissionDenied):
        import_spreadsheet(actor=someone, fileobj=io.BytesIO(data), roc_year=102, title="", note="x")
    with pytest.raises(PermissionDenied):
        import_plan(actor=someone, roc_year=105, title="", rows=version_tree(seeded).rows(), note="x")
    with pytest.raises(PermissionDenied):
        revise_plan(actor=someone, plan=seeded.plan, rows=version_tree(seeded).rows(), note="x")
    assert counts() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_imports_number_versions_one_after_the_other(org, person):
    from django.db import connection

    from tests.threads import at_once

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; this runs on the PostgreSQL pass")
    seeded = load_seed_plan()
    rows = version_tree(seeded).rows()
    # Next year's plan is this year's table with its deadlines moved into 103.
    rows_103 = read_rows(io.BytesIO(a_year_later(export_version(seeded), 102)))
    tracking = person("tracking")

    def revise():
        return revise_plan(actor=person("tracking"), plan=seeded.plan, rows=rows, note="同時修正")

    def new_year():
        return import_plan(actor=person("tracking"), roc_year=103, title="", rows=rows_103, note="同時匯入")

    results, errors = at_once([revise, revise, new_year, new_year])
    assert errors == []
    assert sorted(PlanVersion.objects.filter(plan=seeded.plan).values_list("number", flat=True)) == [1, 2, 3]
    plan_103 = Plan.objects.get(roc_year=103)
    assert sorted(plan_103.versions.values_list("number", flat=True)) == [1, 2]
    events = TrailEvent.objects.filter(case_kind="plan", case_ref=str(plan_103.pk))
    assert [e.action for e in events] == ["匯入計畫", "修正計畫"]
    assert tracking.pk in {v.created_by_id for v in plan_103.versions.all()}


def test_rows_are_checked_before_anything_is_written(org, tracking):
    area = dict(area_number="一", area_title="服務流程", dimension="（一）服務流程便捷性")
    rows = [
        dict(area, item_number="1.", item_title="單一窗口", practice_number="1.1", practice_text="甲"),
        dict(
            area,
            area_title="服務流程（改）",
            item_number="1.",
            item_title="單一窗口",
            practice_number="1.2",
            practice_text="乙",
        ),
        dict(area, item_number="1.", item_title="另一個名稱", practice_number="1.3", practice_text="丙"),
        dict(
            area, item_number="2.", item_title="流程簡化", practice_number="2.1.1.1.1.1", practice_text="丁"
        ),
        dict(area, item_number="3.", item_title="書表減量", practice_text="戊"),
        dict(area, item_number="4.", item_title="只有項目", unit_codes=["readers"]),
        dict(
            area,
            item_number="5.",
            item_title="日期",
            practice_number="5.1",
            practice_text="己",
            deadlines=["102/03/31"],
        ),
    ]
    with pytest.raises(PlanImportError) as raised:
        import_plan(actor=tracking, roc_year=110, title="計" * 201, rows=rows, note="x")
    assert raised.value.messages == [
        "計畫名稱過長（最多 200 字）。",
        "第 2 列：實施要項「一」的名稱「服務流程（改）」與前面的列「服務流程」不同。",
        "第 3 列：執行項目「一（一）1.」的名稱與第 1 列不同。",
        "第 4 列：推動作法編號過長（最多 10 字）。",
        "第 5 列：推動作法缺少編號。",
        "第 6 列：沒有推動作法，不能填完成期限或承辦單位。",
        "第 7 列：完成期限日期須為日期。",
    ]
    assert not Plan.objects.exists()
