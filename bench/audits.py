"""Benchmarks: registering an audit with its findings, and the 管考 office's findings list.

Two parts, each on its own throw-away PostgreSQL server (scripts/pg.py) with the
demo organisation only (governance.demo.seed_organisation: no demo proposals or
audits); each part runs in a child process of this script.

1. Registration: audits.services.register_audit as the `tracking` user (loaded
   afresh before each call, as a request would), with 200 findings spread over
   the eight units (a third with one or two supporting units, a tenth of the
   non-deficiencies self-tracked). One untimed warm-up, then `--runs` timed
   registrations: wall time and the Python process's CPU time per registration
   (median, p95). SQL statements counted with CaptureQueriesContext in separate
   untimed registrations of 200, 20 and 1 findings; the fixed and the
   per-finding cost come from the 200 and 20 counts, and the statements are
   grouped by what they touch (viewflow, trail, findings, savepoints, ...).
   Every finding starts its own RemediationFlow process (StartHandle run +
   Switch + first task) and writes its own trail event: that is per finding.

2. Findings list (/audits/findings/, views.all_findings): findings bulk-loaded
   by SQL (25 per audit; states over all Finding.State values; due dates over
   2.5 years after each audit, audits over five years, so many open ones are
   overdue; lead units over the eight units; closed ones with closed_on; a third
   with supporting units; no viewflow processes) to 5,000, then 50,000 findings,
   VACUUM ANALYZE after each load. The page, and two filtered variants
   (?overdue=on, ?unit=<閱覽典藏組>&state=in_progress), requested as `tracking`
   through gunicorn (2 workers, DEBUG off, bench.settings_http) over HTTP,
   `--repeat` times after 2 warm-ups: median and p95 of the whole request, HTML
   size. SQL per page counted in process with the Django test client on the same
   data, with each statement's time (the slowest are listed in the JSON, with
   EXPLAIN ANALYZE at the largest size), and the Python CPU time of the page in
   process. At the largest size the page is also timed in process with parts
   stubbed out by unittest.mock (the filter form's audit <select>, the by-audit
   and by-unit summaries), to show where its time goes.

    .venv/bin/python bench/audits.py [--runs 5] [--findings 200] [--small 20]
                                     [--sizes 5000,50000] [--repeat 30]

Budget: findings list p95 <= 200 ms at 50,000 findings, the same number of
queries per page at every size. Registration has no budget: its figures are
reported.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402
from harness import Server, percentile, session_cookie  # noqa: E402
from pg import temporary_postgres  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BUDGET = {"list_p95_ms_at_50000": 200}
SETTINGS = "bench.settings_http"
USER = "tracking"
FINDINGS_PER_AUDIT = 25


def setup_django(database_url):
    harness.setup_django(database_url, DJANGO_SETTINGS_MODULE=SETTINGS)


def prepare_database():
    from django.core.management import call_command

    from governance.demo import seed_organisation

    call_command("migrate", verbosity=0)
    seed_organisation()  # the people only: no demo proposals or audits


def server_version():
    from django.db import connection

    with connection.cursor() as cur:
        return "postgresql " + cur.connection.info.parameter_status("server_version")


# ---------------------------------------------------------------- SQL grouping


def category(sql):
    """What a statement touches, for the per-finding breakdown."""
    s = sql.lstrip().upper()
    if s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
        return "savepoints"
    low = sql.lower()
    if "governance_trail" in low:
        return "trail"
    if "viewflow_" in low:
        return "viewflow"
    if "audits_" in low:
        return "audit and findings"
    if any(
        t in low
        for t in ("auth_", "guardian_", "governance_membership", "governance_user", "django_content_type")
    ):
        return "users, permissions"
    return "other"


def statement_shape(sql):
    """The statement without its literals, to group repeats (for the JSON only)."""
    shape = re.sub(r'"s\d+_x\d+"', "?", sql)  # savepoint names
    shape = re.sub(r"'(?:[^']|'')*'", "?", shape)
    shape = re.sub(r"\b\d+\b", "?", shape)
    shape = re.sub(r"\((?:\s*\?\s*,?)+\)", "(…)", shape)
    shape = re.sub(r"(?:\(…\)\s*,\s*)+\(…\)", "(…), …", shape)
    return shape[:160]


# ---------------------------------------------------------------- part 1: registration


def registration_benchmark(runs, size, small):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audits.models import Audit, Finding
    from audits.services import FindingInput, register_audit
    from governance.models import Unit, User
    from governance.rocdate import roc_year, today_taipei

    prepare_database()
    units = list(Unit.objects.order_by("sort_order"))
    tracking_pk = User.objects.get(username=USER).pk
    today = today_taipei()
    held_on = today - timedelta(days=30)
    kinds = [Finding.Kind.DEFICIENCY, Finding.Kind.RECOMMENDATION, Finding.Kind.OBSERVATION]
    severities = [Finding.Severity.HIGH, Finding.Severity.MEDIUM, Finding.Severity.LOW]
    counter = iter(range(1, 10_000))

    def inputs(count):
        rows = []
        for j in range(count):
            kind = kinds[j % 3]
            lead = units[j % len(units)]
            supporting = tuple(units[(j + k) % len(units)] for k in range(1, 1 + j % 3))
            rows.append(
                FindingInput(
                    kind=kind,
                    text=f"第 {j + 1} 項：讀者服務區指標不清，動線標示與館藏配置圖未同步更新，請檢討改善。",
                    severity=severities[j % 3],
                    lead_unit=lead,
                    due_date=today + timedelta(days=90 + j % 120),
                    supporting_units=supporting,
                    self_tracked=kind != Finding.Kind.DEFICIENCY and j % 10 == 0,
                )
            )
        return rows

    def register(findings):
        k = next(counter)
        actor = User.objects.get(pk=tracking_pk)  # afresh: no cached permissions
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        audit = register_audit(
            actor=actor,
            agency="教育部",
            kind=Audit.Kind.APPRAISAL,
            title=f"基準測試考核第 {k} 次",
            held_on=held_on,
            document_number=f"臺教綜（一）字第{roc_year(held_on)}{k:07d}號",
            findings=findings,
        )
        return audit, (time.perf_counter() - start_wall) * 1000, (time.process_time() - start_cpu) * 1000

    register(inputs(size))  # warm-up: imports, flow graph, caches
    walls, cpus = [], []
    for _ in range(runs):
        findings = inputs(size)
        audit, wall, cpu = register(findings)
        walls.append(wall)
        cpus.append(cpu)
        assert audit.findings.filter(process__isnull=False).count() == size

    def counted(count):
        findings = inputs(count)
        actor = User.objects.get(pk=tracking_pk)
        k = next(counter)
        with CaptureQueriesContext(connection) as ctx:
            register_audit(
                actor=actor,
                agency="教育部",
                kind=Audit.Kind.APPRAISAL,
                title=f"基準測試考核第 {k} 次",
                held_on=held_on,
                document_number=f"臺教綜（一）字第{roc_year(held_on)}{k:07d}號",
                findings=findings,
            )
        sqls = [q["sql"] for q in ctx.captured_queries]
        supporting_rows = sum(
            len([u for u in f.supporting_units if u.pk != f.lead_unit.pk]) for f in findings
        )
        return {
            "findings": count,
            "supporting_unit_rows": supporting_rows,
            "queries": len(sqls),
            "by_category": dict(Counter(category(s) for s in sqls).most_common()),
            "statements": dict(Counter(statement_shape(s) for s in sqls).most_common(40)),
        }

    big, little, one = counted(size), counted(small), counted(1)
    per_finding = (big["queries"] - little["queries"]) / (size - small)
    fixed = big["queries"] - per_finding * size
    per_category = {
        name: round(
            (big["by_category"].get(name, 0) - little["by_category"].get(name, 0)) / (size - small), 2
        )
        for name in big["by_category"]
    }
    median = statistics.median(walls)
    return {
        "findings_per_registration": size,
        "registrations_timed": runs,
        "median_ms": round(median, 1),
        "p95_ms": round(percentile(walls, 95), 1),
        "ms_per_finding_median": round(median / size, 2),
        "python_cpu_median_ms": round(statistics.median(cpus), 1),
        "times_ms": [round(w, 1) for w in walls],
        "queries": {
            f"register_{size}": big["queries"],
            f"register_{small}": little["queries"],
            "register_1": one["queries"],
            "per_finding": round(per_finding, 2),
            "fixed": round(fixed, 1),
            f"per_registration_of_{size}_over_findings": round(big["queries"] / size, 2),
            "per_finding_by_category": per_category,
        },
        "detail": {f"register_{size}": big, f"register_{small}": little, "register_1": one},
    }


# ---------------------------------------------------------------- part 2: loading findings

_UNITS_TABLE = "bench_audit_units"

SQL_AUDITS = """
INSERT INTO audits_audit (id, agency, kind, title, held_on, document_number, document_key,
                          registered_by_id, registered_at, replied_on, reply_document_number,
                          replied_by_id, withdrawal_reason)
