"""Benchmark settings for the HTTP server: bench.settings without the static manifest.

With DJANGO_DEBUG=0 the project stores static files through whitenoise's
manifest storage, which needs `collectstatic` first; the benchmark serves no
static files, so plain static URLs are enough.
"""

from bench.settings import *  # noqa: F401,F403
from bench.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
