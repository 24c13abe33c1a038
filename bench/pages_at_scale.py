"""Lists and summaries at a large agency's scale (issue step 14): time and queries per page.

    .venv/bin/python bench/bigdata.py --scale 1 --keep /tmp/big-pg     # once, ~2–4 minutes
    .venv/bin/python bench/pages_at_scale.py --data /tmp/big-pg [--runs 7] [--only plan,meetings]
    .venv/bin/python bench/pages_at_scale.py --url postgres://…/governance   # a server already up

In process: Django's test client on bench.settings (DEBUG off, as bench/harness.py sets them
up) against the loaded database, migrated first (a kept load predates newer indexes). Each page
as several roles of the generated organisation: the 管考 office (liaison of unit 2), the director
(head of unit 1), a unit head and a staff member (unit 12 at scale 1). Each page is requested
once to warm up, then `--runs` times: the median and p95 of the whole request (view and
template, no network) and the median CPU time of this process for one (steadier than the wall
time when the machine is shared; PostgreSQL's time is not in it); then the queries of one more
request, counted with CaptureQueriesContext. `--slow N` prints each page's N slowest
statements, to EXPLAIN. Figures of a shared machine: compare runs of the same machine and load.

Budget (issue step 14): p95 <= 200 ms, and a number of queries that does not grow with the data
(the tests check that at two sizes; this script gives the figures at one).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402
from pg import temporary_postgres  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BUDGET_MS = 200
# The people measured, found in the loaded data (bench/bigdata.py): the 管考 office and the
# director by their roles' groups, and the head and a staff member of unit 12 (or of the last
# unit of a smaller load).
ROLE_NAMES = ("tracking", "director", "head", "staff")
UNIT = 12


def people():
    """{role: username}, and the unit of the head and the staff member."""
    from governance.models import Membership, Unit, User
    from governance.roles import AgencyRole, UnitRole, group_name

    unit = Unit.objects.filter(pk__lte=UNIT).order_by("-pk").first()
    members = Membership.objects.filter(unit=unit).order_by("user_id")

    def in_group(role):
        return User.objects.filter(groups__name=group_name(role)).order_by("pk").first().username

    return {
        "tracking": in_group(AgencyRole.TRACKING_OFFICE),
        "director": in_group(AgencyRole.DIRECTOR),
        "head": members.filter(role=UnitRole.HEAD).first().user.username,
        "staff": members.filter(role=UnitRole.STAFF).first().user.username,
    }, unit.pk


def pages(unit):
    """(app, page, url, roles) of the pages measured, their ids read from the loaded data."""
    from meetings.models import GroupMeeting, MeetingDecision
    from plan.models import Plan, PlanDraft, PlanPractice
    from plan.practice_reports import current_version, default_period

    plan = Plan.objects.order_by("-roc_year").first()
    version = current_version(plan)
    period = default_period(plan)
    practice = PlanPractice.objects.filter(item__area__version=version, units=unit).order_by("pk").first()
    held = (
        GroupMeeting.objects.filter(
            state=GroupMeeting.State.HELD, pk__in=MeetingDecision.objects.values("meeting")
        )
        .order_by("-scheduled_for")
        .first()
    )
    scheduled = (
        GroupMeeting.objects.filter(state=GroupMeeting.State.SCHEDULED).order_by("scheduled_for").first()
    )
    everyone = list(ROLE_NAMES)
    overseers = ["tracking", "director"]
    result = [
        ("audits", "audits list", "/audits/", everyone),
        ("audits", "all findings", "/audits/findings/", overseers),
        ("audits", "unit findings", "/audits/findings/unit/", ["head", "staff"]),
        # The current year by default; the data's last year (ten years end in 2025) is full.
        ("dashboard", "dashboard", "/dashboard/", ["tracking", "director", "head"]),
        (
            "dashboard",
            "dashboard, data's last year",
            f"/dashboard/?year={plan.roc_year}",
            ["tracking", "head"],
        ),
        (
            "dashboard",
            "dashboard, one unit",
            f"/dashboard/?year={plan.roc_year}&unit={unit}",
            ["tracking"],
        ),
        ("plan", "plans", "/plan/", everyone),
        ("plan", "plan (grid)", f"/plan/{plan.roc_year}/", everyone),
        ("plan", "plan changes", f"/plan/{plan.roc_year}/v{version.number}/changes/", ["tracking"]),
        ("plan", "unit reports", "/plan/reports/", ["tracking", "head", "staff"]),
        ("plan", "quarter (grid)", "/plan/reports/quarter/", overseers),
        (
            "plan",
            "practice report",
            f"/plan/reports/practices/{practice.pk}/units/{unit}/{period}/",
            ["tracking", "head", "staff"],
        ),
        ("meetings", "meetings", "/meetings/", everyone),
        ("meetings", "meeting (held)", f"/meetings/{held.pk}/", everyone),
    ]
    if scheduled is not None:
        result += [
            ("meetings", "meeting (scheduled)", f"/meetings/{scheduled.pk}/", ["tracking"]),
            ("meetings", "agenda", f"/meetings/{scheduled.pk}/agenda/", ["tracking"]),
            ("meetings", "record", f"/meetings/{scheduled.pk}/record/", ["tracking"]),
        ]
    draft = PlanDraft.objects.order_by("-roc_year").first()
    if draft is not None:
        result.append(("plan", "draft", f"/plan/drafts/{draft.roc_year}/", ["tracking"]))
    return result


def measure(client, url, runs, slow):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: caches, the session
    if response.status_code != 200:
        return {"status": response.status_code}
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    result = {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(harness.percentile(times, 95), 1),
        # This process's CPU (the view, the template, the driver; not PostgreSQL's): steadier
        # than the wall time on a shared machine.
        "cpu_ms": round(statistics.median(cpu), 1),
        "queries": len(ctx.captured_queries),
        "kb": round(len(response.content) / 1024, 1),
    }
    if slow:
        ordered = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
        result["slowest"] = [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"]} for q in ordered[:slow]
        ]
    return result


def run(url, runs, only, slow):
    harness.setup_django(url, ALLOWED_HOSTS="127.0.0.1,testserver")
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from governance.models import User

    # No static files are collected here: plain names instead of the manifest's (a dictionary
    # look-up either way), as tests/settings.py does.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()

    call_command("migrate", verbosity=0)
    usernames, unit = people()
    clients = {}
    for role, username in usernames.items():
        clients[role] = Client()
        clients[role].force_login(User.objects.get(username=username))
    rows = []
    for app, page, path, roles in pages(unit):
        if only and app not in only:
            continue
        for role in roles:
            figures = measure(clients[role], path, runs, slow)
            row = {"app": app, "page": page, "role": role, "url": path, **figures}
            rows.append(row)
            shown = {k: v for k, v in row.items() if k != "slowest"}
            print(json.dumps(shown, ensure_ascii=False), flush=True)
            for q in row.get("slowest", []):
                print(f"    {q['ms']} ms  {q['sql'][:400]}", flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--data", help="data directory kept by bench/bigdata.py --keep")
    where.add_argument("--url", help="DATABASE_URL of a loaded database already running")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", default="", help="apps to measure, comma-separated")
    parser.add_argument("--slow", type=int, default=0, help="print each page's N slowest statements")
    args = parser.parse_args()
    only = {a for a in args.only.split(",") if a}
    started = time.perf_counter()
    if args.url:
        rows = run(args.url, args.runs, only, args.slow)
    else:
        with temporary_postgres(data_dir=args.data, keep=True) as url:
            rows = run(url, args.runs, only, args.slow)
    over = [r for r in rows if r.get("p95_ms", 0) > BUDGET_MS or "status" in r]
    report = {
        "source": harness.source_version("audits", "dashboard", "plan", "meetings"),
        "runs": args.runs,
        "seconds": round(time.perf_counter() - started, 1),
        "pages": rows,
        "over_budget": [f"{r['page']} ({r['role']})" for r in over],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages_at_scale.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "pages"}, ensure_ascii=False, indent=2))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
