"""Benchmark: the daily reminder job (governance.tasks.send_due_reminders) over many open items.

For each size (100,000 then 10,000 open items by default), in a child process with its own
throw-away PostgreSQL server (scripts/pg.py), settings bench.settings with DEBUG off and
Django's in-memory e-mail backend (locmem): migrate (which loads the default reminder
offsets, governance/migrations/0006: -30, -7, -1 days to the liaison, +1 also to the unit
head, +7 also to the director), the demo organisation (governance.demo.seed_organisation:
no demo proposals or audits), then the open items bulk-loaded by SQL (as bench/audits.py
loads findings, with its helpers):

- 98 % open findings (25 per audit; the six open states; lead units over the eight units),
  due dates spread evenly over the run day -200 .. +200 days (401 days);
- 1 % proposals in execution (adopted 6 to 14 months before the run day, lead units over
  the eight units); a tenth of them already have their quarter's report approved;
- 1 % unscored committee scores (評分): 0.5 % proposals in second review, each with two
  assignments (committee1, committee2, assigned by `tracking`), assigned over the 215 days
  before the run day, so due (SCORING_DAYS = 14 later) from -200 to +14 days;
- `acquisitions-liaison` takes reminders in the app only (NotificationPreference email off).

The run day is by default the one on which the next quarter's end sits on the -7 offset
(2026-12-24 for a run in 2026 Q4), so the proposals' quarterly reports (季進度報告) are in
the job, as they are four times a year; `--day` picks another.

The job, as the daily beat runs it: `tasks.send_due_reminders.apply(args=[day]).get()`
in process, its two phases (notifications.plan_reminders, notifications.deliver_emails)
timed apart by wrapping them; SQL counted with CaptureQueriesContext (BEGIN, COMMIT
included; Django's 9,000-statement query log is enlarged for it). Then the job again for
the same day: nothing may be written or sent.

    .venv/bin/python bench/reminders.py [--sizes 100000,10000] [--day 2026-12-24]

Budget: planning <= 20 queries at every size; planning + delivery <= 60 s at 100,000 open
items; delivery <= 6 queries per e-mail sent (one transaction per e-mail on purpose); the
second run writes and sends nothing.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

from pg import temporary_postgres  # noqa: E402

from bench import audits as audit_bench  # noqa: E402  (puts bench/ and scripts/ on sys.path)
from bench import harness  # noqa: E402

# bench/audits.py is importable as `audits` from bench/: the Django app of that name must win.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
SETTINGS = "bench.settings"
BUDGET = {
    "planning_queries_max": 20,
    "planning_plus_delivery_s_at_100000": 60,
    "delivery_queries_per_email_max": 6,
}
SHARE_PROPOSALS_EXECUTING = 0.01
SHARE_SCORES = 0.01
SPREAD_DAYS = 200
QUERY_LOG = 2_000_000


def setup_django(database_url):
    # EMAIL_HOST empty: governance/settings.py then takes EMAIL_BACKEND from here.
    harness.setup_django(
        database_url,
        DJANGO_SETTINGS_MODULE=SETTINGS,
        EMAIL_HOST="",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    import audits

    assert Path(audits.__file__).resolve().parent == ROOT / "audits", audits.__file__


# ---------------------------------------------------------------- loading

OPEN_STATES = [
    "awaiting_meeting",
    "planning",
    "plan_review",
    "in_progress",
    "removal_requested",
    "awaiting_decision",
]

SQL_FINDINGS = audit_bench.findings_sql(
    series="generate_series(1, %(findings)s::bigint)",
    due_date=f"%(day)s::date - {SPREAD_DAYS} + ((i - 1) %% {2 * SPREAD_DAYS + 1})::int",
    self_tracked="false",
    state=f"(ARRAY{OPEN_STATES!r})[1 + ((i * 104729) %% 1009) %% {len(OPEN_STATES)}]",
    round_="1",
    closed_on="NULL",
)

# Proposals 1..executing are in execution (adopted, lead unit = the proposing unit's
# neighbour), the rest in second review. Submitted 241 to 420 days before the run day.
SQL_PROPOSALS = f"""
INSERT INTO proposals_proposal (
    case_number, roc_year, sequence, state, unit_id, submitter_id, title, situation, improvement,
    benefit, category_id, plan_practice_id, created_at, submitted_at, process_id, not_accepted_reason_id,
    not_accepted_text, weighted_total, grade, decision, decision_reason, decided_at, decided_by_id,
    reward_amount, reward_commendations, lead_unit_id, due_date, execution_plan, completed_at,
    evaluation, evaluation_rating, closed_at)
