"""The home page: login required, Traditional Chinese by default, per person and role."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, org):
    for url in ("/home/", "/", "/workflow/inbox/", "/proposals/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_root_leads_to_home(client, person):
    client.force_login(person("readers-staff1"))
    assert client.get("/")["Location"] == "/home/"


def test_login_page_is_in_traditional_chinese(client, org):
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hant"' in html
    assert "登入" in html
    assert "cdn" not in html.lower()


def test_login_with_demo_password(client, org, demo_password):
    response = client.post("/accounts/login/", {"username": "acquisitions-staff1", "password": demo_password})
    assert response.status_code == 302
    html = client.get("/home/").content.decode()
    assert "吳宗翰，您好" in html
    assert "採訪編目組 · 同仁" in html
    assert "收件匣" in html


def test_wrong_password_is_refused(client, org):
    response = client.post("/accounts/login/", {"username": "acquisitions-staff1", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # In words, without Django's spaces around the field name.
    assert re.search(r"請輸入正確的\S+和密碼（英文大小寫有別）。", response.content.decode())


def test_pages_have_an_icon_and_a_menu_button_in_chinese(login_as):
    html = login_as("readers-staff1").get("/home/").content.decode()
    assert 'aria-label="開啟選單"' in html and "Open navigation menu" not in html
    assert 'rel="icon" href="/static/governance/favicon.svg"' in html


def test_home_lists_role_duties(login_as):
    html = login_as("hr").get("/home/").content.decode()
    assert "調閱同仁考績佐證" in html
    assert "決行提案採行與解除列管" not in html
    html = login_as("director").get("/home/").content.decode()
    assert "決行提案採行與解除列管" in html
    assert "館長" in html
    # A unit's liaison and head have different duties.
    liaison = login_as("readers-liaison").get("/home/").content.decode()
    head = login_as("readers-head").get("/home/").content.decode()
    assert "填報本單位的提案執行進度" in liaison and "初審本單位提案" not in liaison
    assert "初審本單位提案" in head and "填報本單位的提案執行進度" not in head
    assert "提出創意提案" in liaison and "提出創意提案" in head


def test_viewflow_strings_are_translated(login_as):
    html = login_as("planning-staff1").get("/workflow/inbox/").content.decode()
    assert "收件匣" in html
    assert ">Inbox<" not in html
    assert "Applications" not in html  # viewflow's menu header, from our zh_Hant catalog
    assert "登出" in html


def test_person_can_switch_to_english_and_back(login_as, person):
    client = login_as("planning-staff1")
    response = client.post("/language/", {"language": "en", "next": "/home/"})
    assert response.status_code == 302 and response["Location"] == "/home/"
    assert person("planning-staff1").language == "en"
    html = client.get("/home/").content.decode()
    assert 'lang="en"' in html
    assert "Inbox" in html
    client.post("/language/", {"language": "zh-hant", "next": "/home/"})
    assert 'lang="zh-hant"' in client.get("/home/").content.decode()


def test_a_persons_language_ends_with_their_request(login_as, person):
    """What the thread does next (another person's request, a task run in process) is in
    the agency's language again."""
    from django.utils import translation

    client = login_as("planning-staff1")
    client.post("/language/", {"language": "en", "next": "/home/"})
    assert "Inbox" in client.get("/home/").content.decode()
    assert translation.get_language() == "zh-hant"


def test_language_switch_rejects_unknown_language_and_foreign_redirects(login_as):
    client = login_as("planning-staff1")
    assert client.post("/language/", {"language": "xx"}).status_code == 400
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_browser_language_does_not_override_the_default(client, org):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hant"' in html and "登入" in html


def test_home_offers_proposal_pages_by_role(client, person):
    client.force_login(person("readers-staff1"))
    html = client.get("/home/").content.decode()
    assert "新增創意提案" in html and "全部提案與統計" not in html
    client.force_login(person("tracking"))
    html = client.get("/home/").content.decode()
    assert "全部提案與統計" in html
    client.force_login(person("external1"))
    html = client.get("/home/").content.decode()
    assert "新增創意提案" not in html and "全部提案與統計" not in html


def test_home_shows_the_units_overdue_findings(client, person):
    import datetime

    from audits import services
    from governance.models import Unit

    today = datetime.date.today()
    services.register_audit(
        actor=person("tracking"),
        agency="教育部",
        kind="appraisal",
        title="考核",
        held_on=today - datetime.timedelta(days=60),
        document_number="臺教綜（一）字第1150012345號",
        findings=[
            services.FindingInput(
                "deficiency",
                "逾期事項",
                "high",
                Unit.objects.get(code="readers"),
                today - datetime.timedelta(days=1),
            )
        ],
    )
    client.force_login(person("readers-liaison"))
    assert "逾期 1 項" in client.get("/home/").content.decode()
    client.force_login(person("planning-liaison"))
    assert "逾期 1 項" not in client.get("/home/").content.decode()
    client.force_login(person("tracking"))
    html = client.get("/home/").content.decode()
    assert "登錄考核" in html and "全部列管事項與統計" in html


def test_plan_links_by_role_and_the_meeting_warning(org, client, person):
    client.force_login(person("tracking"))
    page = client.get("/home/").content.decode()
    for url in ("/plan/reports/quarter/", "/meetings/", "/dashboard/"):
        assert f'href="{url}"' in page, url
    assert "執行小組" in page and "下次會議最遲召開日期" in page
    client.force_login(person("readers-staff1"))
    page = client.get("/home/").content.decode()
    assert 'href="/plan/reports/quarter/"' not in page and 'href="/dashboard/"' not in page
    assert "下次會議最遲召開日期" not in page
    client.force_login(person("readers-liaison"))
    page = client.get("/home/").content.decode()
    assert 'href="/plan/reports/"' in page and 'href="/dashboard/"' not in page


def test_a_head_sees_the_plan_reports_waiting_for_them(org, client, person):
    import datetime

    import time_machine

    from governance.rocdate import TAIPEI
    from plan.practice_reports import confirm_practice_report, submit_practice_report
    from tests.helpers import unit
    from tests.support.plan_factory import make_plan, practice

    with time_machine.travel(datetime.datetime(2026, 8, 15, 10, tzinfo=TAIPEI), tick=False):
        version = make_plan(115)
        report = submit_practice_report(
            actor=person("readers-liaison"),
            practice=practice(version, "1-1-1.1"),
            unit=unit("readers"),
            period="115Q3",
            status="on_track",
            text="已完成",
        )
        client.force_login(person("readers-head"))
        page = client.get("/home/").content.decode()
        assert "待您確認 1 件" in page
        assert f'href="/plan/reports/?plan={version.plan_id}&amp;period=115Q3"' in page
        for login in ("planning-head", "readers-liaison"):
            client.force_login(person(login))
            assert "待您確認" not in client.get("/home/").content.decode(), login
        confirm_practice_report(actor=person("readers-head"), report=report, approve=True)
        client.force_login(person("readers-head"))
        assert "待您確認" not in client.get("/home/").content.decode()
