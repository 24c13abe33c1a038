"""Case numbers (提115-0004, 列115-0019): written in one form, read in every form people type."""

import pytest

from governance.casenumber import ParsedNumber, format_number, normalise, parse_number


def test_the_form_is_prefix_year_hyphen_four_digits():
    assert format_number("提", 115, 4) == "提115-0004"
    assert format_number("列", 99, 19) == "列99-0019"
    assert format_number("提", 115, 12345) == "提115-12345"


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("提115-0004", ParsedNumber("提", 115, 4)),
        ("115-0004", ParsedNumber("", 115, 4)),  # as numbered before the prefixes
        ("１１５－０００４", ParsedNumber("", 115, 4)),  # full-width digits and hyphen
        ("提１１５—０００４", ParsedNumber("提", 115, 4)),  # an input method's dash
        (" 列 115 - 0019 ", ParsedNumber("列", 115, 19)),
        ("115-4", ParsedNumber("", 115, 4)),
        ("0004", ParsedNumber("", None, 4)),  # the serial alone: any year
        ("０００４", ParsedNumber("", None, 4)),
    ],
)
def test_a_number_is_read_in_every_form_typed(typed, parsed):
    assert parse_number(typed) == parsed


@pytest.mark.parametrize(
    "typed", ["115", "4", "閱覽", "提案", "115-", "提115", "115-0004 閱覽", "臺教綜字第1150004號"]
)
def test_other_text_is_no_number(typed):
    # A year, a short number or words are searched as text, not taken for a serial.
    assert parse_number(typed) is None


def test_normalised_as_stored():
    assert normalise(" 提１１５－０００４ ") == "提115-0004"
