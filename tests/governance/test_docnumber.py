import datetime

import pytest
from django.core.exceptions import ValidationError

from governance.docnumber import (
    DocumentNumber,
    DocumentNumberError,
    DocumentNumberField,
    DocumentNumberModelField,
    document_key,
    parse_document_number,
)

FULL_WIDTH = "臺教綜（一）字第1020019490A號"
HALF_WIDTH = "臺教綜(一)字第1020019490A號"


def test_parses_full_width_example():
    number = parse_document_number(FULL_WIDTH)
    assert number == DocumentNumber(
        text=FULL_WIDTH, prefix="臺教綜（一）", serial="1020019490", letter="A", roc_year=102
    )


def test_half_and_full_width_share_normalised_form():
    half = parse_document_number(HALF_WIDTH)
    assert half.prefix == "臺教綜(一)"
    assert half.serial == "1020019490"
    assert half.letter == "A"
    assert half.roc_year == 102
    assert half.normalised == parse_document_number(FULL_WIDTH).normalised


def test_spaces_are_tolerated_and_text_is_kept():
    number = parse_document_number("院授研展字第 09600152471 號")
    assert number.text == "院授研展字第 09600152471 號"
    assert number.prefix == "院授研展"
    assert number.serial == "09600152471"
    assert number.letter == ""
    assert number.roc_year == 96
    assert number.normalised == "院授研展字第09600152471號"


def test_text_is_preserved_exactly_except_outer_whitespace():
    assert parse_document_number("  會研字第 1012161028 號 ").text == "會研字第 1012161028 號"
    assert str(parse_document_number(FULL_WIDTH)) == FULL_WIDTH


def test_lower_case_letter_and_full_width_digits():
    number = parse_document_number("臺教綜字第１０２００１９４９０ａ號")
    assert number.serial == "1020019490"
    assert number.letter == "A"


@pytest.mark.parametrize(
    "text, message",
    [
        ("hello", "字第"),
        ("", "請輸入文號"),
        ("臺教綜字第1020019490", "號"),
        ("臺教綜字第號", "數字"),
        ("臺教綜字第12號", "4 碼"),
        ("臺教綜字第0000001號", "000"),
        ("字第1020019490號", "機關代字"),
        ("<script>alert(1)</script>", "字第"),
        ("<b>字第1020019490號", "<"),
    ],
)
def test_invalid_numbers_are_rejected_with_reason(text, message):
    with pytest.raises(DocumentNumberError, match=message):
        parse_document_number(text)


def test_error_is_a_valueerror():
    assert issubclass(DocumentNumberError, ValueError)


def test_form_field_returns_original_string():
    field = DocumentNumberField()
    assert field.max_length == 100
    assert field.clean(" 院授研展字第 09600152471 號 ") == "院授研展字第 09600152471 號"
    assert field.clean(HALF_WIDTH) == HALF_WIDTH


def test_form_field_rejects_with_chinese_message():
    with pytest.raises(ValidationError) as excinfo:
        DocumentNumberField().clean("hello")
    assert excinfo.value.error_list[0].code == "invalid"
    assert "字第" in excinfo.value.messages[0]


def test_form_field_optional_empty():
    assert DocumentNumberField(required=False).clean("") == ""


def test_model_field_deconstructs_and_uses_form_field():
    field = DocumentNumberModelField()
    field.set_attributes_from_name("doc_number")
    name, path, args, kwargs = field.deconstruct()
    assert path == "governance.docnumber.DocumentNumberModelField"
    assert "max_length" not in kwargs
    rebuilt = DocumentNumberModelField(*args, **kwargs)
    assert rebuilt.max_length == 100
    assert isinstance(field.formfield(), DocumentNumberField)


def test_model_field_validator_rejects_bad_numbers():
    field = DocumentNumberModelField()
    field.run_validators(FULL_WIDTH)
    with pytest.raises(ValidationError):
        field.run_validators("hello")


def test_a_citation_gives_the_number_and_keeps_the_date_and_kind_apart():
    number = parse_document_number("「教育部115年3月8日臺教社(四)字第1150012345號函」")
    assert number.text == "臺教社(四)字第1150012345號"
    assert (number.issuer, number.issued_on, number.kind) == ("教育部", datetime.date(2026, 3, 8), "函")
    assert number.roc_year == 115
    written_out = parse_document_number("教育部中華民國115年3月8日臺教社（四）字第1150012345號書函")
    assert written_out.kind == "書函" and written_out.issued_on == datetime.date(2026, 3, 8)
    assert written_out.normalised == number.normalised
    # The form field gives the number alone.
    assert (
        DocumentNumberField().clean("教育部115年3月8日臺教社(四)字第1150012345號函")
        == "臺教社(四)字第1150012345號"
    )
    # A number without a citation is kept exactly as typed.
    assert parse_document_number("臺教社(四)字第1150012345號").issued_on is None


def test_a_citation_with_an_impossible_date_says_so():
    with pytest.raises(DocumentNumberError, match="引用的發文日期有誤"):
        parse_document_number("教育部115年2月30日臺教社(四)字第1150012345號函")


def test_full_and_half_width_and_tai_variants_are_one_number():
    forms = [
        "臺教綜（一）字第１１５００１２３４５號",
        "臺教綜(一)字第1150012345號",
        "台教綜(一)字第 1150012345 號",
    ]
    assert len({parse_document_number(text).normalised for text in forms}) == 1
    assert document_key("not a number") == ""
