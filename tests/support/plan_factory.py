"""Plans for tests, written straight to the database (the xlsx import is tested on its own).

`make_plan()` builds a version 1 shaped like the seed's table: areas, items under a dimension,
practices with their deadlines and responsible units (demo unit codes, so the `org` fixture
must be loaded). `add_version()` copies a version into the next one, keeping each practice's
key, as a rolling revision does.
"""

import datetime
import io
import re

from openpyxl import load_workbook

from governance.models import Unit
from governance.rocdate import ROC_OFFSET
from plan.models import Plan, PlanArea, PlanDeadline, PlanItem, PlanPractice, PlanVersion
from plan.practice_reports import confirm_practice_report, submit_practice_report
from plan.xlsx import HEADERS
from tests.helpers import frozen_at, unit, user

QUARTERLY = (3, 6, 9, 12)

# (key, area, dimension, item, number, text, unit codes, deadline months)
PRACTICES = [
    (
        "1-1-1.1",
        ("一", "服務流程"),
        "（一）服務流程便捷性",
        ("1.", "單一窗口服務全功能程度"),
        "1.1",
        "讀者辦證服務單一窗口服務，提供讀者網路辦證及線上申辦的便捷服務",
        ["readers"],
        QUARTERLY,
    ),
    (
        "1-2-2.1",
        ("一", "服務流程"),
        "（一）服務流程便捷性",
        ("2.", "申辦案件流程簡化程度"),
        "2.1",
        "線上申辦服務",
        ["readers", "acquisitions", "reference"],
        QUARTERLY,
    ),
    (
        "2-1-1.1",
        ("二", "機關形象"),
        "（二）服務行為友善性與專業性",
        ("1.", "服務親和程度"),
        "1.1",
        "每季辦理電話禮貌測試",
        ["secretariat"],
        QUARTERLY,
    ),
    (
        "3-1-1.1",
        ("三", "顧客關係"),
        "（一）民眾滿意度",
        ("", "機關服務滿意度"),
        "1.1",
        "辦理讀者滿意度調查據以檢討改善服務",
        ["readers", "planning"],
        (12,),
    ),
]


def month_end(roc_year, month):
    year = roc_year + ROC_OFFSET
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def make_plan(roc_year=115, practices=PRACTICES, title=None):
    """A plan with its first version; returns the version."""
    plan = Plan.objects.create(roc_year=roc_year, title=title or f"{roc_year} 年度提升服務品質執行計畫")
    version = PlanVersion.objects.create(plan=plan, number=1, note="第一版")
    areas, items = {}, {}
    for order, (key, area, dimension, item, number, text, units, months) in enumerate(practices):
        if area not in areas:
            areas[area] = PlanArea.objects.create(
                version=version, number=area[0], title=area[1], sort_order=len(areas)
            )
        if (area, dimension, item) not in items:
            items[(area, dimension, item)] = PlanItem.objects.create(
                area=areas[area], dimension=dimension, number=item[0], title=item[1], sort_order=len(items)
            )
        practice = PlanPractice.objects.create(
            item=items[(area, dimension, item)],
            key=key,
            number=number,
            text=text,
            deadline_text=f"{roc_year} 年 " + "、".join(f"{m} 月" for m in months),
            unit_text="、".join(units),
            sort_order=order,
        )
        practice.units.set(Unit.objects.filter(code__in=units))
        PlanDeadline.objects.bulk_create(
            [PlanDeadline(practice=practice, due_date=month_end(roc_year, m)) for m in months]
        )
    return version


def add_version(version, drop_keys=(), note="滾動修正"):
    """The next version of the plan: a copy of `version` without the practices in `drop_keys`."""
    new = PlanVersion.objects.create(plan=version.plan, number=version.number + 1, note=note)
    for area in version.areas.all():
        new_area = PlanArea.objects.create(
            version=new, number=area.number, title=area.title, sort_order=area.sort_order
        )
        for item in area.items.all():
            new_item = PlanItem.objects.create(
                area=new_area,
                dimension=item.dimension,
                number=item.number,
                title=item.title,
                sort_order=item.sort_order,
            )
            for practice in item.practices.exclude(key__in=drop_keys):
                copy = PlanPractice.objects.create(
                    item=new_item,
                    key=practice.key,
                    number=practice.number,
                    text=practice.text,
                    deadline_text=practice.deadline_text,
                    unit_text=practice.unit_text,
                    sort_order=practice.sort_order,
                )
                copy.units.set(practice.units.all())
                PlanDeadline.objects.bulk_create(
                    [PlanDeadline(practice=copy, due_date=d.due_date) for d in practice.deadlines.all()]
                )
    return new


def practice(version, key):
    return PlanPractice.objects.get(item__area__version=version, key=key)


def many_practices(n):
    """`n` practices (as PRACTICES gives them) of one area, five to an item, each answered for by
    one or two units."""
    codes = ["readers", "acquisitions", "reference", "planning", "secretariat", "accounting"]
    return [
        (
            f"k{i}",
            ("一", "服務流程"),
            "",
            (f"{i // 5}.", f"項目 {i // 5}"),
            f"{i // 5}.{i % 5}",
            f"推動作法 {i}",
            codes[i % 5 : i % 5 + 2],
            QUARTERLY,
        )
        for i in range(n)
    ]


def report(version, key, code, period="115Q3", confirm=None, day=datetime.date(2026, 8, 15)):
    """The unit's liaison reports the practice for `period` on `day`; its head confirms
    (confirm=True) or returns it (False) unless `confirm` is None."""
    with frozen_at(day):
        written = submit_practice_report(
            actor=user(f"{code}-liaison"),
            practice=practice(version, key),
            unit=unit(code),
            period=period,
            status="on_track",
            text="辦理中",
        )
        if confirm is not None:
            confirm_practice_report(
                actor=user(f"{code}-head"),
                report=written,
                approve=confirm,
                comment="" if confirm else "請補充",
            )
    return written


def a_year_later(xlsx, year):
    """A plan's xlsx (bytes) with its deadlines moved from `year` to the next: last year's
    table reused as this year's, as the 管考 office does."""
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book.active
    columns = [HEADERS.index(name) for name in ("完成期限", "完成期限日期")]
    year_at = re.compile(rf"(?<!\d){year}(?=\s*年|/)")
    for row in sheet.iter_rows(min_row=2):
        for index in columns:
            if isinstance(row[index].value, str):
                row[index].value = year_at.sub(str(year + 1), row[index].value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
