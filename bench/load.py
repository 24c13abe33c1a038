"""Set-based loading of synthetic BenchFlow tasks for the inbox benchmark.

Each synthetic case i (1..N) is one BenchFlow process with one open human task
(NEW in its unit's queue, or ASSIGNED to someone) and one finished (DONE)
earlier step, so the task table holds 2N rows, half of them open. Every
property of case i is a fixed function of i, so growing from N1 to N2 inserts
only the cases N1+1..N2 and gives the same data as loading N2 at once.

Shares of the open tasks:
- planning (the heavy user planning-head's unit): 30 % of the cases; a tenth of
  them (3 % of N: 30,000 at N = 1,000,000) ASSIGNED to planning-head, the rest
  queued for the unit's heads;
- readers (the typical user readers-head's unit): 10 %; its cases among the
  first 3,000 (300 tasks, whatever N) ASSIGNED to readers-head, the rest queued;
- the six other units: 10 % each; a fifth ASSIGNED to their head, the rest queued.
Creation times are spread over two years, independently of i.
"""

import time

SECONDS_SPREAD = 730 * 86400  # two years
TYPICAL_ASSIGNED_BELOW = 3000  # readers cases with i <= this are in readers-head's inbox (300)

# The order matters: slot 1 is the heavy unit, slot 2 the typical one.
UNIT_ORDER = [
    "planning",
    "readers",
    "acquisitions",
    "reference",
    "secretariat",
    "accounting",
    "personnel",
    "chungshan",
]

_CASES = """
    SELECT i,
           u.unit_id,
           u.head_id,
           u.slot,
           %(base)s::timestamptz - ((i * 104729) %% {spread}) * interval '1 second' AS ts,
           (i * 7919) %% 1009 AS q,
           i %% 9 AS step
      FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS i
      JOIN LATERAL (
            SELECT CASE WHEN (i * 37) %% 100 < 30 THEN 1
                        WHEN (i * 37) %% 100 < 40 THEN 2
                        ELSE 3 + ((i * 37) %% 100 - 40) / 10 END AS slot
      ) s ON true
      JOIN bench_units u ON u.slot = s.slot
""".format(spread=SECONDS_SPREAD)

_OPEN_OWNER = """
    CASE
      WHEN c.slot = 1 AND c.q < 101 THEN c.head_id
      WHEN c.slot = 2 AND c.i <= {typical} THEN c.head_id
      WHEN c.slot > 2 AND c.q < 202 THEN c.head_id
    END
""".format(typical=TYPICAL_ASSIGNED_BELOW)

SQL_PROCESSES = f"""
INSERT INTO viewflow_process (id, flow_class, status, created, data)
SELECT %(p0)s + c.i, %(flow_ref)s, 'NEW', c.ts - interval '2 days',
       jsonb_build_object('unit_id', c.unit_id, 'title', '基準測試案件第 ' || c.i || ' 號')
  FROM ({_CASES}) c
"""

SQL_DONE_TASKS = f"""
INSERT INTO viewflow_task (
    id, process_id, flow_task, flow_task_type, status, created, assigned, started, finished,
    token, owner_id, owner_permission, owner_permission_content_type_id,
    owner_permission_obj_pk, data)
SELECT %(t0)s + 2 * c.i - 1, %(p0)s + c.i, %(task_prefix)s || (c.step + 1), 'HUMAN', 'DONE',
       c.ts - interval '2 days', c.ts - interval '47 hours', c.ts - interval '46 hours',
       c.ts - interval '1 hour',
       'start', c.head_id, %(perm)s, %(unit_ct)s, c.unit_id::text, '{{}}'::jsonb
  FROM ({_CASES}) c
"""

SQL_OPEN_TASKS = f"""
INSERT INTO viewflow_task (
    id, process_id, flow_task, flow_task_type, status, created, assigned,
    token, owner_id, owner_permission, owner_permission_content_type_id,
    owner_permission_obj_pk, data)
SELECT %(t0)s + 2 * c.i, %(p0)s + c.i, %(task_prefix)s || (c.step + 2), 'HUMAN',
       CASE WHEN o.owner_id IS NULL THEN 'NEW' ELSE 'ASSIGNED' END,
       c.ts, CASE WHEN o.owner_id IS NULL THEN NULL ELSE c.ts + interval '1 hour' END,
       'start', o.owner_id, %(perm)s, %(unit_ct)s, c.unit_id::text, '{{}}'::jsonb
  FROM ({_CASES}) c
  CROSS JOIN LATERAL (SELECT {_OPEN_OWNER} AS owner_id) o
"""


def prepare(cur, units, heads):
    """A small helper table: slot -> unit id, head user id."""
    cur.execute("DROP TABLE IF EXISTS bench_units")
    cur.execute("CREATE TABLE bench_units (slot int PRIMARY KEY, unit_id bigint, head_id bigint)")
    for slot, code in enumerate(UNIT_ORDER, start=1):
        cur.execute("INSERT INTO bench_units VALUES (%s, %s, %s)", (slot, units[code], heads[code]))


def _secondary_indexes(cur, tables):
    cur.execute(
        """
        SELECT i.indexname, i.indexdef
          FROM pg_indexes i
         WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        (list(tables),),
    )
    return cur.fetchall()


def grow(conn, start, stop, params, rebuild_indexes=True):
    """Insert cases start..stop (inclusive) in one transaction; returns seconds per phase."""
    phases = {}
    with conn.cursor() as cur:
        t = time.perf_counter()
        # The rows are consistent by construction: skip the per-row foreign-key triggers.
        cur.execute("SET session_replication_role = replica")
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        indexes = []
        if rebuild_indexes:
            # Loading into unindexed tables, then building each index once, is
            # several times faster than maintaining fifteen indexes row by row.
            indexes = _secondary_indexes(cur, ["viewflow_task", "viewflow_process"])
            for name, _ in indexes:
                cur.execute(f'DROP INDEX "{name}"')
        args = {**params, "start": start, "stop": stop}
        cur.execute(SQL_PROCESSES, args)
        cur.execute(SQL_DONE_TASKS, args)
        cur.execute(SQL_OPEN_TASKS, args)
        phases["insert_s"] = time.perf_counter() - t
        t = time.perf_counter()
        for _, definition in indexes:
            cur.execute(definition)
        phases["index_s"] = time.perf_counter() - t
        cur.execute("SET session_replication_role = DEFAULT")
        for table in ("viewflow_process", "viewflow_task"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    conn.commit()
    t = time.perf_counter()
    prev = conn.autocommit
    conn.autocommit = True
    with conn.cursor() as cur:
        # Like a table autovacuum has kept up with: visibility map set (index-only
        # scans), statistics fresh.
        cur.execute("VACUUM (ANALYZE) viewflow_process")
        cur.execute("VACUUM (ANALYZE) viewflow_task")
    conn.autocommit = prev
    phases["vacuum_analyze_s"] = time.perf_counter() - t
    return phases
