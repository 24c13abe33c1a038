"""Test settings: the benchmark's settings (project + the minimal bare flow), made fast.

The bare flow stands in for real flows in the inbox tests.
"""

import os

# The tests run with DEBUG as the quick start does (on, the development key accepted), unless
# the environment says otherwise. Only while the settings are read: the variable must not
# leak into the processes a test starts (make run, the stack), which choose for themselves.
_debug_given = "DJANGO_DEBUG" in os.environ
os.environ.setdefault("DJANGO_DEBUG", "1")
try:
    from bench.settings import *  # noqa: F401,F403
finally:
    if not _debug_given:
        del os.environ["DJANGO_DEBUG"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
# No idle sign-out: tests move the clock by days with a person signed in.
# tests/governance/test_probe_sessions.py turns it on to test it.
SESSION_IDLE_MINUTES = 0
# Plain static names: a test run collects no static files, and the project's storage would
# refuse a name missing from the manifest (tests/governance/test_static_files.py collects its own).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A Celery worker started by a test writes its mail to files the test reads.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")

# Uploaded files of a test run go to a throw-away folder, not the project's data/media.
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# (A restore test's subprocess names its own folder.)
if os.environ.get("MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])
else:
    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="governance-test-media-"))
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

# pytest-django's live server serves static files only when it finds the plain app label
# "django.contrib.staticfiles" in INSTALLED_APPS (our AppConfig only adds ignore patterns
# for collectstatic, which tests of the live server do not run).
INSTALLED_APPS = [
    "django.contrib.staticfiles" if app == "governance.apps.StaticFilesConfig" else app
    for app in INSTALLED_APPS  # noqa: F405
]
