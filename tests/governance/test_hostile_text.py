"""Hostile text: markup is shown as text everywhere (pages, e-mails, PDFs), over-long text
gets a clear error on its field and nothing is stored."""

import datetime

import pytest
from django.urls import reverse

from governance import notifications
from proposals.models import Proposal
from tests.support.proposal_http import Driver, proposal_form

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_in_a_proposal_is_text_on_pages_in_the_trail_pdf_and_in_mail(org, client, person, settings):
    from tests.helpers import flat, pdf_text

    drive = Driver(client, person)
    proposal = drive.submit("readers-staff1", title="標題" + SCRIPT, benefit="效益" + SCRIPT)
    for login, url in (
        ("readers-staff1", f"/proposals/{proposal.pk}/"),
        ("readers-head", "/workflow/inbox/"),
        ("readers-staff1", "/proposals/"),
    ):
        page = drive.as_(login).get(url).content.decode()
        assert "<script>alert" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
        assert "&lt;script&gt;alert" in page, url
    response = drive.as_("director").get(f"/proposals/{proposal.pk}/trail.pdf")
    assert response.status_code == 200
    assert "<script>alert" in flat(pdf_text(response.content))  # printed as the text it is
    # E-mail is plain text: the title is written as typed, never as markup.
    from governance.notifications import DueItem

    item = DueItem(
        key="proposal:x",
        what="季進度報告",
        case_number=proposal.case_number,
        title=proposal.title,
        due_date=datetime.date(2026, 12, 31),
        url="/proposals/1/",
    )
    subject, body = notifications._message(item, datetime.date(2026, 12, 24), False)
    assert SCRIPT in body and "&lt;" not in body


def test_over_long_text_is_refused_with_a_clear_error(org, client, person, settings):
    client.force_login(person("readers-staff1"))
    too_long = "長" * (settings.TEXT_MAX_CHARS + 1)
    response = client.post(reverse("proposals:create"), proposal_form(submit="1", situation=too_long))
    assert response.status_code == 200
    assert (
        f"{settings.TEXT_MAX_CHARS}" in response.content.decode() and "errorlist" in response.content.decode()
    )
    assert not Proposal.objects.exists()
    ok = client.post(
        reverse("proposals:create"), proposal_form(submit="1", situation="長" * settings.TEXT_MAX_CHARS)
    )
    assert ok.status_code == 302 and Proposal.objects.count() == 1