SELECT %(roc)s || '-' || lpad(j::text, 5, '0'), %(roc)s, j,
       CASE WHEN ex THEN 'executing' ELSE 'second_review' END,
       u.unit_id, %(submitter)s,
       '提案第 ' || j || ' 號：建置館藏查詢自助服務站',
       '讀者查詢館藏位置須排隊詢問，尖峰時段等候逾十分鐘。',
       '於各樓層設置自助查詢機並結合館藏配置圖。', '縮短等候時間，提升讀者滿意度。',
       %(category)s, NULL, s.submitted, s.submitted, NULL, NULL, '',
       CASE WHEN ex THEN 85.50 END, CASE WHEN ex THEN '甲等' ELSE '' END,
       CASE WHEN ex THEN 'adopt' ELSE '' END, '',
       CASE WHEN ex THEN s.submitted + interval '60 days' END,
       CASE WHEN ex THEN %(director)s END, NULL, NULL,
       CASE WHEN ex THEN lu.unit_id END,
       CASE WHEN ex THEN %(day)s::date + 180 + j %% 180 END,
       '', NULL, '', '', NULL
  FROM generate_series(1, %(proposals)s::int) AS j
  CROSS JOIN LATERAL (SELECT j <= %(executing)s AS ex) e
  CROSS JOIN LATERAL (SELECT (%(day)s::date - 420 + j %% 180 + time '10:00')
                             AT TIME ZONE 'Asia/Taipei' AS submitted) s
  JOIN {audit_bench._UNITS_TABLE} u ON u.slot = ((j * 7919) %% 10007) %% 8 + 1
  JOIN {audit_bench._UNITS_TABLE} lu ON lu.slot = ((j * 7919) %% 10007 + 1) %% 8 + 1
"""

# Both committee members of a proposal in second review assigned the same day, the proposals
# spread evenly over the 215 days before the run day (the last one on the run day).
SQL_ASSIGNMENTS = """
INSERT INTO proposals_reviewerassignment (proposal_id, member_id, external, assigned_by_id,
                                          assigned_at, weighted_total, comment, scored_at)
SELECT p.id, m.member, false, %(assigned_by)s,
       (%(day)s::date - 214 + ((p.sequence - %(executing)s - 1) * 215) / %(in_review)s + time '10:00')
         AT TIME ZONE 'Asia/Taipei',
       NULL, '', NULL
  FROM proposals_proposal p
  CROSS JOIN unnest(%(members)s::bigint[]) AS m(member)
 WHERE p.state = 'second_review'
"""

SQL_APPROVED_REPORTS = """
INSERT INTO proposals_progressreport (proposal_id, period, percent_complete, text,
                                      declares_complete, reporter_id, reported_at, approval,
                                      approver_id, approval_comment, approved_at)
SELECT p.id, %(period)s, 60, '已完成二樓與三樓查詢機建置。', false, %(reporter)s,
       %(day)s::date - 3 + time '09:00', 'approved', %(reporter)s, '', %(day)s::date - 2 + time '09:00'
  FROM proposals_proposal p
 WHERE p.state = 'executing' AND p.sequence %% 10 = 0