SELECT k, (ARRAY['教育部', '國家發展委員會', '行政院主計總處', '審計部'])[1 + k %% 4],
       (ARRAY['appraisal', 'site_visit', 'inspection', 'other'])[1 + (k / 4) %% 4],
       (extract(year FROM d.held_on)::int - 1911) || ' 年度'
         || (ARRAY['服務品質考核', '實地訪視', '內部控制查核', '業務檢查'])[1 + (k / 4) %% 4]
         || '（第 ' || k || ' 次）',
       d.held_on,
       '臺教綜（一）字第' || (extract(year FROM d.held_on)::int - 1911) || lpad(k::text, 7, '0') || '號',
       -- governance.docnumber.document_key's normal form of that number (ASCII parentheses)
       '臺教綜(一)字第' || (extract(year FROM d.held_on)::int - 1911) || lpad(k::text, 7, '0') || '號',
       %(registered_by)s, d.held_on + interval '5 days 10 hours', NULL, '', NULL, ''
  FROM generate_series(%(first_audit)s::int, %(last_audit)s::int) AS k
  CROSS JOIN LATERAL (SELECT %(today)s::date - 30 - (k * 7919) %% 1825 AS held_on) d
"""

# Independent pseudo-random functions of i (different primes), so that unit, state and
# supporting units do not line up: the lead unit's slot (1..8) and a state bucket (0..19,
# half of them closed).
_SLOT = "((i * 7919) %% 10007) %% 8 + 1"
_BUCKET = "((i * 104729) %% 1009) %% 20"

_STATE = """
    CASE
      WHEN b < 10 THEN 'closed'
      WHEN b < 12 THEN 'awaiting_meeting'
      WHEN b < 14 THEN 'planning'
      WHEN b < 15 THEN 'plan_review'
      WHEN b < 18 THEN 'in_progress'
      WHEN b < 19 THEN 'removal_requested'
      ELSE 'awaiting_decision'
    END
