"""Holes a black-box probe found (issue "Step 13"): control characters that hid a formula from
the export's check, and bidi controls that printed a title back to front.

Control and bidi characters are taken out of every posted text (CleanTextInputMiddleware),
of every export cell before the formula check (governance.exports.neutralise), and out of
PDFs and pages for text stored before (governance.pdf, StripBidiMiddleware).
"""

import io

import openpyxl
import pytest
from django.http import QueryDict
from django.urls import reverse

from governance import exports
from governance.exports import Column
from governance.text import clean_text
from plan.xlsx import escape_cell
from proposals.models import Proposal
from tests.helpers import body, flat, pdf_text, read_csv, read_ods, read_xlsx
from tests.support.proposal_http import Driver

HOSTILE = [
    '\x01=HYPERLINK("http://evil.example","點我")',
    "\x00\x1f=1+1",
    "\x7f\x85=1+1",  # DEL and a C1 control (NEL)
    "\u202e=1+1",
    "\t=1+1",
    "\r=cmd|' /C calc'!A0",
    "\x0b+1-2",
    "\x08@SUM(A1)",
]


def export(fmt, values):
    return exports.export_response(
        QueryDict(f"format={fmt}"), "名單", [Column("標題")], [[value] for value in values]
    )


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_a_control_character_cannot_hide_a_formula_in_any_export(fmt):
    response = export(fmt, HOSTILE)
    rows = {"xlsx": read_xlsx, "ods": read_ods, "csv": read_csv}[fmt](response)  # no formula cell
    cells = [row[0] for row in rows[1:]]
    assert len(cells) == len(HOSTILE)
    for written, text in zip(cells, HOSTILE, strict=True):
        # Written as text with the quote in front, the control characters gone (tab and CR kept:
        # they are text a cell may hold, and they are behind the quote).
        expected = "'" + clean_text(text)
        if fmt == "ods":
            expected = expected.replace("\r", "\n")  # a line break is a new paragraph there
        assert written == expected, (fmt, text, written)
        assert not written.startswith(("=", "+", "-", "@"))


def test_the_xlsx_has_no_formula_even_read_as_excel_would():
    # openpyxl without data_only: a formula would come back as a cell of type "f".
    book = openpyxl.load_workbook(io.BytesIO(body(export("xlsx", HOSTILE))))
    for row in book.worksheets[0].iter_rows(min_row=2):
        assert row[0].data_type == "s" and row[0].value.startswith("'"), row[0].value


def test_the_plan_file_checks_after_taking_control_characters_out():
    assert escape_cell('\x01=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert escape_cell("\u202e\x85+1") == "'+1"
    assert escape_cell("服務\x01流程") == "服務流程"


def test_clean_text_keeps_line_breaks_tabs_and_chinese():
    assert clean_text("第一行\r\n第二行\t完") == "第一行\r\n第二行\t完"
    assert clean_text("a\x00b\x1bc\x9bd\u200fe\u2066f\u2069") == "abcdef"


# ---------------------------------------------------------------- input


@pytest.mark.django_db
def test_a_submitted_proposal_is_stored_without_control_or_bidi_characters(org, client, person):
    drive = Driver(client, person)
    proposal = drive.submit(
        "readers-staff1",
        title="語音導引\u202eABCDEF\x01",
        benefit="\x01=HYPERLINK(1)\r\n第二行\t\u2067完\u2069",
    )
    proposal.refresh_from_db()
    assert proposal.title == "語音導引ABCDEF"
    assert proposal.benefit == "=HYPERLINK(1)\r\n第二行\t完"


@pytest.mark.django_db
def test_a_password_is_checked_as_typed(org, client, person, demo_password):
    # Passwords are never shown: the cleaning leaves them alone.
    user = person("readers-staff1")
    user.set_password(demo_password + "\x01")
    user.save()
    response = client.post(
        reverse("login"), {"username": "readers-staff1", "password": demo_password + "\x01"}
    )
    assert response.status_code == 302


# ---------------------------------------------------------------- output of stored text


@pytest.fixture
def reversed_title(org, client, person):
    """A proposal whose title holds a right-to-left override, stored before input was cleaned."""
    proposal = Driver(client, person).submit("readers-staff1")
    Proposal.objects.filter(pk=proposal.pk).update(title="語音導引\u202eABCDEF")
    return proposal


@pytest.mark.django_db
def test_a_stored_override_does_not_reverse_the_trail_pdf(reversed_title, client, person):
    client.force_login(person("director"))
    response = client.get(f"/proposals/{reversed_title.pk}/trail.pdf")
    assert response.status_code == 200
    text = flat(pdf_text(response.content))
    assert "語音導引ABCDEF" in text
    assert "FEDCBA" not in text and "\u202e" not in text


@pytest.mark.django_db
def test_a_stored_override_is_not_on_the_page(reversed_title, client, person):
    client.force_login(person("readers-staff1"))
    for url in (f"/proposals/{reversed_title.pk}/", "/proposals/"):
        response = client.get(url)
        page = response.content.decode()
        assert "語音導引ABCDEF" in page, url
        assert "\u202e" not in page, url
        if response.has_header("Content-Length"):
            assert int(response["Content-Length"]) == len(response.content)