"""


def load(n, day):
    """n open items: findings, proposals in execution and unscored committee scores."""
    from django.db import connection, transaction

    from governance.models import NotificationPreference, User
    from governance.rocdate import quarter_end, quarter_label, roc_year
    from proposals.models import ScopeCategory

    executing = round(n * SHARE_PROPOSALS_EXECUTING)
    in_review = round(n * SHARE_SCORES / 2)
    findings = n - executing - 2 * in_review
    users = dict(User.objects.values_list("username", "pk"))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        audit_bench.prepare_loading(cur)
        cur.execute("SET LOCAL session_replication_role = replica")  # consistent by construction
        audits = (findings - 1) // audit_bench.FINDINGS_PER_AUDIT + 1
        # Audits held 230 days and more before the run day: before every due date.
        cur.execute(
            audit_bench.SQL_AUDITS,
            {
                "first_audit": 1,
                "last_audit": audits,
                "today": day - timedelta(days=SPREAD_DAYS),
                "registered_by": users["tracking"],
            },
        )
        cur.execute(SQL_FINDINGS, {"day": day, "findings": findings})
        cur.execute(
            SQL_PROPOSALS,
            {
                "day": day,
                "roc": roc_year(day),
                "proposals": executing + in_review,
                "executing": executing,
                "submitter": users["planning-staff1"],
                "director": users["director"],
                "category": ScopeCategory.objects.order_by("sort_order", "pk").values_list("pk", flat=True)[
                    0
                ],
            },
        )
        cur.execute(
            SQL_ASSIGNMENTS,
            {
                "day": day,
                "executing": executing,
                "in_review": in_review,
                "assigned_by": users["tracking"],
                "members": [users["committee1"], users["committee2"]],
            },
        )
        cur.execute(
            SQL_APPROVED_REPORTS,
            {
                "day": day,
                "period": quarter_label(quarter_end(day)),
                "reporter": users["tracking"],
            },
        )
        for table in ("audits_audit", "audits_finding"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cur.execute(f"DROP TABLE {audit_bench._UNITS_TABLE}")
    NotificationPreference.objects.create(person_id=users["acquisitions-liaison"], email=False)
    with connection.cursor() as cur:  # autocommit: VACUUM runs outside a transaction
        for table in (
            "audits_audit",
            "audits_finding",
            "proposals_proposal",
            "proposals_reviewerassignment",
            "proposals_progressreport",
        ):
            cur.execute(f"VACUUM (ANALYZE) {table}")
    return {
        "open_items": n,
        "open_findings": findings,
        "proposals_executing": executing,
        "unscored_assignments": 2 * in_review,
        "load_s": round(time.perf_counter() - started, 1),
    }


def data_check(day):
    from django.db.models import Count, Max, Min

    from audits.models import Finding
    from proposals.models import ProgressReport, Proposal, ReviewerAssignment

    open_findings = Finding.objects.exclude(state=Finding.State.CLOSED)
    span = open_findings.aggregate(first=Min("due_date"), last=Max("due_date"))
    return {
        "open_findings": open_findings.count(),
        "findings_due_from": str(span["first"]),
        "findings_due_to": str(span["last"]),
        "findings_due_on_run_day": open_findings.filter(due_date=day).count(),
        "findings_by_unit": sorted(
            open_findings.order_by()
            .values_list("lead_unit_id")
            .annotate(n=Count("pk"))
            .values_list("n", flat=True)
        ),
        "proposals_executing": Proposal.objects.filter(state=Proposal.State.EXECUTING).count(),
        "unscored_assignments": ReviewerAssignment.objects.filter(scored_at__isnull=True).count(),
        "approved_reports": ProgressReport.objects.filter(approval="approved").count(),
    }


# ---------------------------------------------------------------- the job


def shapes(statements, limit=12):
    """'count x shape (total ms)' of the statements, the most frequent first."""
    counts, ms = Counter(), Counter()
    for q in statements:
        shape = audit_bench.statement_shape(q["sql"])
        counts[shape] += 1
        ms[shape] += float(q["time"]) * 1000
    return [f"{n} x {shape} ({ms[shape]:.0f} ms)" for shape, n in counts.most_common(limit)]


def sql_seconds(statements):
    return round(sum(float(q["time"]) for q in statements), 2)


def outbox_select_ms(statements):
    """Median time of delivery's SELECT ... FOR UPDATE (one per e-mail) in each tenth of the
    e-mails, in order: flat when finding the next e-mail does not depend on how many are
    pending or already sent."""
    times = [float(q["time"]) * 1000 for q in statements if "FOR UPDATE" in q["sql"]]
    if len(times) < 20:
        return None
    tenth = len(times) / 10
    return [round(statistics.median(times[round(k * tenth) : round((k + 1) * tenth)]), 1) for k in range(10)]


def explain_outbox(statements):
    """EXPLAIN ANALYZE of delivery's last SELECT ... FOR UPDATE (the one that found nothing
    left), run again after the job: how tomorrow's run starts looking for e-mails."""
    from django.db import connection, transaction

    sql = [q["sql"] for q in statements if "FOR UPDATE" in q["sql"]][-1]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cur.fetchall()]


