"""Login lockout by username and address together, and by address alone (issue "Step 13": the
director could be locked out by anyone trying five passwords)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from governance.lockout import client_address

pytestmark = pytest.mark.django_db

A, B = "10.0.0.5", "10.0.0.6"


def attempt(client, password, address, username="director", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def test_wrong_passwords_from_one_address_lock_that_pair_only(org, client, demo_password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong", A)
    # The director, from another address, still signs in…
    assert attempt(client, demo_password, B).status_code == 302
    client.logout()
    # …but not from the address that tried.
    response = attempt(client, demo_password, A)
    assert response.status_code == 429
    assert "這個帳號從您的位置" in response.content.decode()


def test_many_usernames_from_one_address_lock_the_address(org, client, demo_password, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20
    logins = ["readers-staff1", "readers-staff2", "readers-head", "planning-staff1", "planning-head"]
    # Four per username: no pair reaches its limit of five; twenty from the address in all.
    tried = 0
    for login in logins:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            tried += 1
            response = attempt(client, "wrong", A, username=login)
            assert response.status_code == (429 if tried >= 20 else 200), tried
    # Now any username, even with its right password, is refused from that address…
    response = attempt(client, demo_password, A)
    assert response.status_code == 429
    assert "您的位置連續輸入錯誤密碼太多次" in response.content.decode()
    # …and not from another.
    assert attempt(client, demo_password, B, username="readers-staff1").status_code == 302


def test_the_address_behind_a_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="192.168.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    settings.AXES_IPWARE_PROXY_COUNT = None
    assert client_address(request) == "192.168.0.1"  # no proxy: the header is the client's to forge
    settings.AXES_IPWARE_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.9"  # what our proxy saw, not what was claimed
    settings.AXES_IPWARE_PROXY_COUNT = 2
    assert client_address(request) == "6.6.6.6"
    settings.AXES_IPWARE_PROXY_COUNT = 3  # fewer entries than proxies: misconfigured, the peer
    assert client_address(request) == "192.168.0.1"


def test_behind_a_proxy_people_are_told_apart(org, client, demo_password, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong", "192.168.0.1", HTTP_X_FORWARDED_FOR=A)
    assert attempt(client, demo_password, "192.168.0.1", HTTP_X_FORWARDED_FOR=B).status_code == 302
    client.logout()
    assert attempt(client, demo_password, "192.168.0.1", HTTP_X_FORWARDED_FOR=A).status_code == 429
