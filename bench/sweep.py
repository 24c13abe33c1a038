"""Page sweep (issue step 14): every GET page of the site, as each role that may see it.

    .venv/bin/python bench/sweep.py [--sizes demo,medium,large] [--scale 1] [--requests 10]
                                    [--pages REGEX] [--roles REGEX] [--reuse demo]

Three sizes, each in its own throw-away PostgreSQL served by gunicorn (1 worker, DEBUG off,
bench/settings_sweep.py): "demo" (migrate + `seed_demo`, what `make run` shows), "medium"
(bench/bigdata.py at a tenth of --scale) and "large" (bench/bigdata.py at --scale). The pages are the URL resolver's patterns (the Django admin and
static files left out), their kwargs filled with real ids by the queries of FILL below — the
heaviest object where it matters (the case with the most trail events, the busiest meeting, the
person with the most evidence, the latest plan). A pattern none of them fills, or a view that
answers GET with 405, is listed as skipped with the reason.

Each page is asked once by each persona (PERSONAS: one per role, found by query at each size);
a persona that gets 403, 404 or a redirect does not see the page and is dropped for it. For the
rest: 2 warm-ups (the first is that probe), then --requests timed requests: median and p95 of
the whole request, the SQL statements it ran (bench/querycount.py's header, the median over the
requests), the body's size. Downloads (PDF, ODT, xlsx, ODS, CSV, zip, by content type) are
timed twice after the probe, as the first role that gets them (the others are listed), and
reported apart, without a budget: a document takes seconds, not milliseconds.

Budget, every other page: p95 <= 200 ms at each size, and no more queries at the large size
than at the medium size (the demo size when medium is not run) for the same page and role. A page answering 5xx fails too. Prints the
tables, writes bench/results/sweep.json, exits 1 over budget.
"""

import argparse
import io
import json
import logging
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402
from harness import percentile  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SETTINGS = "bench.settings_sweep"
BUDGET = {"p95_ms": 200, "queries": "large <= medium (or demo)"}
WARMUPS = 2
DOWNLOAD_REQUESTS = 2
DOWNLOAD_TYPES = (
    "application/pdf",
    "application/vnd.oasis.opendocument",
    "application/vnd.openxmlformats",
    "text/csv",
    "application/zip",
)
SKIP_ROUTES = re.compile(r"^(admin/|static/|media/)")
# The benchmarks' own flows (bench.settings adds them): not pages of the site.
SKIP_NAMES = re.compile(r"^workflow:flows:(bench|timerbare):")

# The personas: one per role. Demo: the demo logins (tests/authorization_table.py ROLES). Large:
# found by query (the unit people of the heaviest proposal's unit; the agency roles' groups).
ROLES = ("staff", "liaison", "head", "director", "tracking", "hr", "committee", "auditor", "admin")
DEMO_LOGINS = {
    "staff": "readers-staff1",
    "liaison": "readers-liaison",
    "head": "readers-head",
    "director": "director",
    "tracking": "tracking",
    "hr": "hr",
    "committee": "committee1",
    "auditor": "auditor",
    "admin": "admin",
}

