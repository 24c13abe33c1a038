"""The 102 plan of the seed document, loaded as data: its areas, items, practices, deadlines
and units as the document's table gives them."""

import datetime

import pytest

from governance.models import TrailEvent
from plan.models import Plan, PlanArea, PlanDeadline, PlanItem, PlanPractice, PlanVersion
from plan.seed import plan_102
from plan.selectors import version_tree
from plan.services import load_seed_plan

pytestmark = pytest.mark.django_db

QUARTER_ENDS = [
    datetime.date(2013, 3, 31),
    datetime.date(2013, 6, 30),
    datetime.date(2013, 9, 30),
    datetime.date(2013, 12, 31),
]


@pytest.fixture
def seeded(org):
    return load_seed_plan()


def practice(version, area, dimension_start, item_number, number):
    return PlanPractice.objects.get(
        item__area__version=version,
        item__area__number=area,
        item__dimension__startswith=dimension_start,
        item__number=item_number,
        number=number,
    )


def test_plan_title_version_and_note(seeded):
    plan = Plan.objects.get(roc_year=102)
    assert plan.title == "102 年度提升服務品質執行計畫"
    assert seeded.plan == plan and seeded.number == 1
    assert seeded.note == "計畫經 102 年 3 月 8 日執行小組第一次會議修正通過"
    assert seeded.approved_on == datetime.date(2013, 3, 8)
    assert seeded.created_by is None


def test_the_documents_areas_in_order(seeded):
    areas = list(PlanArea.objects.filter(version=seeded).values_list("number", "title"))
    assert areas == [
        ("一", "服務流程"),
        ("二", "機關形象"),
        ("三", "顧客關係"),
        ("四", "資訊提供及檢索服務"),
        ("五", "線上服務及電子參與"),
        ("六", "創新服務情形"),
    ]


def test_counts_of_items_and_practices(seeded):
    assert PlanItem.objects.filter(area__version=seeded).count() == 18
    assert PlanPractice.objects.filter(item__area__version=seeded).count() == 76
    per_area = {
        area.area.number: sum(len(i.practices) for i in area.items) for area in version_tree(seeded).areas
    }
    assert per_area == {"一": 25, "二": 16, "三": 7, "四": 12, "五": 8, "六": 8}


def test_first_practice_reader_services_quarterly(seeded):
    first = practice(seeded, "一", "（一）", "1.", "1.1")
    assert first.item.title == "單一窗口服務全功能程度"
    assert first.item.dimension == "（一）服務流程便捷性"
    # The text runs over a page break in the document; it is joined back whole.
    assert first.text == (
        "讀者辦證服務單一窗口服務，提供讀者網路辦證及線上申辦的便捷服務，"
        "節省每位讀者臨櫃填寫申請時間及工作人員鍵檔時間。"
    )
    assert first.deadline_text == "102 年 3 月、6 月、9 月、12 月"
    assert [d.due_date for d in first.deadlines.all()] == QUARTER_ENDS
    assert first.unit_text == "閱覽組"
    assert [u.code for u in first.units.all()] == ["readers"]


def test_shared_cell_of_items_two_and_three_gives_three_divisions(seeded):
    for item_number, number in (("2.", "2.1"), ("3.", "3.6")):
        p = practice(seeded, "一", "（一）", item_number, number)
        assert p.unit_text == "閱覽組 採編組 參考組"
        assert sorted(u.code for u in p.units.all()) == ["acquisitions", "readers", "reference"]
        assert [d.due_date for d in p.deadlines.all()] == QUARTER_ENDS
    # Cut off in the document; kept as it is, not completed.
    assert practice(seeded, "一", "（一）", "3.", "3.6").text == "提供線上參考問題諮"


def test_rows_without_deadline_or_unit_stay_empty(seeded):
    p = practice(seeded, "一", "（二）", "2.", "2.8")
    assert p.text == "利用網路公告本館採購相關資訊，便利廠商與民眾查詢"
    assert (p.deadline_text, p.unit_text) == ("", "")
    assert not p.units.exists() and not p.deadlines.exists()
    odd = practice(seeded, "四", "（二）", "", "1.7")
    assert odd.text == "依據視障者使用需求建置視障資源整合查詢平台"
    assert odd.deadline_text == "1-1" and not odd.deadlines.exists()
    with_units = PlanPractice.objects.filter(item__area__version=seeded, units__isnull=False).distinct()
    assert with_units.count() == 12  # 一（一）1.1–3.6 only
    assert PlanDeadline.objects.filter(practice__item__area__version=seeded).count() == 12 * 4


def test_items_as_the_document_numbers_them(seeded):
    two = PlanItem.objects.filter(area__version=seeded, area__number="二").order_by("sort_order")
    assert [(i.dimension, i.number, i.title) for i in two] == [
        ("（一）服務場所便利性", "", "洽公環境適切程度"),
        ("（二）服務行為友善性與專業性", "1.", "服務親和程度"),
        ("（二）服務行為友善性與專業性", "2.", "服務可勝任程度"),
        ("（三）服務行銷有效性", "", "施政宣導有效程度"),
    ]
    assert list(two[2].practices.values_list("number", flat=True)) == ["2.1", "2.2", "2.3", "2.4"]
    six = list(PlanItem.objects.filter(area__version=seeded, area__number="六").order_by("sort_order"))
    assert [i.practices.count() for i in six] == [5, 0, 3]
    assert list(six[0].practices.values_list("number", "text"))[2] == (
        "3",
        "臺灣圖書醫院辦理圖書修護技術研習，並建立圖書維護作業流程",
    )


def test_loading_twice_makes_no_second_copy(seeded):
    counts = (Plan.objects.count(), PlanVersion.objects.count(), PlanPractice.objects.count())
    assert load_seed_plan() is None
    assert (Plan.objects.count(), PlanVersion.objects.count(), PlanPractice.objects.count()) == counts


def test_keys_are_unique_and_the_trail_records_the_import(seeded):
    keys = list(PlanPractice.objects.filter(item__area__version=seeded).values_list("key", flat=True))
    assert len(set(keys)) == len(keys) == 76
    events = list(TrailEvent.objects.filter(case_kind="plan", case_ref=str(seeded.plan.pk)))
    assert [(e.action, e.to_state, e.actor_name) for e in events] == [("匯入計畫", "第 1 版", "系統")]
    assert plan_102.NOTE in events[0].comment


def test_tree_in_a_constant_number_of_queries(seeded, django_assert_num_queries):
    with django_assert_num_queries(5):
        tree = version_tree(seeded)
        rows = tree.rows()
    assert len(rows) == 77  # 76 practices and 六（二）, an item without practices
    assert rows[0].deadlines == tuple(QUARTER_ENDS) and rows[0].unit_codes == ("readers",)