def run_job(day):
    """send_due_reminders for `day`, in process, its two phases timed and counted apart."""
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance import notifications, tasks
    from governance.models import Notification

    phases = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            first = len(connection.queries_log)
            wall, cpu = time.perf_counter(), time.process_time()
            result = function(*args, **kwargs)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            phases[name] = {
                "wall_s": wall,
                "cpu_s": cpu,
                "returned": result,
                "statements": list(connection.queries_log)[first:],
            }
            return result

        return wrapper

    rows_before = Notification.objects.count()
    mails_before = len(mail.outbox)
    with (
        mock.patch.object(notifications, "plan_reminders", timed("planning", notifications.plan_reminders)),
        mock.patch.object(notifications, "deliver_emails", timed("delivery", notifications.deliver_emails)),
    ):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            returned = tasks.send_due_reminders.apply(args=[day.isoformat()]).get()
            wall = time.perf_counter() - started
    assert len(connection.queries_log) < QUERY_LOG, "query log full: counts would be wrong"
    planning, delivery = phases["planning"], phases["delivery"]
    assert len(ctx.captured_queries) == len(planning["statements"]) + len(delivery["statements"])
    sent = delivery["returned"]
    new_mail = mail.outbox[mails_before:]
    assert len(new_mail) == sent, (len(new_mail), sent)
    headers = [m.extra_headers["X-Governance-Notification"] for m in new_mail]
    assert len(set(headers)) == len(headers), "an e-mail was sent twice"
    written = Notification.objects.count() - rows_before
    return {
        "task_returned": returned,
        "notifications_written": written,
        "emails_sent": sent,
        "planning_wall_s": round(planning["wall_s"], 2),
        "planning_cpu_s": round(planning["cpu_s"], 2),
        "planning_queries": len(planning["statements"]),
        "delivery_wall_s": round(delivery["wall_s"], 2),
        "delivery_cpu_s": round(delivery["cpu_s"], 2),
        "delivery_queries": len(delivery["statements"]),
        "delivery_queries_per_email": round(len(delivery["statements"]) / sent, 2) if sent else None,
        "delivery_ms_per_email": round(delivery["wall_s"] * 1000 / sent, 2) if sent else None,
        "planning_sql_s": sql_seconds(planning["statements"]),
        "delivery_sql_s": sql_seconds(delivery["statements"]),
        "delivery_select_ms_median_by_tenth": outbox_select_ms(delivery["statements"]),
        "task_wall_s": round(wall, 2),
        "task_queries": len(ctx.captured_queries),
        "planning_statements": shapes(planning["statements"]),
        "delivery_statements": shapes(delivery["statements"], 8),
    }


def measure(day):
    from django.core import mail
    from django.db import connection
    from django.db.models import Count

    from governance import notifications
    from governance.models import Notification

    # Django keeps the last 9,000 statements; delivery at 100,000 items runs more.
    connection.queries_log = deque(maxlen=QUERY_LOG)
    mail.outbox = []
    dates = notifications.due_dates_for(day, notifications.offsets())
    items = [item for source in notifications.sources() for item in source(list(dates))]
    first = run_job(day)
    second = run_job(day)
    second["outbox_plan_after"] = explain_outbox(connection.queries_log)
    kinds = dict(Notification.objects.order_by().values_list("kind").annotate(n=Count("pk")))
    return {
        "day": day.isoformat(),
        "offsets": {f"{days:+d}": str(d) for d, (days, _level) in sorted(dates.items(), key=lambda x: x[1])},
        "items_hitting_an_offset": len(items),
        "items_by_kind": dict(Counter(i.key.split(":")[0] for i in items)),
        "items_by_offset": {
            f"{dates[d][0]:+d}": n
            for d, n in sorted(Counter(i.due_date for i in items).items(), key=lambda x: dates[x[0]][0])
        },
        "notifications_by_kind": kinds,
        "notifications_not_emailed": Notification.objects.filter(email_wanted=False).count(),
        "first_run": first,
        "second_run": second,
    }


# ---------------------------------------------------------------- driver


