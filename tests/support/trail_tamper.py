"""Tampering with the trail in tests as an attacker holding the database's superuser would.

On PostgreSQL the append-only triggers (governance migration 0019) refuse UPDATE and DELETE on
the trail's tables, so the attacker drops them first; SQLite has none. In a test inside a
transaction (pytest's django_db) the drop is rolled back with the test; a transactional test
uses `triggers_dropped()`, which puts them back.
"""

import contextlib
import importlib

from django.db import connection

_migration = importlib.import_module("governance.migrations.0019_trail_append_only")


def drop_trail_triggers():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_migration.DROP_TRIGGERS_SQL)


def restore_trail_triggers():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_migration.DROP_TRIGGERS_SQL)
            cursor.execute(_migration.TRIGGERS_SQL)


@contextlib.contextmanager
def triggers_dropped():
    drop_trail_triggers()
    try:
        yield
    finally:
        restore_trail_triggers()


def tamper(statement, params=()):
    """Run raw SQL against the trail with its triggers out of the way."""
    drop_trail_triggers()
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
