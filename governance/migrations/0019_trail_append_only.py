"""On PostgreSQL, the database itself refuses to rewrite the trail.

The models already refuse updates and deletes through the ORM; these triggers refuse them to
any SQL the application's connection sends (a mistaken script, an injected statement, a
console opened with the application's credentials):

- governance_trailevent: no UPDATE, no DELETE. Rows are only ever inserted (appends, restore).
- governance_trailhead: no DELETE; an UPDATE must advance the head by exactly one event,
  chaining on the hash it held (what the one-statement append in governance.trail does).
  The head cannot be insert-only: each append moves it. A head moved without its event is
  found by verify_trail; a head and chain rewritten together by someone who can drop these
  triggers (the table owner, a superuser) is found against the signed daily digest kept
  outside the database (governance.trail_anchor, verify_trail --against).

TRUNCATE is not refused: Django's test runner empties tables with it, and only the table owner
may truncate, who can drop the triggers anyway; the digest finds the cases gone.

SQLite has no such triggers: the quick start's file is the user's own.
"""

from django.db import migrations

FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION governance_trail_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'governance trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$;

CREATE OR REPLACE FUNCTION governance_trailhead_advance_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id
        OR NEW.case_kind IS DISTINCT FROM OLD.case_kind
        OR NEW.case_ref IS DISTINCT FROM OLD.case_ref
        OR NEW.last_sequence IS DISTINCT FROM OLD.last_sequence + 1
        OR NEW.previous_hash IS DISTINCT FROM OLD.last_hash THEN
        RAISE EXCEPTION 'governance trail head of %:% may only advance by one event',
            OLD.case_kind, OLD.case_ref;
    END IF;
    RETURN NEW;
END;
$$;
"""

# Row-level: restore's loaddata first tries an UPDATE by primary key on the empty table, which
# touches no row and so fires no row trigger.
TRIGGERS_SQL = """
CREATE TRIGGER governance_trailevent_append_only
    BEFORE UPDATE OR DELETE ON governance_trailevent
    FOR EACH ROW EXECUTE FUNCTION governance_trail_refuse_change();
CREATE TRIGGER governance_trailhead_no_delete
    BEFORE DELETE ON governance_trailhead
    FOR EACH ROW EXECUTE FUNCTION governance_trail_refuse_change();
CREATE TRIGGER governance_trailhead_advance_only
    BEFORE UPDATE ON governance_trailhead
    FOR EACH ROW EXECUTE FUNCTION governance_trailhead_advance_only();
"""

DROP_TRIGGERS_SQL = """
DROP TRIGGER IF EXISTS governance_trailevent_append_only ON governance_trailevent;
DROP TRIGGER IF EXISTS governance_trailhead_no_delete ON governance_trailhead;
DROP TRIGGER IF EXISTS governance_trailhead_advance_only ON governance_trailhead;
"""

DROP_FUNCTIONS_SQL = """
DROP FUNCTION IF EXISTS governance_trailhead_advance_only();
DROP FUNCTION IF EXISTS governance_trail_refuse_change();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None: the SQL goes as written (its % are PL/pgSQL's, not placeholders).
    schema_editor.execute(FUNCTIONS_SQL, params=None)
    schema_editor.execute(TRIGGERS_SQL, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP_TRIGGERS_SQL, params=None)
    schema_editor.execute(DROP_FUNCTIONS_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0018_user_directory_dn"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