"""


def findings_sql(series, due_date, self_tracked, state, round_, closed_on, joins=""):
    """INSERT … SELECT of findings i over `series`, the audit and lead unit from i, the
    text, kind and severity spread over i; the other columns are the caller's expressions
    (this benchmark's and bench/reminders.py's)."""
    return f"""
INSERT INTO audits_finding (id, audit_id, tracking_number, roc_year, sequence, kind, text,
                            severity, root_cause, lead_unit_id, due_date, self_tracked, state,
                            round, process_id, registered_at, closed_on)
SELECT i, a.id,
       (extract(year FROM a.held_on)::int - 1911) || '-' || lpad(i::text, 6, '0'),
       extract(year FROM a.held_on)::int - 1911, i,
       (ARRAY['deficiency', 'recommendation', 'observation'])[1 + i %% 3],
       '第 ' || i || ' 項：' || (ARRAY[
         '讀者服務區指標不清，動線標示與館藏配置圖未同步更新，請檢討改善。',
         '採購案件驗收紀錄未完整保存，部分案件缺少驗收人員簽章，請補正並建立檢核表。',
         '個人資料檔案安全維護計畫未依規定定期演練，請訂定年度演練時程。',
         '館藏盤點差異未於期限內追蹤處理，請說明原因並提出改善措施。',
         '建議強化志工訓練課程，增列緊急應變與無障礙服務單元。'])[1 + i %% 5],
       (ARRAY['high', 'medium', 'low'])[1 + (i / 3) %% 3],
       '', u.unit_id, {due_date}, {self_tracked}, {state}, {round_}, NULL,
       a.held_on + interval '5 days 10 hours', {closed_on}
  FROM {series} AS i
  JOIN audits_audit a ON a.id = (i - 1) / {FINDINGS_PER_AUDIT} + 1
  JOIN {_UNITS_TABLE} u ON u.slot = {_SLOT}{joins}
"""


SQL_FINDINGS = findings_sql(
    series="generate_series(%(start)s::bigint, %(stop)s::bigint)",
    due_date="a.held_on + (30 + (i * 7919) %% 900)::int",
    self_tracked="(i %% 3 <> 0 AND i %% 10 = 1)",
    state="s.state",
    round_="1 + (i %% 7 = 0)::int + (i %% 49 = 0)::int",
    closed_on="""CASE WHEN s.state = 'closed'
            THEN least(a.held_on + (40 + (i * 104729) %% 700)::int, %(today)s::date) END""",
    joins=f"""
  CROSS JOIN LATERAL (SELECT {_BUCKET} AS b) r
  CROSS JOIN LATERAL (SELECT {_STATE} AS state) s""",
)

# A third of the findings have the next unit as supporting unit, a ninth also the one after.
SQL_SUPPORTING = f"""
INSERT INTO audits_finding_supporting_units (finding_id, unit_id)
SELECT i, u.unit_id
  FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS i
  JOIN LATERAL (SELECT 1 AS k UNION ALL SELECT 2 WHERE i %% 9 = 0) n ON true
  JOIN {_UNITS_TABLE} u ON u.slot = ({_SLOT} - 1 + n.k) %% 8 + 1
 WHERE i %% 3 = 0
