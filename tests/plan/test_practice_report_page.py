"""A practice's report page for one unit and quarter (/plan/reports/practices/<p>/units/<u>/<period>/):
the liaison reports with evidence files, the head confirms or returns, files download with
their fingerprint; other units' people are refused."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.rocdate import TAIPEI
from plan.models import PracticeReport, PracticeReportAttachment
from tests.helpers import unit
from tests.support.plan_factory import add_version, make_plan, practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 8, 15, 10, 0, tzinfo=TAIPEI)
State = PracticeReport.State


@pytest.fixture
def version(org):
    return make_plan(115)


def page_url(version, key="1-1-1.1", code="readers", period="115Q3"):
    return reverse("plan:report_practice", args=[practice(version, key).pk, unit(code).pk, period])


def submit_url(version, key="1-1-1.1", code="readers", period="115Q3"):
    return reverse("plan:report_submit", args=[practice(version, key).pk, unit(code).pk, period])


def post_report(client, version, text="網路辦證已上線", status="on_track", files=(), **where):
    return client.post(
        submit_url(version, **where), {"status": status, "text": text, "evidence": list(files)}
    )


def html(response):
    return response.content.decode()


def test_liaison_reports_with_a_file_that_downloads_with_its_fingerprint(login_as, version):
    client = login_as("readers-liaison")
    page = client.get(page_url(version))
    assert page.status_code == 200
    assert "讀者辦證服務單一窗口服務" in html(page) and "未填報" in html(page) and "送出季報" in html(page)
    content = "辦證統計 115 年 7 月".encode()
    response = post_report(client, version, files=[SimpleUploadedFile("辦證統計.txt", content)])
    assert response.status_code == 302 and response.url == page_url(version)
    report = PracticeReport.objects.get()
    assert (report.state, report.text, report.unit.code) == (State.SUBMITTED, "網路辦證已上線", "readers")
    attachment = report.attachments.get()
    digest = hashlib.sha256(content).hexdigest()
    assert attachment.sha256 == digest

    shown = html(client.get(page_url(version)))
    assert "待主管確認" in shown and "依進度辦理" in shown and f"SHA-256 {digest[:16]}" in shown
    assert "115 年第 3 季 填報季報" in shown and "更新季報" in shown  # the trail, and the form to edit
    download = client.get(reverse("plan:report_attachment", args=[report.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert "attachment" in download["Content-Disposition"]


def test_bad_input_shows_errors_and_saves_nothing(login_as, version, settings):
    client = login_as("readers-liaison")
    response = post_report(client, version, text="  ")
    assert response.status_code == 200 and 'class="errorlist' in html(response)
    response = post_report(client, version, status="almost")
    assert response.status_code == 200 and 'class="errorlist' in html(response)
    settings.ATTACHMENT_MAX_BYTES = 10
    response = post_report(client, version, files=[SimpleUploadedFile("大檔.pdf", b"%PDF" + b"x" * 20)])
    assert response.status_code == 200 and "超過上限" in html(response)
    response = post_report(client, version, files=[SimpleUploadedFile("程式.exe", b"MZ")])
    assert "檔案類型不接受" in html(response)
    assert not PracticeReport.objects.exists() and not PracticeReportAttachment.objects.exists()


def test_a_refused_report_says_its_files_must_be_chosen_again(login_as, version):
    client = login_as("readers-liaison")
    evidence = SimpleUploadedFile("佐證.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    page = html(post_report(client, version, text="  ", files=[evidence]))
    assert "季報尚未送出" in page and "先前選擇的檔案未保留，請重新選擇檔案。" in page
    page = html(post_report(client, version, text="  "))
    assert "季報尚未送出" in page and "先前選擇的檔案未保留" not in page


def test_head_returns_liaison_resubmits_head_confirms_then_final(client, person, version):
    client.force_login(person("readers-liaison"))
    post_report(client, version)
    report = PracticeReport.objects.get()
    review = reverse("plan:report_review", args=[report.pk])

    client.force_login(person("readers-head"))
    page = html(client.get(page_url(version)))
    assert "主管確認" in page and 'value="return"' in page and "更新季報" not in page
    response = client.post(review, {"decision": "return", "comment": ""})
    assert response.status_code == 200 and "退回時請填寫意見" in html(response)
    response = client.post(review, {"decision": "return", "comment": "請補上線日期"})
    assert response.status_code == 302
    assert PracticeReport.objects.get().state == State.RETURNED

    client.force_login(person("readers-liaison"))
    page = html(client.get(page_url(version)))
    assert "主管退回" in page and "請補上線日期" in page and "重新送出季報" in page
    post_report(client, version, text="網路辦證已於 115/7/1 上線", status="done")
    assert PracticeReport.objects.get().state == State.SUBMITTED

    client.force_login(person("readers-head"))
    assert client.post(review, {"decision": "confirm", "comment": "同意"}).status_code == 302
    assert PracticeReport.objects.get().state == State.CONFIRMED
    response = client.post(review, {"decision": "return", "comment": "再退一次"})
    assert response.status_code == 200 and "已經確認，不能再變更" in html(response)

    client.force_login(person("readers-liaison"))
    page = html(client.get(page_url(version)))
    assert "主管已確認" in page and "不能再修改" in page and "更新季報" not in page
    response = post_report(client, version, text="確認後再改")
    assert response.status_code == 200 and "已經主管確認，不能再修改" in html(response)
    assert PracticeReport.objects.get().text == "網路辦證已於 115/7/1 上線"


def test_other_units_and_wrong_roles_are_refused(client, person, version):
    client.force_login(person("readers-liaison"))
    post_report(client, version, files=[SimpleUploadedFile("a.txt", b"a")])
    report = PracticeReport.objects.get()
    attachment = report.attachments.get()
    urls = [page_url(version), reverse("plan:report_attachment", args=[report.pk, attachment.pk])]
    for login in ("acquisitions-liaison", "acquisitions-head", "planning-staff1"):
        client.force_login(person(login))
        for url in urls:
            assert client.get(url).status_code == 403, (login, url)
        assert post_report(client, version).status_code == 403
        assert (
            client.post(reverse("plan:report_review", args=[report.pk]), {"decision": "confirm"}).status_code
            == 403
        )
    # The unit's staff read it but neither report nor confirm.
    client.force_login(person("readers-staff1"))
    page = html(client.get(page_url(version)))
    assert "網路辦證已上線" in page and "更新季報" not in page and 'value="confirm"' not in page
    assert post_report(client, version, text="同仁改寫").status_code == 403
    assert (
        client.post(reverse("plan:report_review", args=[report.pk]), {"decision": "confirm"}).status_code
        == 403
    )
    # The shared practice: the acquisitions' liaison reads their own column, not the readers'.
    client.force_login(person("acquisitions-liaison"))
    assert client.get(page_url(version, key="1-2-2.1", code="acquisitions")).status_code == 200
    assert client.get(page_url(version, key="1-2-2.1", code="readers")).status_code == 403
    assert PracticeReport.objects.get().text == "網路辦證已上線"


def test_the_office_director_and_auditor_read_every_unit(client, person, version):
    for login in ("tracking", "director", "auditor"):
        client.force_login(person(login))
        response = client.get(page_url(version))
        assert response.status_code == 200, login
        assert "送出季報" not in html(response)


def test_unknown_units_and_periods_are_not_found(login_as, version):
    client = login_as("readers-liaison")
    assert client.get(page_url(version, code="acquisitions")).status_code == 404  # not responsible
    assert client.get(page_url(version, period="114Q4")).status_code == 404
    assert client.get(page_url(version, period="115Q9")).status_code == 404
    assert client.get(page_url(version, period="115Q4")).status_code == 200  # readable, not yet reportable
    assert "送出季報" not in html(client.get(page_url(version, period="115Q4")))
    response = post_report(client, version, period="115Q4")
    assert response.status_code == 200 and "尚未開始" in html(response)


def test_an_earlier_version_points_to_the_current_one(login_as, version):
    revised = add_version(version)
    client = login_as("readers-liaison")
    page = html(client.get(page_url(version)))
    assert "已由第 2 版取代" in page and "送出季報" not in page
    assert page_url(revised) in page
    assert "送出季報" in html(client.get(page_url(revised)))
