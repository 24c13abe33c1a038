"""Benchmark settings with viewflow's stock workflow pages mounted under /stock/ (bench/urls.py)."""

from bench.settings_http import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
