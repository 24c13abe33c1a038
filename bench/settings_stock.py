"""Benchmark settings with viewflow's stock workflow pages mounted under /stock/."""

from bench.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
