"""查驗文件 (/verify/): anyone logged in checks a printed document by its verification code,
typed, pasted or scanned, and learns only whether it is genuine, when it was made and for
which case or person."""

import datetime

import pytest
from django.urls import reverse

from evidence import documents as evidence_documents
from evidence.selectors import appraisal_evidence
from governance import verification
from governance.models import IssuedDocument
from governance.periods import period_of_year
from governance.rocdate import TAIPEI
from proposals import documents as proposal_documents
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日
GENUINE = "查驗相符：這是本系統產製的文件"
UNKNOWN = "查無此查驗碼"


@pytest.fixture
def evidence_code(frozen, closed_proposal, person, client):
    """The code printed on readers-staff1's 115 evidence, made by HR; nobody logged in."""
    evidence = appraisal_evidence(person("readers-staff1"), *period_of_year(115))
    evidence_documents.appraisal_evidence_pdf(evidence, generated_by=person("hr"))
    client.logout()
    return IssuedDocument.objects.get(kind=IssuedDocument.Kind.APPRAISAL_EVIDENCE).code


@pytest.fixture
def trail_code(frozen, client, person, org):
    proposal = Driver(client, person).submit("readers-staff1")
    proposal_documents.proposal_trail(proposal, issued_by=person("auditor"))
    client.logout()
    return proposal, IssuedDocument.objects.get(kind=IssuedDocument.Kind.CASE_TRAIL).code


def answer(client, code):
    """The page for the address the QR code holds."""
    response = client.get(f"/verify/{code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_logged_in_is_told_an_evidence_document_is_genuine_and_for_whom(
    evidence_code, login_as, person
):
    for login in ("readers-staff2", "planning-staff1", "external1"):
        page = answer(login_as(login), verification.grouped(evidence_code))
        assert GENUINE in page, login
        assert "考績佐證資料" in page and person("readers-staff1").get_full_name() in page
        assert "115/11/25 10:30:00" in page and "（臺北時間）" in page
        assert verification.grouped(evidence_code) in page


def test_the_answer_says_nothing_more(evidence_code, login_as, person, closed_proposal):
    page = answer(login_as("planning-staff1"), verification.grouped(evidence_code))
    assert GENUINE in page
    # Not the contents: the amounts, the cases, the period, the data fingerprint; not who made it.
    evidence = appraisal_evidence(person("readers-staff1"), *period_of_year(115))
    for secret in [
        "1,800",
        "嘉獎",
        closed_proposal.case_number,
        closed_proposal.title,
        "115 年度",
        "115年1月1日",
        evidence.fingerprint,
        person("hr").get_full_name(),
        person("readers-staff1").username,
        person("readers-staff1").job_title,
        "閱覽典藏組",
    ]:
        assert secret not in page, secret


def test_a_trail_is_told_by_its_case_number_and_title(trail_code, login_as, person):
    proposal, code = trail_code
    page = answer(login_as("readers-staff2"), verification.grouped(code))
    assert GENUINE in page and "案件軌跡" in page
    assert proposal.case_number in page and proposal.title in page and "創意提案" in page
    assert "115/11/25 10:30:00" in page
    for secret in (person("auditor").get_full_name(), proposal.improvement[:10], "初審中"):
        assert secret not in page, secret


@pytest.mark.parametrize(
    "typed",
    [
        "{grouped}",
        "{code}",
        "{lower}",
        "{spaced}",
        "  {grouped}  ",
        "http://127.0.0.1:8000/verify/{grouped}/",
        "https://governance.example.gov.tw/verify/{lower}/",
    ],
)
def test_the_form_takes_the_code_in_any_form_and_shows_its_answer(evidence_code, login_as, typed):
    client = login_as("readers-staff2")
    grouped = verification.grouped(evidence_code)
    text = typed.format(
        grouped=grouped,
        code=evidence_code,
        lower=grouped.lower(),
        spaced=" ".join(evidence_code[i : i + 4] for i in range(0, 20, 4)).lower(),
    )
    response = client.get(reverse("verify:index"), {"code": text})
    assert response.status_code == 302 and response["Location"] == f"/verify/{grouped}/"
    assert GENUINE in answer(client, grouped)


def test_the_address_takes_the_code_in_any_case_and_without_dashes(evidence_code, login_as):
    client = login_as("readers-staff2")
    for code in (evidence_code, evidence_code.lower(), verification.grouped(evidence_code).lower()):
        assert GENUINE in answer(client, code)


def test_a_wrong_code_is_not_genuine(evidence_code, login_as):
    client = login_as("readers-staff2")
    wrong = ("0" if evidence_code[0] != "0" else "1") + evidence_code[1:]
    page = answer(client, verification.grouped(wrong))
    assert UNKNOWN in page and GENUINE not in page
    assert verification.grouped(wrong) in page  # the code checked, to compare with the paper
    page = answer(client, "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ")
    assert UNKNOWN in page and GENUINE not in page


def test_text_that_is_no_code_is_explained(login_as, org):
    client = login_as("readers-staff2")
    page = client.get(reverse("verify:index"), {"code": "12345"}).content.decode()
    assert "查驗碼是 20 個英文字母與數字" in page and GENUINE not in page and UNKNOWN not in page
    page = answer(client, "not-a-code")
    assert "查驗碼是 20 個英文字母與數字" in page
    # An evidence PDF of before the codes printed only its data fingerprint: HR checks that.
    page = client.get(reverse("verify:index"), {"code": "ab" * 32}).content.decode()
    assert "這是考績佐證的資料指紋，不是查驗碼" in page and "洽人事室" in page


def test_the_empty_page_offers_the_form(login_as, org):
    page = login_as("external1").get(reverse("verify:index")).content.decode()
    assert 'name="code"' in page and GENUINE not in page and UNKNOWN not in page


def test_the_scanned_address_asks_to_log_in_then_answers(evidence_code, client, person, demo_password):
    address = f"/verify/{verification.grouped(evidence_code)}/"
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={address}"
    assert GENUINE not in response.content.decode()
    response = client.post(
        f"{reverse('login')}?next={address}",
        {"username": "readers-staff2", "password": demo_password, "next": address},
    )
    assert response.status_code == 302 and response["Location"] == address
    assert GENUINE in answer(client, verification.grouped(evidence_code))


def test_the_form_asks_to_log_in(client, org):
    response = client.get(reverse("verify:index"), {"code": "7K3QD-M9XWA-2HF8R-TPE4C"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_menu_offers_the_page_to_everyone(login_as, org):
    for login in ("readers-staff1", "external1", "hr"):
        page = login_as(login).get("/home/").content.decode()
        assert f'href="{reverse("verify:index")}"' in page, login
