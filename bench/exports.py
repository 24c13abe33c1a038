"""Exports and PDFs at scale (issue step 14): time, size and peak memory of each, on
bench/bigdata.py's data in a throw-away PostgreSQL.

    .venv/bin/python bench/exports.py [--scale 1]

At scale 1 (30,000 proposals, 15,000 findings; loading takes about two minutes):
- the proposal export of the whole agency (/proposals/all/export/, 30,000 rows) and the finding
  export (/audits/findings/export/, 15,000 rows), as the 管考 office, in CSV, xlsx and ODS; and
  the same exports filtered to one year (?year=, about a tenth of the rows), to show that memory
  does not grow with the rows;
- the appraisal evidence PDF of a person with 50 items (bench.samples.synthetic_evidence for a
  person of the data) and the trail PDF of a proposal case of 500 events (appended here with
  governance.trail.record_event: the data has none that long).

Each figure comes from a fresh process that only does that one thing, through Django's test
client as the person (the middleware included), reading the response the way a server sends it,
block by block, and throwing each block away:
- time: wall time of the request and the reading of the whole body, tracemalloc off;
- peak (the budgeted figure): tracemalloc's peak of Python allocations during the request and
  the reading, in a second run of the same process kind with tracemalloc on;
- rss: the growth of the resident high-water mark (VmHWM, reset through /proc/self/clear_refs
  before the request) over the resident size just before it, in the timed run. It includes what
  tracemalloc does not see (libpq's result buffers, zlib, Pango and fonts for the PDFs) and what
  the allocator keeps, so it is a coarser figure; the PDFs' peak is the same reading.
Before measuring, each process makes one small export of the same kind (filtered to no rows) or
one small PDF, so that imports, templates and fonts are not counted as the export's memory.

Budget: an export's peak at full size <= 64 MB and <= 1.5 x its one-year figure (at scales
where a year holds several chunks of rows; below exports.CHUNK_SIZE rows memory still grows
with them); the evidence PDF within 5 s, the trail within 10 s. Prints a table, writes bench/results/exports.json, exits 1 when over.
"""

import argparse
import datetime
import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402
from pg import temporary_postgres  # noqa: E402

RESULTS = ROOT / "bench" / "results"
# The PDFs' seconds: the evidence is 6 pages, the trail 27 (WeasyPrint lays out about 4 pages a
# second here), on a machine of 2 cores shared with other work.
BUDGET = {
    "export_peak_mb": 64,
    "export_peak_ratio_to_one_year": 1.5,
    "pdf_seconds": {"evidence": 5, "trail": 10},
}
EXPORTS = {"proposals": "/proposals/all/export/", "findings": "/audits/findings/export/"}
FORMATS = ("csv", "xlsx", "ods")
EVIDENCE_ITEMS = 50
TRAIL_EVENTS = 500
TRAIL_REF = "115-9500"
TRAIL_NUMBER = "提115-9500"
TRAIL_TITLE = "閱覽區自助借書機增設中文語音導引與放大字體模式"
NOTHING = "查無此字串-bench"  # a search that matches no row: the warm-up export
MB = 1024 * 1024


# ---------------------------------------------------------------- one measurement (child)


def _status(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise LookupError(field)


def _measured(work, traced):
    """(result, figures) of work(): wall time, tracemalloc peak when traced, RSS growth."""
    gc.collect()
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # resets VmHWM to the current resident size
    before = _status("VmRSS")
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    figures = {"seconds": round(seconds, 3), "rss_mb": round((_status("VmHWM") - before) / MB, 1)}
    if traced:
        figures["peak_mb"] = round(tracemalloc.get_traced_memory()[1] / MB, 1)
        tracemalloc.stop()
    return result, figures


def _read(response):
    """The body as a server sends it, block by block, each thrown away: (bytes, blocks)."""
    assert response.status_code == 200, response.status_code
    assert response.streaming, "an export streams"
    size = blocks = 0
    for block in response.streaming_content:
        size += len(block)
        blocks += 1
    response.close()
    return size, blocks


def child(spec):
    harness.setup_django(os.environ["DATABASE_URL"])
    from django.test import Client

    from governance.models import User

    traced = spec["traced"]
    if spec["kind"] == "export":
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(pk=spec["user"]))
        url, params = spec["url"], {"format": spec["format"], **spec["filters"]}
        _read(client.get(url, {"format": spec["format"], "q": NOTHING}))
        (size, blocks), figures = _measured(lambda: _read(client.get(url, params)), traced)
        return {**figures, "bytes": size, "blocks": blocks}
    work = render_pdf(spec["kind"], spec["user"], spec["count"])
    content, figures = _measured(work, traced)
    return {**figures, "bytes": len(content), "pages": pdf_pages(content)}


def fixed_now():
    from governance.rocdate import TAIPEI

    return datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)


def render_pdf(kind, person_id, count):
    """What renders the PDF, once one small one of the same kind is made (fonts and templates
    loaded) and its input is ready."""
    from bench.samples import synthetic_evidence
    from evidence.documents import appraisal_evidence_pdf
    from governance import documents
    from governance.models import User
    from proposals.models import Proposal

    if kind == "evidence":
        person = User.objects.get(pk=person_id)
        appraisal_evidence_pdf(synthetic_evidence(person, 1, generated_at=fixed_now()))
        evidence = synthetic_evidence(person, count, generated_at=fixed_now())
        return lambda: appraisal_evidence_pdf(evidence)

    def trail(ref):
        return documents.case_trail_pdf(
            "proposal",
            ref,
            TRAIL_NUMBER,
            TRAIL_TITLE,
            details=[("提案單位", "企劃推廣組"), ("目前狀態", "執行中")],
            state_labels=dict(Proposal.State.choices),
            now=fixed_now(),
        )

    trail("115-9501")  # a case of one event
    return lambda: trail(TRAIL_REF)


