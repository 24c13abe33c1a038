"""Appraisal evidence pages: HR's list and PDFs; everyone's own; nobody else's.

The ZIP of a whole list is a background batch: tests/evidence/test_batch.py."""

import datetime
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse

from evidence.models import EvidenceDocument
from evidence.selectors import appraisal_evidence
from governance.periods import period_of_year
from governance.rocdate import TAIPEI
from tests.helpers import READERS, flat, pdf_text

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年: `proposal` is closed then


def pdf_url(login_person, **query):
    url = reverse("evidence:pdf", args=[login_person.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def assert_pdf(response, filename, *expected):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert quote(filename) in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    text = flat(pdf_text(response.content))
    for e in expected:
        assert e in text, e
    return text


# ---------------------------------------------------------------- who may download


def test_hr_downloads_anyones_evidence_and_the_issue_is_recorded(proposal, client, person):
    staff2, hr = person("readers-staff2"), person("hr")
    assert pdf_url(staff2) == f"/evidence/people/{staff2.pk}.pdf"
    client.force_login(hr)
    text = assert_pdf(
        client.get(pdf_url(staff2, year=115)),
        "考績佐證-115-鄭雅雯-readers-staff2.pdf",
        staff2.get_full_name(),
        proposal.case_number,
        "共同提案人 40%",
    )
    evidence = appraisal_evidence(staff2, *period_of_year(115))
    assert evidence.fingerprint in text
    issued = EvidenceDocument.objects.get()
    assert (issued.person, issued.generated_by, issued.fingerprint) == (staff2, hr, evidence.fingerprint)
    # The period defaults to the current ROC year; an AD year or a date range work too.
    assert_pdf(client.get(pdf_url(staff2)), "考績佐證-115-鄭雅雯-readers-staff2.pdf")
    assert_pdf(client.get(pdf_url(staff2, year=2026)), "考績佐證-115-鄭雅雯-readers-staff2.pdf")
    assert_pdf(
        client.get(pdf_url(staff2, start="115/1/1", end="115/6/30")),
        "考績佐證-1150101-1150630-鄭雅雯-readers-staff2.pdf",
        "115年1月1日至115年6月30日",
    )
    assert EvidenceDocument.objects.count() == 4
    # A bad period is refused with the reason, and nothing is recorded.
    response = client.get(pdf_url(staff2, year=3000))
    assert response.status_code == 400 and "年度須為民國" in response.content.decode()
    assert client.get(pdf_url(staff2, start="115/6/30", end="115/1/1")).status_code == 400
    assert EvidenceDocument.objects.count() == 4


def test_a_person_downloads_their_own_but_no_one_elses(proposal, client, person):
    staff1, staff2 = person("readers-staff1"), person("readers-staff2")
    client.force_login(staff2)
    assert_pdf(
        client.get(pdf_url(staff2, year=115)), "考績佐證-115-鄭雅雯-readers-staff2.pdf", "共同提案人 40%"
    )
    assert client.get(pdf_url(staff1, year=115)).status_code == 403
    # The unit head, the liaison, the director, an auditor: not a staff member's evidence.
    for login in ("readers-head", "readers-liaison", "director", "auditor", "tracking", "admin"):
        client.force_login(person(login))
        assert client.get(pdf_url(staff2, year=115)).status_code == 403, login
    # Someone who does not exist: the same refusal for everyone but HR.
    client.force_login(staff2)
    assert client.get(reverse("evidence:pdf", args=[999999])).status_code == 403
    client.force_login(person("hr"))
    assert client.get(reverse("evidence:pdf", args=[999999])).status_code == 404
    assert EvidenceDocument.objects.count() == 1


def test_anonymous_is_sent_to_login(org, client, person):
    for url in (
        pdf_url(person("readers-staff1")),
        reverse("evidence:index"),
        reverse("evidence:mine"),
        reverse("evidence:batch", args=[1]),
        reverse("evidence:verify"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


# ---------------------------------------------------------------- HR's list


def test_hr_lists_a_units_people_with_counts_and_links(proposal, client, person):
    client.force_login(person("hr"))
    assert reverse("evidence:index") == "/evidence/"
    page = client.get(reverse("evidence:index"), {"year": "115", "unit": "readers"}).content.decode()
    assert "115 年度（115年1月1日至115年12月31日）" in page
    for login in READERS:
        p = person(login)
        assert p.get_full_name() in page and pdf_url(p) + "?year=115" in page
    assert person("planning-staff1").get_full_name() not in page
    assert "1,800 元" in page and "1,200 元" in page and "嘉獎二次" in page
    # The batch form carries the same period and unit.
    assert 'name="year" value="115"' in page and 'name="unit" value="readers"' in page
    assert reverse("evidence:batch_start") in page
    # Everyone, by default this year.
    page = client.get(reverse("evidence:index")).content.decode()
    assert person("planning-staff1").get_full_name() in page and person("hr").get_full_name() in page
    # Only those with something in the period.
    page = client.get(reverse("evidence:index"), {"with_items": "on"}).content.decode()
    assert page.count(".pdf?year=115") == 2
    # A bad year is explained on the page.
    page = client.get(reverse("evidence:index"), {"year": "abc"}).content.decode()
    assert "無法辨識" in page


def test_only_hr_gets_the_list(org, client, person):
    for login in ("readers-head", "readers-staff1", "director"):
        client.force_login(person(login))
        response = client.get(reverse("evidence:index"), {"unit": "readers"})
        assert response.status_code == 302 and response["Location"] == reverse("evidence:mine"), login
        assert client.get(reverse("evidence:verify")).status_code == 403, login


# ---------------------------------------------------------------- one's own, links, verification


def test_my_evidence_page(proposal, client, person):
    staff2 = person("readers-staff2")
    client.force_login(staff2)
    assert reverse("evidence:mine") == "/evidence/mine/"
    page = client.get(reverse("evidence:mine"), {"year": "115"}).content.decode()
    assert proposal.case_number in page and "共同提案人 40%" in page and "1,200 元" in page
    assert pdf_url(staff2) + "?year=115" in page
    page = client.get(reverse("evidence:mine"), {"year": "114"}).content.decode()
    assert "本期間無提案或列管事項紀錄" in page and pdf_url(staff2) + "?year=114" in page
    page = client.get(reverse("evidence:mine"), {"start": "115/1/1"}).content.decode()
    assert "起日與迄日都要填" in page


def test_links_on_home_and_menu(org, client, person):
    client.force_login(person("hr"))
    page = client.get("/home/").content.decode()
    assert "同仁考績佐證（依單位下載 PDF）" in page and f'href="{reverse("evidence:verify")}"' in page
    client.force_login(person("readers-head"))
    page = client.get("/home/").content.decode()
    assert "同仁考績佐證（依單位下載 PDF）" not in page and reverse("evidence:verify") not in page
    assert f'href="{reverse("evidence:mine")}"' in page and "我的考績佐證" in page  # the menu


def test_hr_looks_up_a_printed_fingerprint(proposal, client, person):
    staff1 = person("readers-staff1")
    client.force_login(person("hr"))
    assert client.get(pdf_url(staff1, year=115)).status_code == 200
    fingerprint = EvidenceDocument.objects.get().fingerprint
    page = client.get(reverse("evidence:verify"), {"fingerprint": fingerprint.upper()}).content.decode()
    assert staff1.get_full_name() in page and "相符：資料未變動" in page and "朱芳儀" in page
    with connection.cursor() as cursor:
        cursor.execute("UPDATE proposals_reward SET amount = amount + 1")
    page = client.get(reverse("evidence:verify"), {"fingerprint": fingerprint}).content.decode()
    assert "不符：產製後資料已變動" in page
    page = client.get(reverse("evidence:verify"), {"fingerprint": "0" * 64}).content.decode()
    assert "查無此資料指紋" in page
    page = client.get(reverse("evidence:verify"), {"fingerprint": "xyz"}).content.decode()
    assert "64 個十六進位字元" in page


def test_everyone_includes_people_without_a_unit(org, client, person, frozen):
    client.force_login(person("hr"))
    page = client.get(reverse("evidence:index")).content.decode()
    for login in ("director", "tracking", "committee1"):
        assert person(login).get_full_name() in page, login
    assert "（無所屬單位）" in page
    # A unit's list has only its own people.
    page = client.get(reverse("evidence:index"), {"unit": "readers"}).content.decode()
    assert person("director").get_full_name() not in page
