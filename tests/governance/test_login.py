"""The login page: repeated wrong passwords lock that username from that address for a while."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def attempt(client, password, address="10.0.0.5", username="readers-staff1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_lockout_after_five_wrong_passwords(org, client, demo_password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "wrong")
        assert response.status_code == 200  # the form again, with its error
    response = attempt(client, "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "已暫時鎖定" in page and "15 分鐘後再試" in page
    # Even the right password is refused now, from this address…
    assert attempt(client, demo_password).status_code == 429
    # …but the same person elsewhere, and other people here, are not locked out.
    assert attempt(client, demo_password, address="10.0.0.6").status_code == 302
    client.logout()
    assert attempt(client, demo_password, username="readers-staff2").status_code == 302


def test_a_success_resets_the_count(org, client, demo_password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert attempt(client, demo_password).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200
    assert attempt(client, demo_password).status_code == 302


def test_password_validators_are_on(settings):
    from django.contrib.auth.password_validation import get_default_password_validators

    names = {type(v).__name__ for v in get_default_password_validators()}
    assert {
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
        "UserAttributeSimilarityValidator",
    } <= names