# The heaviest proposal / finding / audit: the case with the most trail events.
HEAVIEST_CASE = (
    "SELECT case_ref::int FROM governance_trailhead WHERE case_kind = '{kind}' "
    "ORDER BY last_sequence DESC, case_ref LIMIT 1"
)
# URL name, or kwarg name (fallback) -> SQL returning one row of the pattern's kwargs, in the
# order of the SELECT's column names.
FILL = {
    "proposals:detail": HEAVIEST_CASE.format(kind="proposal"),
    "proposals:trail_pdf": HEAVIEST_CASE.format(kind="proposal"),
    "proposals:form_pdf": HEAVIEST_CASE.format(kind="proposal"),
    "proposals:form_odt": HEAVIEST_CASE.format(kind="proposal"),
    "proposals:correct_due_date": "SELECT id FROM proposals_proposal WHERE due_date IS NOT NULL "
    "AND state = 'executing' ORDER BY id DESC LIMIT 1",
    "proposals:edit": "SELECT id FROM proposals_proposal WHERE state = 'draft' ORDER BY id DESC LIMIT 1",
    "proposals:submit": "SELECT id FROM proposals_proposal WHERE state = 'draft' ORDER BY id DESC LIMIT 1",
    "proposals:withdraw": "SELECT id FROM proposals_proposal WHERE state = 'first_review' ORDER BY id DESC LIMIT 1",
    "proposals:attachment": "SELECT proposal_id, id FROM proposals_attachment ORDER BY id DESC LIMIT 1",
    "proposals:progress_file_remove": "SELECT proposal_id, id FROM proposals_attachment "
    "WHERE progress_report_id IS NOT NULL ORDER BY id DESC LIMIT 1",
    "audits:audit": "SELECT audit_id FROM audits_finding GROUP BY audit_id ORDER BY count(*) DESC, audit_id LIMIT 1",
    "audits:audit_attachment": "SELECT audit_id, id FROM audits_auditattachment ORDER BY id DESC LIMIT 1",
    "audits:meeting_record_pdf": "SELECT f.audit_id, i.meeting_id FROM audits_reviewmeetingitem i "
    "JOIN audits_finding f ON f.id = i.finding_id GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1",
    "audits:meeting_record_odt": "SELECT f.audit_id, i.meeting_id FROM audits_reviewmeetingitem i "
    "JOIN audits_finding f ON f.id = i.finding_id GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1",
    "audits:finding": HEAVIEST_CASE.format(kind="finding"),
    "audits:finding_trail_pdf": HEAVIEST_CASE.format(kind="finding"),
    "audits:contribute": "SELECT finding_id FROM audits_contribution ORDER BY id DESC LIMIT 1",
    "audits:finding_attachment": "SELECT finding_id, id FROM audits_findingattachment ORDER BY id DESC LIMIT 1",
    "audits:finding_file_remove": "SELECT finding_id, id FROM audits_findingattachment "
    "WHERE progress_round_id IS NOT NULL ORDER BY id DESC LIMIT 1",
    "audits:finding_correct_due_date": "SELECT id FROM audits_finding WHERE state = 'in_progress' "
    "ORDER BY id DESC LIMIT 1",
    # An audit's own pages (correct, withdraw, status table, reply letter): the biggest audit.
    "audits:pk": "SELECT audit_id FROM audits_finding GROUP BY audit_id ORDER BY count(*) DESC, audit_id LIMIT 1",
    # The plan: the latest year and its latest version; a draft if any.
    "plan:draft": "SELECT roc_year FROM plan_plandraft ORDER BY roc_year DESC LIMIT 1",
    "plan:draft_start": "SELECT max(p.roc_year) FROM governance_plan p",
    "plan:roc_year": "SELECT p.roc_year, v.number FROM governance_plan p JOIN governance_planversion v "
    "ON v.plan_id = p.id ORDER BY p.roc_year DESC, v.number DESC LIMIT 1",
    "plan:report_practice": "SELECT practice_id, unit_id, period FROM governance_practicereport "
    "ORDER BY period DESC, id DESC LIMIT 1",
    "plan:report_submit": "SELECT practice_id, unit_id, period FROM governance_practicereport "
    "ORDER BY period DESC, id DESC LIMIT 1",
    "plan:report_officers": "SELECT practice_id, unit_id, period FROM governance_practicereport "
    "ORDER BY period DESC, id DESC LIMIT 1",
    "plan:report_attachment_remove": "SELECT report_id, id FROM governance_practicereportattachment "
    "ORDER BY id DESC LIMIT 1",
    "plan:report_review": "SELECT id FROM governance_practicereport WHERE confirmed_by_id IS NULL "
    "ORDER BY period DESC, id DESC LIMIT 1",
    "plan:report_attachment": "SELECT report_id, id FROM governance_practicereportattachment ORDER BY id DESC LIMIT 1",
    # The busiest meeting: the most agenda items and decisions.
    "meetings:pk": "SELECT m.id FROM governance_groupmeeting m "
    "LEFT JOIN governance_meetingdecision d ON d.meeting_id = m.id "
    "GROUP BY m.id ORDER BY count(d.id) DESC, m.id DESC LIMIT 1",
    # A meeting still to be held: its agenda (what propose_agenda finds over every open case),
    # record, change and cancel pages answer only then.
    **dict.fromkeys(
        ("meetings:agenda", "meetings:record", "meetings:change", "meetings:cancel"),
        "SELECT id FROM governance_groupmeeting WHERE state = 'scheduled' ORDER BY scheduled_for, id LIMIT 1",
    ),
    "meetings:action_complete": "SELECT id FROM governance_meetingdecision WHERE action_unit_id IS NOT NULL "
    "ORDER BY id DESC LIMIT 1",
    "meetings:self_assessment_pdf": "SELECT v.id FROM governance_planversion v JOIN governance_plan p "
    "ON p.id = v.plan_id ORDER BY p.roc_year DESC, v.number DESC LIMIT 1",
    "meetings:execution_report_pdf": "SELECT v.id FROM governance_planversion v JOIN governance_plan p "
    "ON p.id = v.plan_id ORDER BY p.roc_year DESC, v.number DESC LIMIT 1",
    # The person with the most evidence documents.
    "evidence:pdf": "SELECT u.id FROM governance_user u LEFT JOIN governance_evidencedocument e "
    "ON e.person_id = u.id GROUP BY u.id ORDER BY count(e.id) DESC, u.id LIMIT 1",
    "evidence:pk": "SELECT batch_id FROM governance_evidencebatchitem GROUP BY batch_id "
    "ORDER BY count(*) DESC LIMIT 1",
    "verify:code": "SELECT code FROM governance_issueddocument ORDER BY id DESC LIMIT 1",
}
# viewflow's pages: the flow's process with the most tasks; a task of the node, open first.
FLOWS = {
    "proposal": "proposals.flows.ProposalFlow",
    "remediation": "audits.flows.RemediationFlow",
    "reply": "audits.flows.ReplyFlow",
}
PROCESS_SQL = (
    "SELECT p.id FROM viewflow_process p LEFT JOIN viewflow_task t ON t.process_id = p.id "
    "WHERE p.flow_class = %s GROUP BY p.id ORDER BY count(t.id) DESC, p.id DESC LIMIT 1"
)
TASK_SQL = (
    "SELECT process_id, id FROM viewflow_task WHERE flow_task = %s "
    "ORDER BY status IN ('NEW', 'ASSIGNED', 'STARTED') DESC, id DESC LIMIT 1"
)


