"""Error pages in Traditional Chinese: not Django's bare English ones."""

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def test_a_page_one_may_not_open_says_so_in_chinese(login_as):
    response = login_as("readers-staff1").get("/plan/reports/quarter/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "您沒有權限開啟此頁面" in html and 'href="/"' in html and "Forbidden" not in html


def test_a_missing_page_says_so_in_chinese(login_as, client, org):
    response = login_as("readers-staff1").get("/proposals/999999/")
    assert response.status_code == 404
    assert "找不到您要的頁面" in response.content.decode()
    client.logout()
    response = client.get("/no-such-page/")
    assert response.status_code in (302, 404)  # anonymous people are sent to log in first


def test_the_server_error_page_stands_alone_in_chinese():
    html = render_to_string("500.html")
    assert "系統發生錯誤" in html and 'lang="zh-Hant"' in html and "{%" not in html


def test_a_post_only_address_opened_as_a_link_says_what_to_do(login_as):
    response = login_as("readers-staff1").get("/notifications/read/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    html = response.content.decode()
    assert "這個網址只能由頁面上的按鈕送出" in html and 'href="/"' in html
