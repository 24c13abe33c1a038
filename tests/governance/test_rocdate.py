import datetime
import re

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Engine

from governance.rocdate import (
    TAIPEI,
    ROCDateError,
    ROCDateField,
    format_roc,
    format_roc_datetime,
    format_roc_short,
    parse_date,
    roc_year,
    roc_year_range,
    today_taipei,
)

MARCH_8 = datetime.date(2025, 3, 8)
# 16:30 UTC on 7 March is 00:30 on 8 March in Taipei (UTC+8).
LATE_UTC = datetime.datetime(2025, 3, 7, 16, 30, tzinfo=datetime.timezone.utc)


# --- formatting -------------------------------------------------------------


def test_format_roc_prose_has_no_padding():
    assert format_roc(MARCH_8) == "114年3月8日"


def test_format_roc_short_pads_month_and_day():
    assert format_roc_short(MARCH_8) == "114/03/08"
    assert format_roc_short(datetime.date(1912, 1, 1)) == "1/01/01"


def test_format_roc_datetime_uses_taipei_time():
    assert format_roc_datetime(LATE_UTC) == "114/03/08 00:30"


def test_aware_datetime_is_converted_to_taipei_date():
    assert format_roc(LATE_UTC) == "114年3月8日"
    assert format_roc_short(LATE_UTC) == "114/03/08"


def test_formatters_return_empty_for_none():
    assert format_roc(None) == ""
    assert format_roc_short(None) == ""
    assert format_roc_datetime(None) == ""


def test_roc_year_and_range():
    assert roc_year(MARCH_8) == 114
    assert roc_year_range(114) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def test_roc_year_range_rejects_year_zero():
    with pytest.raises(ROCDateError):
        roc_year_range(0)


def test_today_taipei_is_a_date():
    today = today_taipei()
    assert type(today) is datetime.date


# --- parsing ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "114/3/8",
        "114/03/08",
        "114-3-8",
        "114.3.8",
        "114年3月8日",
        "114年3月8號",
        "1140308",
        "１１４／３／８",
        "民國114年3月8日",
        " 民國 114 / 3 / 8 ",
        "2025-03-08",
        "2025/3/8",
        "2025年3月8日",
        "20250308",
    ],
)
def test_parse_date_accepts_roc_and_ad_forms(text):
    assert parse_date(text) == MARCH_8


def test_parse_date_six_digits_is_two_digit_roc_year():
    assert parse_date("990308") == datetime.date(2010, 3, 8)


def test_a_roc_year_padded_with_a_zero_is_still_roc():
    assert parse_date("0115/3/8") == parse_date("115/3/8") == datetime.date(2026, 3, 8)
    assert parse_date("0115年3月8日") == datetime.date(2026, 3, 8)
    with pytest.raises(ROCDateError, match="115年2月沒有30日"):
        parse_date("0115/2/30")


def test_leap_day():
    assert parse_date("113/2/29") == datetime.date(2024, 2, 29)
    with pytest.raises(ROCDateError, match="114年2月沒有29日"):
        parse_date("114/2/29")


@pytest.mark.parametrize(
    "text, message",
    [
        ("114/2/30", "114年2月沒有30日"),
        ("2026-02-30", "西元2026年2月沒有30日"),  # "2026年" alone would read as an ROC year
        ("0/1/1", "民國年份須大於 0"),
        ("1911-12-31", "1912"),
        ("114/13/1", "月份須介於 1 到 12"),
        ("114/3/0", "114年3月沒有0日"),
        ("abc", "日期格式無法辨識：「abc」"),
        ("", "請輸入日期"),
        ("   ", "請輸入日期"),
    ],
)
def test_parse_date_errors_name_the_problem(text, message):
    with pytest.raises(ROCDateError, match=message):
        parse_date(text)


def test_unrecognised_format_lists_accepted_formats():
    with pytest.raises(ROCDateError) as excinfo:
        parse_date("abc")
    assert "114/3/8" in str(excinfo.value)
    assert "2025-03-08" in str(excinfo.value)


def test_rocdateerror_is_a_valueerror():
    assert issubclass(ROCDateError, ValueError)


# --- form field -------------------------------------------------------------


class EventForm(forms.Form):
    held_on = ROCDateField()


def test_field_clean_parses_roc_text():
    assert ROCDateField().clean("114/3/8") == MARCH_8


def test_field_accepts_date_objects():
    assert ROCDateField().clean(MARCH_8) == MARCH_8


def test_field_empty_respects_required():
    assert ROCDateField(required=False).clean("") is None
    with pytest.raises(ValidationError) as excinfo:
        ROCDateField().clean("")
    assert excinfo.value.code == "required"


