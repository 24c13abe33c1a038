"""Static files under whitenoise: hashed names cached for a year or more, compressed copies served.

collectstatic runs here on our own static folder only (the project's storage, governance/static),
not on viewflow's 30 MB: the storage and the serving are the same for every file.
"""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client

from governance import settings as project_settings
from governance.staticstorage import StaticFilesStorage
from tests.helpers import ROOT

ONE_YEAR = 365 * 24 * 60 * 60
FILES = ["governance/print.css", "governance/print.js"]


@pytest.fixture
def collected(settings, tmp_path):
    settings.STORAGES = project_settings.STORAGES
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATICFILES_DIRS = [ROOT / "governance" / "static"]
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def max_age(response):
    directives = dict(
        part.strip().partition("=")[::2] for part in response["Cache-Control"].split(",") if part.strip()
    )
    return int(directives["max-age"]), "immutable" in directives


@pytest.mark.parametrize("debug", [False, True], ids=["make stack (DEBUG off)", "make run (DEBUG on)"])
@pytest.mark.parametrize("name", FILES)
def test_hashed_names_are_cached_a_year_and_sent_compressed(collected, settings, debug, name):
    settings.DEBUG = debug  # whitenoise reads it when the (new) client's handler is built
    url = staticfiles_storage.url(name)
    stem, _, suffix = name.rpartition(".")
    assert url.startswith(f"/static/{stem}.") and url.endswith(f".{suffix}") and url != f"/static/{name}"

    client = Client()
    plain = client.get(url)
    assert plain.status_code == 200 and not plain.has_header("Content-Encoding")
    age, immutable = max_age(plain)
    assert age >= ONE_YEAR and immutable
    body = b"".join(plain.streaming_content)

    for accepted, encoding in (("gzip", "gzip"), ("gzip, deflate, br", "br")):
        response = client.get(url, HTTP_ACCEPT_ENCODING=accepted)
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        assert max_age(response)[0] >= ONE_YEAR
        assert "Accept-Encoding" in response["Vary"]
        assert int(response["Content-Length"]) < len(body)


def test_with_debug_on_a_name_missing_from_the_manifest_falls_back_to_the_plain_name(settings, tmp_path):
    # A bare `manage.py runserver` before any collectstatic: the page still renders.
    settings.DEBUG = True
    settings.STATIC_ROOT = tmp_path
    storage = StaticFilesStorage()
    assert storage.url("governance/print.css") == "/static/governance/print.css"
