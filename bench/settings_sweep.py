"""Benchmark settings of the page sweep (bench/sweep.py): the HTTP server's, plus a response
header with the request's number of SQL statements (bench/querycount.py)."""

from bench.settings_http import *  # noqa: F401,F403
from bench.settings_http import MIDDLEWARE

MIDDLEWARE = ["bench.querycount.QueryCountMiddleware", *MIDDLEWARE]
