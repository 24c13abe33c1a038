"""Test settings: the benchmark's settings (project + the minimal bare flow), made fast.

The bare flow stands in for real flows in the inbox tests.
"""

from bench.settings import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
