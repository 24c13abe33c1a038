"""Sessions end after being idle, and no cache keeps a signed-in person's pages (issue "Step 13":
sessions lasted two weeks with no idle limit; pages with personal data could be cached)."""

import datetime

import pytest
from django.urls import reverse

from governance.rocdate import TAIPEI
from tests.helpers import frozen_at
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=TAIPEI)


def at(minutes):
    return frozen_at(START + datetime.timedelta(minutes=minutes))


def test_an_idle_session_is_signed_out_and_told_why(org, client, person, settings):
    settings.SESSION_IDLE_MINUTES = 30
    with at(0):
        client.force_login(person("readers-staff1"))
        assert client.get("/home/").status_code == 200
    # Active now and then: still signed in after more than 30 minutes in all.
    with at(29):
        assert client.get("/home/").status_code == 200
    with at(58):
        assert client.get("/home/").status_code == 200
    # Then 31 minutes without a request.
    with at(89):
        response = client.get("/home/")
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        login_page = client.get(response["Location"]).content.decode()
    assert "閒置超過 30 分鐘" in login_page and "自動登出" in login_page
    with at(90):
        assert client.get("/home/").status_code == 302  # signed out for good, not just redirected


def test_no_idle_limit_when_set_to_zero(org, client, person, settings):
    settings.SESSION_IDLE_MINUTES = 0
    client.force_login(person("readers-staff1"))
    with at(0):
        assert client.get("/home/").status_code == 200
    with at(600):
        assert client.get("/home/").status_code == 200


def test_the_session_can_end_with_the_browser(org, client, person, demo_password, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    response = client.post(reverse("login"), {"username": "readers-staff1", "password": demo_password})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]


def test_signed_in_pages_are_not_cached(org, client, person):
    proposal = Driver(client, person).submit("readers-staff1")
    client.force_login(person("readers-staff1"))
    for url in (
        "/evidence/mine/",
        f"/proposals/{proposal.pk}/",
        "/workflow/inbox/",
        "/notifications/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, (url, cache_control)