# ---------------------------------------------------------------- in the size's own process


def patterns():
    """(URL name, route) of every pattern, the admin and static files left out."""
    from django.urls import URLResolver, get_resolver

    def walk(items, prefix, namespace):
        for p in items:
            if isinstance(p, URLResolver):
                ns = namespace + (f"{p.namespace}:" if p.namespace else "")
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            else:
                yield namespace + (p.name or "?"), prefix + str(p.pattern)

    seen = set()
    for name, route in walk(get_resolver().url_patterns, "", ""):
        if (
            SKIP_ROUTES.match(route)
            or SKIP_NAMES.match(name)
            or route.startswith("^")
            or (name, route) in seen
        ):
            continue
        seen.add((name, route))
        yield name, route


def fill(name, route, cursor):
    """The page's URL with real ids, or (None, why not)."""
    from django.utils.module_loading import import_string
    from viewflow.workflow.fields import get_flow_ref, get_task_ref

    keys = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if not keys:
        return "/" + route, None
    app = name.split(":")[0]
    sql, params = None, ()
    match = re.match(r"workflow:flows:(\w+):(?:(\w+):)?\w+$", name)
    if match and match.group(1) in FLOWS:
        flow = import_string(FLOWS[match.group(1)])
        if keys == ["process_pk"]:
            sql, params = PROCESS_SQL, (get_flow_ref(flow),)
        elif keys == ["process_pk", "task_pk"] and match.group(2):
            node = getattr(flow, match.group(2), None)
            if node is None:
                return None, f"no node {match.group(2)}"
            sql, params = TASK_SQL, (get_task_ref(node),)
    else:
        sql = FILL.get(name) or FILL.get(f"{app}:{keys[0]}") or FILL.get(keys[0])
    if sql is None:
        return None, f"no query in FILL for {name} ({', '.join(keys)})"
    cursor.execute(sql, params)
    row = cursor.fetchone()
    if row is None or row[0] is None:
        return None, "no such row at this size"
    if len(row) < len(keys):
        return None, f"FILL for {name} gives {len(row)} of {len(keys)} kwargs"
    url = route
    for key, value in zip(keys, row[: len(keys)], strict=True):
        url = re.sub(rf"<(?:\w+:)?{key}>", str(value), url, count=1)
    return "/" + url, None


