"""The directory's settings: off unless LDAP_SERVER_URI is set; its mistakes stop the start."""

import os
import re
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from governance.directory_settings import directory_settings
from tests.helpers import ROOT

AD = {"LDAP_SERVER_URI": "ldaps://ad.agency.example", "LDAP_BASE_DN": "DC=agency,DC=example"}


def backends(**env):
    code = "from django.conf import settings as s; print(','.join(s.AUTHENTICATION_BACKENDS))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        # The quick start's DEBUG (its development key), as `make run` has it.
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "governance.settings",
            "DJANGO_DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split(",")


def test_the_environment_switches_the_directory_on():
    """Off by default; with LDAP_SERVER_URI, its backend after axes' (lockout first) and before
    the model backend (local accounts)."""
    assert "governance.directory.DirectoryBackend" not in backends()
    assert backends(**AD)[:3] == [
        "axes.backends.AxesStandaloneBackend",
        "governance.directory.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]


def test_off_without_a_server():
    assert directory_settings({}) == {}
    assert directory_settings({"LDAP_BASE_DN": "DC=agency,DC=example"}) == {}


def test_active_directory_settings():
    values = directory_settings(
        {
            **AD,
            "LDAP_USERNAME_ATTR": "sAMAccountName",
            "LDAP_ROLE_MAP": '{"CN=組室主管,OU=Groups,DC=agency,DC=example": "head"}',
        }
    )
    assert values["AUTH_LDAP_USER_SEARCH"].filterstr == "(&(objectClass=person)(sAMAccountName=%(user)s))"
    assert values["AUTH_LDAP_USER_ATTR_MAP"] == {
        "full_name": "displayName",
        "email": "mail",
        "job_title": "title",
    }
    assert values["LDAP_ROLE_MAP"] == {"CN=組室主管,OU=Groups,DC=agency,DC=example": "head"}
    assert values["LDAP_GROUP_BASE"] == "DC=agency,DC=example"


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"LDAP_BASE_DN": ""}, "LDAP_BASE_DN"),
        ({"LDAP_ROLE_MAP": "{not json"}, "not valid JSON"),
        ({"LDAP_UNIT_MAP": '["planning"]'}, "JSON object"),
        ({"LDAP_ROLE_MAP": '{"CN=x,DC=agency,DC=example": "boss"}'}, "unknown roles ['boss']"),
        ({"LDAP_USER_FILTER": "(uid=someone)"}, "%(user)s"),
    ],
)
def test_mistakes_are_refused_at_start(extra, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        directory_settings({**AD, **extra})
