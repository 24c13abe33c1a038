"""Bench-only middleware: the number of SQL statements a request ran, in a response header.

Enabled by bench/settings_sweep.py only (first in MIDDLEWARE, so the session read, the user
lookup and every later middleware count too). A streamed response's header is written before
its body is generated: what the body's generator runs is not in the count.
"""

from django.db import connection

HEADER = "X-Query-Count"


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