def complete(people):
    """Rows that no load writes but pages show, made here at every size: next year's plan draft,
    started by the 管考 office from the latest plan through the service (a copy of its 60
    practices at large), and an evidence batch of everyone for the latest year, finished, whose
    rows are written directly (rendering 3,000 PDFs would take most of an hour; the batch's
    pages read the rows, and its ZIP gets a small PDF a person); and an issued document, for the
    verification page: the first person's evidence PDF, made as HR makes it."""
    from django.utils import timezone

    from evidence.documents import appraisal_evidence_pdf
    from evidence.models import EvidenceBatch, EvidenceBatchItem
    from evidence.selectors import appraisal_evidence, people_ids_in_period
    from governance.models import User
    from governance.periods import period_of_year
    from governance.rocdate import roc_year
    from plan.models import Plan, PlanDraft
    from plan.services import start_next_year_draft

    tracking = User.objects.get(username=people["tracking"])
    plan = Plan.objects.order_by("-roc_year").first()
    if plan and not PlanDraft.objects.filter(roc_year=plan.roc_year + 1).exists():
        start_next_year_draft(actor=tracking, plan=plan)
    start, end = period_of_year(plan.roc_year if plan else roc_year(timezone.localdate()))
    hr = User.objects.get(username=people["hr"])
    batch = EvidenceBatch.objects.create(requested_by=hr, start=start, end=end)
    now = timezone.now()
    pdf = b"%PDF-1.4\n%sweep\n"
    EvidenceBatchItem.objects.bulk_create(
        EvidenceBatchItem(
            batch=batch,
            person_id=person_id,
            position=n,
            filename=f"sweep-{person_id}.pdf",
            content=pdf,
            done_at=now,
        )
        for n, (person_id, _unit_id) in enumerate(people_ids_in_period(start, end), start=1)
    )
    first = batch.items.order_by("position").first().person
    appraisal_evidence_pdf(appraisal_evidence(first, start, end), generated_by=hr)


def personas(size):
    """role -> username, found in the database."""
    from django.contrib.auth.models import Group

    from governance.models import Membership, User
    from governance.roles import AgencyRole, UnitRole, group_name

    if size == "demo":
        return {
            role: login for role, login in DEMO_LOGINS.items() if User.objects.filter(username=login).exists()
        }
    from django.db import connection

    from proposals.models import Proposal

    with connection.cursor() as cursor:
        cursor.execute(HEAVIEST_CASE.format(kind="proposal"))
        proposal = Proposal.objects.get(pk=cursor.fetchone()[0])
    # People of that unit who hold no agency role: the agency roles have their own personas.
    unit_people = Membership.objects.filter(unit=proposal.unit_id, user__groups__isnull=True)
    submitter = unit_people.filter(user=proposal.submitter_id, role=UnitRole.STAFF).first()
    found = {
        "staff": (
            submitter or unit_people.filter(role=UnitRole.STAFF).order_by("user").first()
        ).user.username,
        "liaison": unit_people.filter(role=UnitRole.LIAISON).order_by("user").first().user.username,
        "head": unit_people.filter(role=UnitRole.HEAD).order_by("user").first().user.username,
    }
    agency = {
        "director": AgencyRole.DIRECTOR,
        "tracking": AgencyRole.TRACKING_OFFICE,
        "hr": AgencyRole.HR,
        "committee": AgencyRole.COMMITTEE,
        "auditor": AgencyRole.AUDITOR,
        "admin": AgencyRole.ADMINISTRATOR,
    }
    for role, agency_role in agency.items():
        user = User.objects.filter(groups__name=group_name(agency_role)).order_by("pk").first()
        if user is None and role == "admin":
            # bigdata makes no administrator: one as the demo's (staff, in the group, no superuser).
            user = User.objects.create_user("sweep-admin", password="bigdata-password", is_staff=True)
            user.groups.add(Group.objects.get(name=group_name(agency_role)))
        if user is not None:
            found[role] = user.username
    return found


def load(size, scale):
    from django.core.management import call_command

    started = time.perf_counter()
    logging.disable(logging.INFO)  # the eager tasks' log lines
    if size == "demo":
        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
    else:
        import bigdata

        bigdata.generate(scale / 10 if size == "medium" else scale)
    return round(time.perf_counter() - started, 1)


def request(port, url, cookie):
    """(status, headers, body, milliseconds): one GET, no redirect followed, body uncompressed."""
    response, body, elapsed = harness.get(port, url, cookie)
    return response.status, response, body, elapsed


def is_download(content_type):
    return content_type.startswith(DOWNLOAD_TYPES)