def pdf_pages(data):
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


# ---------------------------------------------------------------- the run (parent)


def seed_trails(actor, head):
    """A proposal case of TRAIL_EVENTS events (progress reports and their approvals, an
    attachment every fifth), and one of a single event for the warm-up."""
    from pdf import record_progress_trail

    from governance import trail

    trail.record_event(
        case_kind="proposal", case_ref="115-9501", actor=actor, action="提出提案", comment=TRAIL_TITLE
    )
    record_progress_trail(TRAIL_REF, TRAIL_TITLE, actor, head, TRAIL_EVENTS)


def prepare():
    """Who exports, the year of the small figures, and the rows of each export."""
    from django.db.models import Count

    from audits.models import Finding
    from governance.models import User
    from governance.roles import AgencyRole, group_name
    from proposals.models import Proposal

    tracking = User.objects.filter(
        groups__name=group_name(AgencyRole.TRACKING_OFFICE), is_active=True
    ).first()
    head = User.objects.filter(username__endswith="-head").first() or tracking
    seed_trails(tracking, head)
    year = (
        Proposal.objects.values("roc_year")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("roc_year", flat=True)
    )[0]
    rows = {
        ("proposals", "all"): Proposal.objects.count(),
        ("proposals", "year"): Proposal.objects.filter(roc_year=year).count(),
        ("findings", "all"): Finding.objects.count(),
        ("findings", "year"): Finding.objects.filter(roc_year=year).count(),
    }
    return tracking.pk, year, rows


def run_child(spec, url):
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise RuntimeError(f"measurement failed: {spec}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(spec, url):
    """The timed run (time, RSS) and the traced run (tracemalloc peak) of one spec."""
    timed = run_child({**spec, "traced": False}, url)
    traced = run_child({**spec, "traced": True}, url)
    return {**timed, "peak_mb": traced["peak_mb"], "seconds_traced": traced["seconds"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0

    from bigdata import generate

    with temporary_postgres() as url:
        harness.setup_django(url)
        import django.db

        started = time.perf_counter()
        generate(args.scale)
        load_seconds = round(time.perf_counter() - started, 1)
        user, year, rows = prepare()
        django.db.connections.close_all()

        exports, pdfs = [], []
        for name, path in EXPORTS.items():
            for size, filters in (("year", {"year": year}), ("all", {})):
                for fmt in FORMATS:
                    spec = {"kind": "export", "url": path, "format": fmt, "filters": filters, "user": user}
                    figures = measure(spec, url)
                    exports.append(
                        {"export": name, "size": size, "rows": rows[(name, size)], "format": fmt, **figures}
                    )
                    print(json.dumps(exports[-1], ensure_ascii=False), file=sys.stderr, flush=True)
        for kind, count in (("evidence", EVIDENCE_ITEMS), ("trail", TRAIL_EVENTS)):
            figures = measure({"kind": kind, "user": user, "count": count}, url)
            pdfs.append({"pdf": kind, "items": count, **figures})
            print(json.dumps(pdfs[-1], ensure_ascii=False), file=sys.stderr, flush=True)

    over = check(exports, pdfs)
    report = {
        "scale": args.scale,
        "load_seconds": load_seconds,
        "year_of_the_small_figures": year,
        "budget": BUDGET,
        "exports": exports,
        "pdfs": pdfs,
        "over_budget": over,
        "commit": harness.source_version("governance", "proposals", "audits", "bench"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "exports.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(table(exports, pdfs))
    for line in over:
        print("OVER BUDGET:", line)
    return 1 if over else 0


def check(exports, pdfs):
    over = []
    by_key = {(e["export"], e["size"], e["format"]): e for e in exports}
    for (name, size, fmt), e in by_key.items():
        if size != "all":
            continue
        small = by_key[(name, "year", fmt)]
        if e["peak_mb"] > BUDGET["export_peak_mb"]:
            over.append(f"{name} {fmt}: peak {e['peak_mb']} MB > {BUDGET['export_peak_mb']} MB")
        limit = BUDGET["export_peak_ratio_to_one_year"] * small["peak_mb"]
        if e["peak_mb"] > limit:
            over.append(f"{name} {fmt}: peak {e['peak_mb']} MB > {limit:.1f} MB (1.5 x {small['rows']} rows)")
    for p in pdfs:
        limit = BUDGET["pdf_seconds"][p["pdf"]]
        if p["seconds"] > limit:
            over.append(f"{p['pdf']} PDF: {p['seconds']} s > {limit} s")
    return over


def table(exports, pdfs):
    lines = [
        f"{'export':<10} {'rows':>7} {'format':<5} {'time s':>7} {'bytes':>11} {'peak MB':>8} {'rss MB':>7}",
    ]
    for e in exports:
        lines.append(
            f"{e['export']:<10} {e['rows']:>7} {e['format']:<5} {e['seconds']:>7.2f} {e['bytes']:>11,} "
            f"{e['peak_mb']:>8.1f} {e['rss_mb']:>7.1f}"
        )
    lines.append("")
    lines.append(
        f"{'pdf':<10} {'items':>7} {'pages':>5} {'time s':>7} {'bytes':>11} {'peak MB':>8} {'rss MB':>7}"
    )
    for p in pdfs:
        lines.append(
            f"{p['pdf']:<10} {p['items']:>7} {p['pages']:>5} {p['seconds']:>7.2f} {p['bytes']:>11,} "
            f"{p['peak_mb']:>8.1f} {p['rss_mb']:>7.1f}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
