"""Passwords are hashed with Argon2id; an older PBKDF2 hash still logs in and is re-made."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password
from django.urls import reverse

from governance import settings as project_settings
from governance.hashers import Argon2idPasswordHasher
from tests.helpers import user

# The tests' own settings hash with MD5 for speed; these tests use the project's list.
PROJECT_HASHERS = project_settings.PASSWORD_HASHERS


def test_the_first_hasher_is_argon2id_at_our_costs(settings):
    settings.PASSWORD_HASHERS = PROJECT_HASHERS
    assert PROJECT_HASHERS[0] == "governance.hashers.Argon2idPasswordHasher"
    hasher = get_hasher("default")
    assert isinstance(hasher, Argon2idPasswordHasher) and isinstance(hasher, Argon2PasswordHasher)
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (32 * 1024, 3, 1)
    # Django's PBKDF2 stays listed: hashes made before the change must still verify.
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in PROJECT_HASHERS
    assert make_password("x").startswith("argon2$argon2id$v=19$m=32768,t=3,p=1$")


@pytest.mark.django_db
def test_an_old_pbkdf2_hash_logs_in_and_is_upgraded(org, client, demo_password, settings):
    settings.PASSWORD_HASHERS = PROJECT_HASHERS
    person = user("readers-staff1")
    person.password = make_password(demo_password, hasher="pbkdf2_sha256")
    person.save(update_fields=["password"])
    assert person.password.startswith("pbkdf2_sha256$1000000$")

    # A wrong password leaves the old hash as it was.
    assert (
        client.post(reverse("login"), {"username": "readers-staff1", "password": "wrong"}).status_code == 200
    )
    person.refresh_from_db()
    assert person.password.startswith("pbkdf2_sha256$")

    response = client.post(reverse("login"), {"username": "readers-staff1", "password": demo_password})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$v=19$m=32768,t=3,p=1$")

    # The new hash logs in as well.
    client.logout()
    response = client.post(reverse("login"), {"username": "readers-staff1", "password": demo_password})
    assert response.status_code == 302