"""


def prepare_loading(cur):
    cur.execute(f"DROP TABLE IF EXISTS {_UNITS_TABLE}")
    cur.execute(f"CREATE TABLE {_UNITS_TABLE} (slot int PRIMARY KEY, unit_id bigint)")
    cur.execute(
        f"INSERT INTO {_UNITS_TABLE} "
        "SELECT row_number() OVER (ORDER BY sort_order, id), id FROM governance_unit"
    )
    cur.execute(f"SELECT count(*) FROM {_UNITS_TABLE}")
    assert cur.fetchone()[0] == 8


def grow_findings(conn, start, stop, params):
    """Findings start..stop (inclusive) and their audits; every property a function of i."""
    phases = {}
    t = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # consistent by construction
        args = {
            **params,
            "start": start,
            "stop": stop,
            "first_audit": (start - 1) // FINDINGS_PER_AUDIT + 1,
            "last_audit": (stop - 1) // FINDINGS_PER_AUDIT + 1,
        }
        cur.execute("SELECT coalesce(max(id), 0) FROM audits_audit")
        args["first_audit"] = max(args["first_audit"], cur.fetchone()[0] + 1)
        cur.execute(SQL_AUDITS, args)
        cur.execute(SQL_FINDINGS, args)
        cur.execute(SQL_SUPPORTING, args)
        cur.execute("SET session_replication_role = DEFAULT")
        for table in ("audits_audit", "audits_finding", "audits_finding_supporting_units"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    conn.commit()
    phases["insert_s"] = time.perf_counter() - t
    t = time.perf_counter()
    prev = conn.autocommit
    conn.autocommit = True
    with conn.cursor() as cur:
        for table in ("audits_audit", "audits_finding", "audits_finding_supporting_units"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
    conn.autocommit = prev
    phases["vacuum_analyze_s"] = time.perf_counter() - t
    return phases


def data_check(today):
    from django.db.models import Count

    from audits.models import Audit, Finding
    from audits.selectors import overdue_q

    states = dict(Finding.objects.order_by().values_list("state").annotate(n=Count("pk")))
    return {
        "findings": Finding.objects.count(),
        "audits": Audit.objects.count(),
        "overdue": Finding.objects.filter(overdue_q(today)).count(),
        "closed_with_closed_on": Finding.objects.filter(state="closed", closed_on__isnull=False).count(),
        "supporting_unit_rows": Finding.supporting_units.through.objects.count(),
        "states": states,
    }


# ---------------------------------------------------------------- part 2: the page over HTTP


def measure(server, url, cookie, repeat, warmup=2):
    for _ in range(warmup):
        server.request(url, cookie)
    times, size, body = [], 0, b""
    for _ in range(repeat):
        elapsed, body = server.request(url, cookie)
        size = len(body)
        times.append(elapsed)
    rows = body.count(b'<tr><td><a href="/audits/findings/')
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "html_bytes": size,
        "finding_links": rows,
        "requests": repeat,
    }


def page_queries(url, repeat=10):
    """SQL statements of one page, in process (Django test client), with their times."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from governance.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=USER))
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    statements = [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"]} for q in ctx.captured_queries]
    # The Python CPU time of the whole request in this process: steadier than the wall
    # time over HTTP when the machine is shared.
    cpu = []
    for _ in range(repeat):
        started = time.process_time()
        client.get(url)
        cpu.append((time.process_time() - started) * 1000)
    return len(statements), statements, round(statistics.median(cpu), 1)


def explain(sql):
    from django.db import connection

    # A ModelChoiceField's options come through a server-side cursor: explain the SELECT.
    sql = re.sub(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR ', "", sql)
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cur.fetchall()]


def list_benchmark(database_url, sizes, repeat, explain_slowest):
    from django.db import connection

    from governance.models import Unit, User
    from governance.rocdate import today_taipei

    prepare_database()
    today = today_taipei()
    readers = Unit.objects.get(code="readers").pk
    with connection.cursor() as cur:
        prepare_loading(cur)
    params = {"today": today, "registered_by": User.objects.get(username=USER).pk}
    urls = {
        "all": "/audits/findings/",
        "overdue": "/audits/findings/?overdue=on",
        "unit_in_progress": f"/audits/findings/?unit={readers}&state=in_progress",
    }
    server = Server(database_url, SETTINGS)
    runs = []
    loaded = 0
    try:
        cookie = session_cookie(USER)
        for n in sizes:
            connection.ensure_connection()
            started = time.perf_counter()
            phases = grow_findings(connection.connection, loaded + 1, n, params)
            loaded = n
            entry = {
                "findings": n,
                "load_s": round(time.perf_counter() - started, 1),
                "load_phases_s": {k: round(v, 2) for k, v in phases.items()},
                "data": data_check(today),
                "pages": {},
            }
            for name, url in urls.items():
                figures = measure(server, url, cookie, repeat)
                count, statements, cpu = page_queries(url)
                figures["url"] = url
                figures["queries"] = count
                figures["python_cpu_median_ms_in_process"] = cpu
                figures["sql_ms_in_process"] = round(sum(s["ms"] for s in statements), 1)
                figures["statements"] = [f"{s['ms']:.0f} ms  {s['sql'][:110]}" for s in statements]
                figures["slowest_statements"] = sorted(statements, key=lambda s: -s["ms"])[:4]
                if explain_slowest and n == max(sizes):
                    figures["explain_slowest"] = [
                        {"sql": s["sql"], "plan": explain(s["sql"])}
                        for s in figures["slowest_statements"][:3]
                    ]
                entry["pages"][name] = figures
            print(
                json.dumps(
                    {
                        "findings": n,
                        "pages": {
                            k: {
                                x: v[x]
                                for x in (
                                    "median_ms",
                                    "p95_ms",
                                    "queries",
                                    "html_bytes",
                                    "python_cpu_median_ms_in_process",
                                    "sql_ms_in_process",
                                )
                            }
                            for k, v in entry["pages"].items()
                        },
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
            runs.append(entry)
    finally:
        server.stop()
    return runs


# ---------------------------------------------------------------- driver


def run_part(part, args, out):
    with temporary_postgres() as url:
        setup_django(url)
        import django.db

        started = time.perf_counter()
        if part == "registration":
            result = registration_benchmark(args.runs, args.findings, args.small)
            print(
                json.dumps({k: result[k] for k in ("median_ms", "p95_ms", "queries")}, ensure_ascii=False),
                flush=True,
            )
        else:
            sizes = sorted(int(s) for s in args.sizes.split(","))
            result = {"runs": list_benchmark(url, sizes, args.repeat, not args.no_explain)}
        result["database"] = server_version()
        result["seconds"] = round(time.perf_counter() - started, 1)
        django.db.connections.close_all()
    Path(out).write_text(json.dumps(result, ensure_ascii=False, indent=2))


def verdict(report):
    runs = report["findings_list"]["runs"]
    largest = max(runs, key=lambda r: r["findings"])
    p95 = max(page["p95_ms"] for page in largest["pages"].values())
    counts = {name: sorted({r["pages"][name]["queries"] for r in runs}) for name in runs[0]["pages"]}
    constant = all(len(c) == 1 for c in counts.values())
    registration = report["registration"]
    return {
        "list_worst_p95_ms_at_largest": p95,
        "largest_findings": largest["findings"],
        "list_queries_by_page": {name: c[0] if len(c) == 1 else c for name, c in counts.items()},
        "list_queries_constant": constant,
        "list_html_bytes_by_size": {r["findings"]: r["pages"]["all"]["html_bytes"] for r in runs},
        "registration_ms_median_p95": [registration["median_ms"], registration["p95_ms"]],
        "registration_queries": {
            k: v for k, v in registration["queries"].items() if k != "per_finding_by_category"
        },
        "budget": BUDGET,
        "within_budget": constant and p95 <= BUDGET["list_p95_ms_at_50000"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--findings", type=int, default=200)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--part", choices=["registration", "list"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        run_part(args.part, args, args.out)
        return 0

    started = time.perf_counter()
    report = {"benchmark": "audits"}
    passthrough = [a for a in sys.argv[1:]]
    with tempfile.TemporaryDirectory() as tmp:
        for part, key in (("registration", "registration"), ("list", "findings_list")):
            out = os.path.join(tmp, f"{part}.json")
            subprocess.run(
                [sys.executable, __file__, *passthrough, "--part", part, "--out", out], check=True, cwd=ROOT
            )
            report[key] = json.loads(Path(out).read_text())
    report["verdict"] = verdict(report)
    report["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "audits.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(json.dumps(report["verdict"], ensure_ascii=False, indent=2))
    return 0 if report["verdict"]["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
