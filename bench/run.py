"""Benchmarks: prints JSON figures and writes them to bench/results/.

Inbox benchmark (issue step 1): on a throw-away PostgreSQL server, N synthetic
open tasks (10,000, 100,000, 1,000,000 by default; bench/load.py) of the
benchmark's own flow. For a typical user (readers-head, 300 tasks in the inbox)
and a heavy one (planning-head, 3 % of N in the inbox and the unit's queue of
27 % of N), the inbox and queue pages are requested through gunicorn over HTTP:
median and p95 of the whole request, SQL queries per page (counted in process
with the same code and data), HTML size. viewflow's stock inbox and queue are
measured in the same run on the same data, and reported as ratios.

    .venv/bin/python bench/run.py [--sizes 10000,100000,1000000] [--repeat 40]

The to-do list (issue step 9) is measured on the same data, with 100,000 open duties of
the other kinds beside the tasks (bench/duties.py: contributions owed to findings, meeting
follow-up actions): its page and the menu's count, for both users.

Budget: p95 <= 100 ms at 1,000,000 on PostgreSQL for both users, <= 12 queries
per page whatever N and the page size (the to-do list: the same number of queries at every N
and page size), HTML < 200 KB.
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
from harness import Server, percentile, session_cookie  # noqa: E402
from pg import temporary_postgres  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BUDGET = {"p95_ms_at_1m": 100, "queries_per_page": 12, "html_bytes": 200_000}
USERS = {"typical": "readers-head", "heavy": "planning-head"}
SETTINGS = "bench.settings_stock"  # our pages and viewflow's stock ones under /stock/


def setup_django(database_url):
    harness.setup_django(database_url, DJANGO_SETTINGS_MODULE=SETTINGS)


def load_params():
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from viewflow.workflow.fields import get_flow_ref, get_task_ref

    from bench.benchflow.flows import BenchFlow
    from governance.models import Unit, User

    units = dict(Unit.objects.values_list("code", "pk"))
    heads = {code: User.objects.get(username=f"{code}-head").pk for code in units}
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM viewflow_process")
        p0 = cur.fetchone()[0] + 1_000_000
        cur.execute("SELECT coalesce(max(id), 0) FROM viewflow_task")
        t0 = cur.fetchone()[0] + 1_000_000
    return (
        units,
        heads,
        {
            "p0": p0,
            "t0": t0,
            "flow_ref": get_flow_ref(BenchFlow),
            "task_prefix": get_task_ref(BenchFlow.step_1)[: -len("1")],
            "perm": "governance.review_unit_cases",
            "unit_ct": ContentType.objects.get_for_model(Unit).pk,
            "base": "2026-11-01T00:00:00+08:00",
        },
    )


def grant_stock_view(heads):
    """viewflow's stock pages demand the flow's view permission; ours scope by grants."""
    from django.contrib.auth.models import Permission

    from governance.models import User

    view = Permission.objects.get(codename="view_benchprocess")
    for username in USERS.values():
        User.objects.get(username=username).user_permissions.add(view)


def count_queries(username, url):
    """SQL queries and HTML size of one page, in process, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from governance.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # The session read and the user lookup are part of every request.
    return len(ctx.captured_queries)


def selector_queries(username, size):
    """Queries of the inbox and queue selectors alone at a given page size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance import inbox
    from governance.models import User

    user = User.objects.get(username=username)
    figures = {}
    for name, page in (("inbox", inbox.inbox_page), ("queue", inbox.queue_page)):
        user = User.objects.get(pk=user.pk)  # no cached grants
        with CaptureQueriesContext(connection) as ctx:
            result = page(user, size=size)
        figures[name] = {"queries": len(ctx.captured_queries), "rows": len(result.rows)}
    return figures


def measure(server, url, cookie, repeat, warmup=2):
    for _ in range(warmup):
        server.request(url, cookie)
    times, size = [], 0
    for _ in range(repeat):
        elapsed, body = server.request(url, cookie)
        times.append(elapsed)
        size = len(body)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "html_bytes": size,
        "requests": repeat,
    }


def todo_queries(username, size):
    """Queries and rows of the to-do list's selector alone at a given page size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance import todo
    from governance.models import User

    user = User.objects.get(username=username)  # no cached grants
    with CaptureQueriesContext(connection) as ctx:
        page = todo.todo_page(user, size=size)
    return {"queries": len(ctx.captured_queries), "rows": len(page.items), "count": page.count}


def open_task_counts(heads):
    from viewflow.workflow.models import Task

    counts = {}
    for kind, username in USERS.items():
        code = username.rsplit("-", 1)[0]
        counts[kind] = {
            "inbox": Task.objects.filter(owner_id=heads[code], status="ASSIGNED").count(),
        }
    counts["open_total"] = Task.objects.filter(status__in=["NEW", "ASSIGNED"]).count()
    return counts