def test_field_error_carries_chinese_message():
    with pytest.raises(ValidationError) as excinfo:
        ROCDateField().clean("114/2/30")
    assert excinfo.value.error_list[0].code == "invalid"
    assert "114年2月沒有30日" in excinfo.value.messages[0]


def test_widget_placeholder_shows_this_roc_year():
    with time_machine.travel(datetime.datetime(2026, 12, 6, 9, 0, tzinfo=TAIPEI), tick=False):
        assert 'placeholder="例：115/3/8"' in str(EventForm()["held_on"])
    with time_machine.travel(datetime.datetime(2027, 1, 2, 9, 0, tzinfo=TAIPEI), tick=False):
        assert 'placeholder="例：116/3/8"' in str(EventForm()["held_on"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("中華民國115年3月8日", datetime.date(2026, 3, 8)),
        ("中華民國 115/3/8", datetime.date(2026, 3, 8)),
        ("民國115年3月8日", datetime.date(2026, 3, 8)),
        ("西元2026年3月8日", datetime.date(2026, 3, 8)),
        ("西元 2026/3/8", datetime.date(2026, 3, 8)),
        ("公元2026-03-08", datetime.date(2026, 3, 8)),
    ],
)
def test_an_era_written_before_the_date_says_which_calendar(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("15/3/8", "年份不在可接受的範圍（民國 80 至 200 年，即西元 1991 至 2111 年）"),  # not 1926
        ("民國2026年3月8日", "年份不在可接受的範圍"),  # an AD year under a ROC era
        ("西元115年3月8日", "西元年份須為 1912 年"),  # a ROC year under an AD era
        ("1990-12-31", "年份不在可接受的範圍"),
        ("2112-01-01", "年份不在可接受的範圍"),
        ("201/1/1", "年份不在可接受的範圍"),
    ],
)
def test_a_year_outside_the_window_is_refused_not_guessed(text, message):
    with pytest.raises(ROCDateError, match=re.escape(message)):
        parse_date(text)


def test_the_window_is_a_setting(settings):
    settings.DATE_INPUT_ROC_YEARS = "1-300"
    assert parse_date("15/3/8") == datetime.date(1926, 3, 8)
    assert parse_date("80/1/1") == datetime.date(1991, 1, 1)


def test_rendered_value_round_trips():
    html = str(EventForm(initial={"held_on": MARCH_8})["held_on"])
    assert 'value="114/03/08"' in html

    form = EventForm(data={"held_on": "114/03/08"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == MARCH_8


def test_invalid_submission_shows_error_and_keeps_text():
    form = EventForm(data={"held_on": "114/2/30"})
    assert not form.is_valid()
    assert "114年2月沒有30日" in form.errors["held_on"][0]
    assert 'value="114/2/30"' in str(form["held_on"])


# --- template filters -------------------------------------------------------


def render(source, **context):
    # A standalone engine keeps the test independent of INSTALLED_APPS.
    engine = Engine(libraries={"roc": "governance.templatetags.roc"})
    return engine.from_string("{% load roc %}" + source).render(Context(context))


def test_template_filters():
    assert render("{{ d|roc }}", d=MARCH_8) == "114年3月8日"
    assert render("{{ d|roc_short }}", d=MARCH_8) == "114/03/08"
    assert render("{{ dt|roc_datetime }}", dt=LATE_UTC) == "114/03/08 00:30"


def test_template_filters_render_empty_for_missing_or_bad_values():
    assert render("[{{ d|roc }}]", d=None) == "[]"
    assert render("[{{ d|roc_short }}]", d="not a date") == "[]"
    assert render("[{{ missing|roc_datetime }}]") == "[]"


def test_a_period_code_is_shown_as_people_write_it():
    from django.utils import translation

    from governance.rocdate import quarter_name

    assert quarter_name("115Q3") == "115 年第 3 季" and quarter_name("99Q1") == "99 年第 1 季"
    # Anything else is shown as it is, never an error on a page.
    for other in ("115Q5", "115Q3 ", "Q3", "", None, "第三季"):
        assert quarter_name(other) == (other or "")
    assert render("{{ p|quarter_name }}", p="114Q4") == "114 年第 4 季"
    assert render("[{{ p|quarter_name }}]", p="nonsense") == "[nonsense]"
    with translation.override("en"):
        assert render("{{ p|quarter_name }}", p="114Q4") == "ROC year 114, Q4"
        # Kept texts (the trail, e-mails) stay in Chinese whoever is reading.
        assert quarter_name("114Q4") == "114 年第 4 季"
