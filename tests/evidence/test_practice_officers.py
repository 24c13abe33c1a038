"""A practice's 承辦人 in the appraisal evidence: the practices they carried, each quarter on
time or late with the confirmed result and the head's comment, a reference only; in the PDF,
on their own page and in HR's list and batch even with no other evidence."""

import datetime
import io
import re
import zipfile

import pytest
from django.urls import reverse

from evidence import documents
from evidence.models import EvidenceBatch
from evidence.selectors import appraisal_evidence
from governance.periods import period_of_year
from plan.practice_officers import name_practice_officers
from plan.practice_reports import confirm_practice_report, submit_practice_report
from tests.helpers import flat, frozen_at, pdf_stream_text, pdf_text, taipei, unit
from tests.support.plan_factory import make_plan, practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = taipei(datetime.date(2026, 11, 25), 10)  # 115Q4
YEAR = period_of_year(115)
KEY = "1-1-1.1"


@pytest.fixture
def officer(org, person):
    """readers-staff2 is 承辦人 of 1.1 in Q1–Q3: Q1 reported on time with the head's praise,
    Q2 reported after its deadline, Q3 not reported. Nothing else of theirs in the year."""
    version = make_plan(115)
    for period in ("115Q1", "115Q2", "115Q3"):
        name_practice_officers(
            actor=person("readers-liaison"),
            practice=practice(version, KEY),
            unit=unit("readers"),
            period=period,
            people=[person("readers-staff2")],
        )
    for period, day, comment in (
        ("115Q1", datetime.date(2026, 3, 20), "辦理積極，值得肯定"),
        ("115Q2", datetime.date(2026, 7, 3), ""),
    ):
        with frozen_at(day):
            written = submit_practice_report(
                actor=person("readers-liaison"),
                practice=practice(version, KEY),
                unit=unit("readers"),
                period=period,
                status="done",
                text=f"{period[-2:]} 網路辦證服務上線",
            )
            confirm_practice_report(
                actor=person("readers-head"), report=written, approve=True, comment=comment
            )
    return person("readers-staff2")


def test_evidence_lists_the_practices_and_keeps_others_fingerprints(officer, person):
    evidence = appraisal_evidence(officer, *YEAR)
    assert evidence.items == [] and evidence.has_items
    [row] = evidence.practices
    assert [(q["period"], q["timeliness_label"]) for q in row["quarters"]] == [
        ("115Q1", "如期"),
        ("115Q2", "逾期"),
        ("115Q3", "逾期未填報"),
    ]
    assert evidence.data()["practices"] == evidence.practices
    # Someone who carried nothing: the data (and so the fingerprint) is as before officers.
    other = appraisal_evidence(person("readers-staff1"), *YEAR)
    assert not other.has_items and "practices" not in other.data()


def test_pdf_prints_the_practice_rows(officer):
    # As pdftotext reads it (content-stream order: a cell's lines follow one another).
    content = documents.appraisal_evidence_pdf(appraisal_evidence(officer, *YEAR))
    text = re.sub(r"\s+", "", pdf_stream_text(content))
    for expected in (
        "計畫推動作法承辦（業務承辦人員）",
        "1.1讀者辦證服務單一窗口服務",
        "閱覽典藏組；業務承辦人員",
        "例行業務，僅供考績參考，不列入獎勵計算",
        "115年第1季115/03/31如期已完成：Q1網路辦證服務上線辦理積極，值得肯定",
        "115年第2季115/06/30逾期已完成：Q2網路辦證服務上線",
        "115年第3季115/09/30逾期未填報季報未填報，尚無確認結果",
        "共1項推動作法（3季：如期1季，逾期2季）（僅供參考）",
    ):
        assert expected in text, expected


def test_my_page_shows_them(officer, client):
    client.force_login(officer)
    page = client.get(reverse("evidence:mine"), {"year": "115"}).content.decode()
    assert "計畫推動作法承辦（業務承辦人員）" in page and "辦理積極，值得肯定" in page
    assert "共 1 項推動作法（3 季：如期 1 季，逾期 2 季）" in page


def test_hr_list_and_batch_include_an_officer_with_no_other_evidence(
    officer, client, person, django_capture_on_commit_callbacks
):
    client.force_login(person("hr"))
    page = client.get(reverse("evidence:index"), {"year": "115", "with_items": "on"}).content.decode()
    assert officer.get_full_name() in page and page.count(".pdf?year=115") == 1
    assert "承辦推動作法" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evidence:batch_start"),
            {"year": "115", "unit": "readers", "with_items": "on", "submission_token": "t" * 32},
        )
    assert response.status_code == 302
    batch = EvidenceBatch.objects.get()
    assert client.get(reverse("evidence:batch_progress", args=[batch.pk])).json()["files"] == 1
    content = b"".join(client.get(reverse("evidence:batch_zip", args=[batch.pk])).streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist() == ["考績佐證-115-鄭雅雯-readers-staff2.pdf"]
    assert "讀者辦證服務單一窗口服務" in flat(pdf_text(archive.read(archive.namelist()[0])))