def measure(port, url, cookie, n, warmups):
    """The figures of n timed requests after `warmups` more (the probe was the first)."""
    times, queries, size, content_type = [], [], 0, ""
    for i in range(warmups + n):
        status, response, body, elapsed = request(port, url, cookie)
        if status != 200:
            raise RuntimeError(f"{url}: HTTP {status} on request {i + 1}")
        if i >= warmups:
            times.append(elapsed)
            queries.append(int(response.getheader("X-Query-Count", "-1")))
        size, content_type = len(body), response.getheader("Content-Type", "")
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "queries": int(statistics.median(queries)),
        "queries_range": [min(queries), max(queries)],
        "bytes": size,
        "content_type": content_type.split(";")[0],
    }


def run_size(size, args):
    from pg import temporary_postgres

    out = {"size": size, "skipped": [], "rows": [], "errors": []}
    with temporary_postgres() as url:
        harness.setup_django(url, DJANGO_SETTINGS_MODULE=SETTINGS)
        import django.db

        out["load_s"] = load(size, args.scale)
        people = personas(size)
        out["personas"] = people
        complete(people)
        pages = []
        with django.db.connection.cursor() as cursor:
            for name, route in patterns():
                if args.pages and not re.search(args.pages, name + " /" + route):
                    continue
                page_url, why = fill(name, route, cursor)
                if page_url is None:
                    out["skipped"].append({"page": name, "route": "/" + route, "reason": why})
                else:
                    pages.append((name, page_url))
        cookies = {
            role: harness.session_cookie(username)
            for role, username in people.items()
            if not args.roles or re.search(args.roles, role)
        }
        django.db.connections.close_all()
        # One worker: the requests are serial, and with two a page's timed requests could
        # reach the worker its warm-ups missed, cold (its first render of that template): the
        # single 260–350 ms outliers of the earlier sweeps.
        server = harness.Server(url, SETTINGS, workers=1)
        try:
            started = time.perf_counter()
            seen_urls = set()
            for name, page_url in pages:
                if page_url in seen_urls:  # two names, one URL (plan:index twice)
                    continue
                seen_urls.add(page_url)
                answers = {}
                for role, cookie in cookies.items():
                    status, response, _body, _ms = request(server.port, page_url, cookie)
                    answers[role] = status
                    if status == 405:
                        break
                    if status >= 500:
                        out["errors"].append({"page": name, "url": page_url, "role": role, "status": status})
                        continue
                    if status != 200:
                        continue
                    download = is_download(response.getheader("Content-Type", ""))
                    if download and any(r["url"] == page_url for r in out["rows"]):
                        # A document is timed once, as the first role that gets it.
                        out["rows"][-1]["also_for"].append(role)
                        continue
                    try:
                        if download:
                            figures = measure(server.port, page_url, cookie, DOWNLOAD_REQUESTS, warmups=0)
                        else:
                            figures = measure(
                                server.port, page_url, cookie, args.requests, warmups=WARMUPS - 1
                            )
                    except RuntimeError as error:
                        out["errors"].append(
                            {"page": name, "url": page_url, "role": role, "error": str(error)}
                        )
                        continue
                    out["rows"].append(
                        {
                            "page": name,
                            "url": page_url,
                            "role": role,
                            "download": download,
                            "also_for": [],
                            **figures,
                        }
                    )
                    print(
                        f"{size} {name} {role}: {figures['median_ms']}/{figures['p95_ms']} ms "
                        f"{figures['queries']} q {figures['bytes'] / 1000:.1f} KB",
                        file=sys.stderr,
                        flush=True,
                    )
                if 405 in answers.values():
                    out["skipped"].append({"page": name, "route": page_url, "reason": "GET answers 405"})
                elif not any(s == 200 for s in answers.values()) and not any(
                    s >= 500 for s in answers.values()
                ):
                    codes = ", ".join(f"{r} {s}" for r, s in answers.items())
                    out["skipped"].append(
                        {"page": name, "route": page_url, "reason": f"no persona sees it ({codes})"}
                    )
            out["sweep_s"] = round(time.perf_counter() - started, 1)
        finally:
            server.stop()
    return out


# ---------------------------------------------------------------- the report


def kb(row):
    return f"{row['bytes'] / 1000:.1f}" if row else ""


