"""Indexes on viewflow's tables for our inbox, queue and archive selectors.

viewflow's own indexes do not serve them (shared/VIEWFLOW.md): the queue filters
on status + owner permission + unit, the inbox on owner + status, all ordered
by time, and processes are filtered by flow_class, which has no index.
"""

from django.db import migrations

INDEXES = [
    ("gov_task_inbox", "viewflow_task", "owner_id, status, created, id"),
    (
        "gov_task_queue",
        "viewflow_task",
        "status, owner_permission, owner_permission_obj_pk, created, id",
    ),
    ("gov_task_archive", "viewflow_task", "owner_id, status, finished, id"),
    ("gov_process_flow_class", "viewflow_process", "flow_class, status"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_initial"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns in INDEXES
    ]