def inbox_benchmark(database_url, sizes, repeat, stock_repeat):
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    sys.path.insert(0, str(ROOT / "bench"))
    import duties
    import load

    from governance.demo import seed_organisation
    from governance.rocdate import today_taipei

    call_command("migrate", verbosity=0)
    seed_organisation()  # the people only: demo proposals would add rows of another flow
    started = time.perf_counter()
    other_duties = duties.load(today_taipei(), USERS.values())
    other_duties["load_s"] = round(time.perf_counter() - started, 1)
    units, heads, params = load_params()
    grant_stock_view(heads)
    with connection.cursor() as cur:
        load.prepare(cur, units, heads)
    connection.commit() if not connection.get_autocommit() else None

    ours = {"inbox": reverse("workflow:inbox"), "queue": reverse("workflow:queue")}
    todo_pages = {"todo": reverse("todo:index"), "todo_count": reverse("todo:count")}
    stock = {"inbox": "/stock/workflow/inbox/", "queue": "/stock/workflow/queue/"}
    server = Server(database_url, SETTINGS)
    results = []
    loaded = 0
    try:
        cookies = {kind: session_cookie(username) for kind, username in USERS.items()}
        for n in sizes:
            raw = connection.connection  # psycopg connection behind Django's
            started = time.perf_counter()
            phases = load.grow(raw, loaded + 1, n, params)
            loaded = n
            entry = {
                "open_tasks": n,
                "load_s": round(time.perf_counter() - started, 1),
                "load_phases_s": {k: round(v, 1) for k, v in phases.items()},
                "other_duties": other_duties,
                "users": {},
            }
            entry["open_tasks_check"] = open_task_counts(heads)
            for kind, username in USERS.items():
                figures = {}
                for page, url in ours.items():
                    figures[page] = measure(server, url, cookies[kind], repeat)
                    figures[page]["queries"] = count_queries(username, url)
                    stock_figures = measure(server, stock[page], cookies[kind], stock_repeat, 1)
                    figures[page]["stock"] = stock_figures
                    figures[page]["stock_over_ours_p95"] = round(
                        stock_figures["p95_ms"] / max(figures[page]["p95_ms"], 0.1), 1
                    )
                figures["selector_queries_by_page_size"] = {
                    size: selector_queries(username, size) for size in (10, 25, 100)
                }
                for page, url in todo_pages.items():
                    figures[page] = measure(server, url, cookies[kind], repeat)
                    figures[page]["queries"] = count_queries(username, url)
                figures["todo_queries_by_page_size"] = {
                    size: todo_queries(username, size) for size in (10, 25, 100)
                }
                entry["users"][f"{kind} ({username})"] = figures
            print(json.dumps(entry, ensure_ascii=False), flush=True)
            results.append(entry)
    finally:
        server.stop()
    return results


def verdict(results):
    worst_queries = max(
        max(page["queries"] for key, page in user.items() if key in ("inbox", "queue"))
        for entry in results
        for user in entry["users"].values()
    )
    worst_selector = max(
        fig["queries"]
        for entry in results
        for user in entry["users"].values()
        for by_size in user["selector_queries_by_page_size"].values()
        for fig in by_size.values()
    )
    largest_html = max(
        user[page]["html_bytes"]
        for entry in results
        for user in entry["users"].values()
        for page in ("inbox", "queue", "todo")
    )
    at_million = [e for e in results if e["open_tasks"] >= 1_000_000]
    worst_p95 = (
        max(
            user[p]["p95_ms"]
            for e in at_million
            for user in e["users"].values()
            for p in ("inbox", "queue", "todo", "todo_count")
        )
        if at_million
        else None
    )
    # The to-do list: one number of queries per user, whatever N and the page size.
    names = sorted({name for entry in results for name in entry["users"]})
    todo_page_counts = {
        name: sorted({e["users"][name]["todo"]["queries"] for e in results}) for name in names
    }
    todo_selector_counts = {
        name: sorted(
            {f["queries"] for e in results for f in e["users"][name]["todo_queries_by_page_size"].values()}
        )
        for name in names
    }
    todo_constant = all(len(v) == 1 for v in todo_page_counts.values()) and all(
        len(v) == 1 for v in todo_selector_counts.values()
    )
    return {
        "worst_p95_ms_at_1m": worst_p95,
        "worst_queries_per_page": max(worst_queries, worst_selector),
        "largest_html_bytes": largest_html,
        "todo_page_queries": todo_page_counts,
        "todo_selector_queries": todo_selector_counts,
        "todo_queries_constant": todo_constant,
        "budget": BUDGET,
        "within_budget": (
            (worst_p95 is None or worst_p95 <= BUDGET["p95_ms_at_1m"])
            and max(worst_queries, worst_selector) <= BUDGET["queries_per_page"]
            and largest_html < BUDGET["html_bytes"]
            and todo_constant
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--stock-repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with temporary_postgres() as url:
        setup_django(url)
        import django.db

        started = time.perf_counter()
        results = inbox_benchmark(url, sizes, args.repeat, args.stock_repeat)
        report = {
            "benchmark": "inbox",
            "database": "postgresql "
            + django.db.connection.cursor().connection.info.parameter_status("server_version"),
            "runs": results,
            "verdict": verdict(results),
            "seconds": round(time.perf_counter() - started, 1),
        }
        django.db.connections.close_all()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "inbox.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report["verdict"], ensure_ascii=False, indent=2))
    return 0 if report["verdict"]["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