def table(results, download):
    sizes = [r["size"] for r in results]
    keyed = {}
    for r in results:
        for row in r["rows"]:
            if row["download"] == download:
                keyed.setdefault((row["page"], row["role"]), {})[r["size"]] = row
    lines, over = [], []
    head = (
        "| page | role | " + " | ".join(f"{s} median / p95 ms | {s} queries | {s} KB" for s in sizes) + " | |"
    )
    lines += [head, "|" + "---|" * (head.count("|") - 1)]
    for (page, role), cells in sorted(keyed.items()):
        marks = []
        if not download:
            for s, row in cells.items():
                if row["p95_ms"] > BUDGET["p95_ms"]:
                    marks.append(f"p95 {s}")
            # Growth is read between the generator's two sizes when both ran: the same kinds of
            # people with the same kinds of duties, ten times the rows. Against the demo, a
            # persona who owes nothing of a kind there (the demo's committee member) skips that
            # kind's read of rows, which is not growth.
            base = "medium" if "medium" in cells else "demo"
            if base in cells and "large" in cells and cells["large"]["queries"] > cells[base]["queries"]:
                marks.append(f"queries grow ({base} → large)")
        if marks:
            over.append({"page": page, "role": role, "why": marks, "figures": cells})
        parts = []
        for s in sizes:
            row = cells.get(s)
            parts.append(
                f"{row['median_ms']:.0f} / {row['p95_ms']:.0f} | {row['queries']} | {kb(row)}"
                if row
                else " | | "
            )
        also = sorted({r for row in cells.values() for r in row.get("also_for", [])})
        role_cell = role + (f" (also {', '.join(also)})" if also else "")
        lines.append(
            f"| {page} | {role_cell} | "
            + " | ".join(parts)
            + f" | {'**over: ' + ', '.join(marks) + '**' if marks else ''} |"
        )
    return lines, over


def report(results, args):
    pages, over = table(results, download=False)
    downloads, _ = table(results, download=True)
    print("\n## Pages (budget: p95 <= 200 ms; queries at large <= at medium, or at demo)\n")
    print("\n".join(pages))
    print("\n## Downloads (no budget)\n")
    print("\n".join(downloads))
    for r in results:
        print(f"\n## Skipped at {r['size']} ({len(r['skipped'])})\n")
        for s in r["skipped"]:
            print(f"- {s['page']} `{s['route']}`: {s['reason']}")
        if r["errors"]:
            print(f"\n## Errors at {r['size']}\n")
            for e in r["errors"]:
                print(f"- {e}")
    errors = sum(len(r["errors"]) for r in results)
    print(
        f"\n{len(over)} (page, role) over budget, {errors} errors; "
        + ", ".join(f"{r['size']}: load {r['load_s']} s, sweep {r['sweep_s']} s" for r in results)
    )
    return over, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="demo,medium,large")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--pages", help="only pages whose URL name or route matches this regex")
    parser.add_argument("--roles", help="only personas whose role matches this regex")
    parser.add_argument("--reuse", help="sizes not run again: their last bench/results/sweep-SIZE.json")
    parser.add_argument("--one-size", help=argparse.SUPPRESS)  # the child process of one size
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.one_size:
        out = run_size(args.one_size, args)
        (RESULTS / f"sweep-{args.one_size}.json").write_text(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    started = time.perf_counter()
    results = []
    # One process per size: Django is set up once per process, on one database.
    for size in args.sizes.split(","):
        if size in (args.reuse or "").split(","):
            results.append(json.loads((RESULTS / f"sweep-{size}.json").read_text()))
            continue
        child = [sys.executable, __file__, "--one-size", size, "--scale", str(args.scale)]
        child += ["--requests", str(args.requests)]
        child += ["--pages", args.pages] if args.pages else []
        child += ["--roles", args.roles] if args.roles else []
        subprocess.run(child, check=True)
        results.append(json.loads((RESULTS / f"sweep-{size}.json").read_text()))
    over, errors = report(results, args)
    summary = {
        "source": harness.source_version(
            "bench", "governance", "proposals", "audits", "plan", "meetings", "evidence"
        ),
        "scale": args.scale,
        "requests": args.requests,
        "budget": BUDGET,
        "total_s": round(time.perf_counter() - started, 1),
        "over_budget": over,
        "sizes": results,
    }
    (RESULTS / "sweep.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    print(f"total {summary['total_s']} s; bench/results/sweep.json")
    return 1 if over or errors else 0


if __name__ == "__main__":
    sys.exit(main())