def run_size(n, day, out):
    with temporary_postgres() as url:
        setup_django(url)
        import django.db

        started = time.perf_counter()
        audit_bench.prepare_database()  # migrate (default offsets), seed_organisation
        loaded = load(n, day)
        load_average = os.getloadavg()
        result = {"loaded": loaded, "data": data_check(day), **measure(day)}
        # The wall times depend on what else the machine runs; the CPU times and counts do not.
        result["load_average_before_after"] = [round(load_average[0], 2), round(os.getloadavg()[0], 2)]
        result["database"] = audit_bench.server_version()
        result["seconds"] = round(time.perf_counter() - started, 1)
        django.db.connections.close_all()
    Path(out).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))


SUMMARY = [
    "open_items",
    "items_hitting_an_offset",
    "notifications_written",
    "emails_sent",
    "planning_wall_s",
    "planning_queries",
    "delivery_wall_s",
    "delivery_queries",
    "delivery_queries_per_email",
    "task_wall_s",
    "task_queries",
]


def summary(size, run):
    flat = {
        "open_items": size["loaded"]["open_items"],
        "items_hitting_an_offset": size["items_hitting_an_offset"],
        **run,
    }
    return {k: flat[k] for k in SUMMARY}


def verdict(sizes):
    problems = []
    for s in sizes:
        n = s["loaded"]["open_items"]
        for name in ("first_run", "second_run"):
            q = s[name]["planning_queries"]
            if q > BUDGET["planning_queries_max"]:
                problems.append(
                    f"{n:,} items, {name}: planning took {q} queries (> {BUDGET['planning_queries_max']})"
                )
        per_email = s["first_run"]["delivery_queries_per_email"]
        if per_email is None or per_email > BUDGET["delivery_queries_per_email_max"]:
            problems.append(
                f"{n:,} items: delivery took {per_email} queries per e-mail "
                f"(> {BUDGET['delivery_queries_per_email_max']})"
            )
        if s["second_run"]["notifications_written"] or s["second_run"]["emails_sent"]:
            problems.append(
                f"{n:,} items: the second run wrote {s['second_run']['notifications_written']} "
                f"notifications and sent {s['second_run']['emails_sent']} e-mails"
            )
        if n >= 100_000:
            wall = s["first_run"]["planning_wall_s"] + s["first_run"]["delivery_wall_s"]
            if wall > BUDGET["planning_plus_delivery_s_at_100000"]:
                problems.append(
                    f"{n:,} items: planning + delivery took {wall:.1f} s "
                    f"(> {BUDGET['planning_plus_delivery_s_at_100000']})"
                )
    if not any(s["loaded"]["open_items"] >= 100_000 for s in sizes):
        problems.append("no size of 100,000 open items or more was run: the wall-time budget is unchecked")
    return {
        "planning_queries_by_size": {
            s["loaded"]["open_items"]: s["first_run"]["planning_queries"] for s in sizes
        },
        "budget": BUDGET,
        "problems": problems,
        "within_budget": not problems,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,10000")
    parser.add_argument("--day", type=date.fromisoformat, help="the run day (default: see the docstring)")
    parser.add_argument("--part", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        run_size(args.part, args.day, args.out)
        return 0

    started = time.perf_counter()
    if args.day is None:
        from zoneinfo import ZoneInfo

        from governance.rocdate import quarter_end  # plain date arithmetic: no settings needed

        today = datetime.datetime.now(ZoneInfo("Asia/Taipei")).date()
        args.day = quarter_end(today) - timedelta(days=7)
    report = {"benchmark": "reminders", "day": args.day.isoformat(), "sizes": []}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            out = os.path.join(tmp, f"{n}.json")
            subprocess.run(
                [sys.executable, __file__, "--part", str(n), "--day", args.day.isoformat(), "--out", out],
                check=True,
                cwd=ROOT,
            )
            size = json.loads(Path(out).read_text())
            report["sizes"].append(size)
            for name in ("first_run", "second_run"):
                print(json.dumps({"run": name, **summary(size, size[name])}, ensure_ascii=False), flush=True)
    report["verdict"] = verdict(report["sizes"])
    report["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reminders.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(json.dumps(report["verdict"], ensure_ascii=False, indent=2))
    for problem in report["verdict"]["problems"]:
        print(f"over budget: {problem}", file=sys.stderr)
    return 0 if report["verdict"]["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
