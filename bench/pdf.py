"""Benchmarks: our PDF documents against WeasyPrint rendering the same HTML with its defaults.

On SQLite in a temporary folder with the demo organisation (seed_organisation, no demo
proposals), two documents:
- the appraisal evidence (考績佐證) of one person: an Evidence of 30 made-up items, built
  as tests/evidence/test_pdf.py's 30-item timing test builds it (about 3 pages);
- the trail of one proposal case of 200 events, appended with governance.trail.record_event
  (case_kind "proposal", no Proposal row: case_trail_pdf takes kind, ref, number and title).

"Ours" is the whole path: documents.appraisal_evidence_pdf (context, template, our
SafeURLFetcher, WeasyPrint, and the EvidenceDocument row it records) and
documents.case_trail_pdf (reading the events, checking the hash chain, context, template,
fetcher, WeasyPrint), which writes PDF/A-2b (governance.pdf.PDF_VARIANT, with its metadata).
"Plain" is `weasyprint.HTML(string=html).write_pdf()` with its defaults (default url_fetcher,
no base_url, no PDF variant) on the exact HTML string our path renders (captured from our own
render_pdf_html call, and checked against render_to_string of the same context). "Plain PDF/A"
is the same call with `pdf_variant=` our variant: what the archival format costs in WeasyPrint
itself, apart from our path. Each run's output is checked: ours and plain PDF/A identify
themselves as PDF/A-2b (XMP pdfaid), plain does not.

- time: one warm-up each, then N runs (7 by default) of each, the three kinds in turn (the
  order reversed every other round), in one process; median wall time (perf_counter) and
  median Python CPU time;
- memory: one fresh subprocess per kind and document (3 each by default, interleaved, median):
  the process's resident high-water mark (VmHWM) after rendering one document, minus its
  resident size after the imports, Django setup and the input being ready (WeasyPrint
  imported, HTML or Evidence in memory), the high-water mark being reset there
  (/proc/self/clear_refs). That is the resident peak of the first render, C allocations
  (Pango, HarfBuzz, fonts) included, which tracemalloc would not see. It is what
  getrusage's ru_maxrss would give, but ru_maxrss is carried over fork + exec from the
  parent on Linux (a child of the 220 MB benchmark process starts at 220 MB), so it cannot be
  used in a subprocess.

    .venv/bin/python bench/pdf.py [--runs 7] [--memory-runs 3]

Budget: our total (both documents, medians added) within 1.2 x WeasyPrint's own time
(plain: bare WeasyPrint, no PDF/A).

Signing (governance.signing), outside the budget: "ours" runs unsigned, as an installation
without PDF_SIGNING_KEY does. Apart, sign_pdf signs our evidence PDF with a throw-away RSA 2048
key and self-signed certificate made in the temporary folder (the key loaded once, not timed):
median wall time of the same number of runs, the bytes the signature adds, and the signed file
still PDF/A-2b.
"""

import argparse
import datetime
import io
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import BENCH_ENV, setup_django, source_version  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BUDGET = {"max_ratio_to_plain_weasyprint_time": 1.2}
DOCS = ("evidence", "trail")
KINDS = ("ours", "plain", "plain_pdfa")
BARE_KINDS = ("plain", "plain_pdfa")  # WeasyPrint alone on the captured HTML
EVIDENCE_ITEMS = 30
TRAIL_EVENTS = 200
TRAIL_REF = "115-0001"
TRAIL_NUMBER = "提115-0001"
TRAIL_TITLE = "閱覽區自助借書機增設中文語音導引與放大字體模式"
TRAIL_DETAILS = [("提案單位", "企劃推廣組"), ("目前狀態", "執行中")]
EVIDENCE_PERSON = "readers-staff1"


def fixed_now():
    from governance.rocdate import TAIPEI

    return datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)


# ---------------------------------------------------------------- the data


def evidence_input():
    from bench.samples import synthetic_evidence
    from governance.models import User

    return synthetic_evidence(
        User.objects.get(username=EVIDENCE_PERSON), EVIDENCE_ITEMS, generated_at=fixed_now()
    )


def seed_trail():
    """200 events of one proposal case, as tests/governance/test_case_trail_pdf.py's 200-event test writes them."""
    from governance.models import User

    staff = User.objects.get(username="planning-staff1")
    head = User.objects.get(username="planning-head")
    record_progress_trail(TRAIL_REF, TRAIL_TITLE, staff, head, TRAIL_EVENTS)


def record_progress_trail(case_ref, title, staff, head, events):
    """A proposal case of `events` events: its submission, then progress reports by `staff`
    and their approvals by `head`, an attachment every fifth (bench/exports.py's too)."""
    from governance import trail

    trail.record_event(
        case_kind="proposal",
        case_ref=case_ref,
        actor=staff,
        action="提出提案",
        from_state="draft",
        to_state="first_review",
        comment=title,
    )
    for n in range(events - 1):
        report = n % 2 == 0
        trail.record_event(
            case_kind="proposal",
            case_ref=case_ref,
            actor=staff if report else head,
            action=f"第 {n // 2 + 1} 次進度回報" if report else f"核定第 {n // 2 + 1} 次進度回報",
            from_state="executing",
            to_state="executing",
            comment="依計畫辦理語音導引建置，已完成部分樓層。" if report else "同意備查。",
            attachments=[{"name": f"佐證{n}.jpg", "sha256": f"{n:064x}"}] if n % 5 == 0 else [],
        )


# ---------------------------------------------------------------- the two paths


def state_labels():
    from proposals.models import Proposal

    return dict(Proposal.State.choices)


def ours(doc, evidence=None, fetcher=None):
    """Our whole path for one document: PDF bytes."""
    from evidence import documents as evidence_documents
    from governance import documents

    if doc == "evidence":
        return evidence_documents.appraisal_evidence_pdf(evidence, fetcher=fetcher)
    return documents.case_trail_pdf(
        "proposal",
        TRAIL_REF,
        TRAIL_NUMBER,
        TRAIL_TITLE,
        details=TRAIL_DETAILS,
        state_labels=state_labels(),
        now=fixed_now(),
        fetcher=fetcher,
    )


def plain(html):
    """WeasyPrint with its defaults on the same HTML."""
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()


def plain_pdfa(html):
    """WeasyPrint with its defaults on the same HTML, asked for our PDF/A variant."""
    import weasyprint

    from governance.pdf import PDF_VARIANT

    return weasyprint.HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)


def render(kind, doc, evidence, html):
    """One document of one kind: PDF bytes."""
    if kind == "ours":
        return ours(doc, evidence)
    return plain(html) if kind == "plain" else plain_pdfa(html)


def pdfa_part(data):
    """("2", "B") for a PDF/A-2b, None for a PDF without the identification."""
    from pypdf import PdfReader

    xmp = PdfReader(io.BytesIO(data)).xmp_metadata
    return (xmp.pdfaid_part, xmp.pdfaid_conformance) if xmp is not None and xmp.pdfaid_part else None


EXPECTED_PDFA = {"ours": ("2", "B"), "plain": None, "plain_pdfa": ("2", "B")}


def captured_html(doc, evidence=None):
    """Run our path once, keeping the HTML string it hands to WeasyPrint (and the fetcher)."""
    from governance import pdf

    seen = {}
    original, original_render = pdf.render_pdf_html, pdf.render_pdf

    def capture(html, *, fetcher=None, **options):
        seen["html"] = html
        seen["fetcher"] = fetcher = fetcher if fetcher is not None else pdf.SafeURLFetcher()
        return original(html, fetcher=fetcher, **options)

    def capture_context(template_name, context, **options):
        seen["context"] = context
        return original_render(template_name, context, **options)

    pdf.render_pdf_html, pdf.render_pdf = capture, capture_context
    try:
        content = ours(doc, evidence)
    finally:
        pdf.render_pdf_html, pdf.render_pdf = original, original_render
    if doc == "evidence":
        # The same string as rendering the template the way documents.py does, with what
        # issue_pdf adds: the (random) verification code and the signature notice.
        from django.template.loader import render_to_string

        from evidence.documents import appraisal_evidence_context

        issued = {key: seen["context"][key] for key in ("verification", "signature_notice")}
        again = render_to_string(
            "pdf/appraisal_evidence.html", {**appraisal_evidence_context(evidence), **issued}
        )
        assert again == seen["html"], "captured HTML differs from render_to_string"
    return seen["html"], seen["fetcher"], content


def pdf_pages(data):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


# ---------------------------------------------------------------- signing


def throwaway_signing_files(folder):
    """A self-signed RSA 2048 certificate and its key (PEM) for timing sign_pdf: paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench signer")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = Path(folder) / "signer.key", Path(folder) / "signer.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def measure_signing(folder, content, runs):
    """sign_pdf on our (unsigned) evidence PDF: a warm-up that loads the key, then `runs` timed."""
    from django.test import override_settings

    from governance import signing

    key_path, cert_path = throwaway_signing_files(folder)
    with override_settings(PDF_SIGNING_KEY=str(key_path), PDF_SIGNING_CERT=str(cert_path)):
        signing._load_signer.cache_clear()
        started = time.perf_counter()
        signed = signing.sign_pdf(content)  # loads pyHanko and the key: once per process
        first = time.perf_counter() - started
        assert pdfa_part(signed) == ("2", "B")
        wall = []
        for _ in range(runs):
            started = time.perf_counter()
            signing.sign_pdf(content)
            wall.append(time.perf_counter() - started)
    signing._load_signer.cache_clear()
    return {
        "evidence_median_ms": round(1000 * statistics.median(wall), 1),
        "evidence_min_ms": round(1000 * min(wall), 1),
        "evidence_max_ms": round(1000 * max(wall), 1),
        "first_ms_with_key_loading": round(1000 * first, 1),
        "bytes_added": len(signed) - len(content),
        "signed_is_pdfa": pdfa_part(signed),
        "key": "RSA 2048, self-signed, throw-away",
    }


# ---------------------------------------------------------------- memory: one subprocess per kind


def proc_status_kib(*fields):
    text = Path("/proc/self/status").read_text()
    return {f: int(re.search(rf"^{f}:\s+(\d+) kB", text, re.M).group(1)) for f in fields}


def memory_worker(kind, doc, database_url, html_path):
    setup_django(database_url)
    import weasyprint  # noqa: F401  (both kinds: WeasyPrint and Pango loaded before the baseline)

    import evidence.documents  # noqa: F401
    import governance.pdf  # noqa: F401

    evidence = evidence_input() if doc == "evidence" else None
    html = Path(html_path).read_text(encoding="utf-8") if kind in BARE_KINDS else None
    if kind == "ours" and doc == "trail":
        state_labels()  # proposals.models imported before the baseline, as the evidence's models are
    # getrusage's ru_maxrss is no use here: Linux carries the parent's peak over fork + exec,
    # so a child of a 220 MB parent starts at 220 MB. The peak of this process alone is VmHWM,
    # reset to the current resident size by writing 5 to /proc/self/clear_refs.
    Path("/proc/self/clear_refs").write_text("5")
    baseline = proc_status_kib("VmRSS", "VmHWM")
    started = time.perf_counter()
    content = render(kind, doc, evidence, html)
    seconds = time.perf_counter() - started
    after = proc_status_kib("VmRSS", "VmHWM")
    print(
        json.dumps(
            {
                "kind": kind,
                "doc": doc,
                "baseline_kib": baseline["VmRSS"],
                "baseline_hwm_kib": baseline["VmHWM"],
                "after_hwm_kib": after["VmHWM"],
                "after_rss_kib": after["VmRSS"],
                "peak_kib": after["VmHWM"] - baseline["VmRSS"],
                "ru_maxrss_kib_inherited": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "bytes": len(content),
                "cold_seconds": round(seconds, 3),
            }
        ),
        flush=True,
    )


def measure_memory(database_url, html_files, runs):
    results = {doc: {kind: [] for kind in KINDS} for doc in DOCS}
    for r in range(runs):
        for doc in DOCS:
            for kind in KINDS:
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--memory-worker",
                        kind,
                        "--doc",
                        doc,
                        "--database-url",
                        database_url,
                        "--html",
                        str(html_files[doc]),
                    ],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    env={**os.environ, **BENCH_ENV},
                    timeout=300,
                )
                if out.returncode != 0:
                    raise RuntimeError(f"memory worker {kind} {doc} failed:\n{out.stderr[-3000:]}")
                entry = json.loads(out.stdout.strip().splitlines()[-1])
                print(json.dumps({"memory_run": r + 1, **entry}), flush=True)
                results[doc][kind].append(entry)
    return results


# ---------------------------------------------------------------- the run


def benchmark(database_url, tmp, runs, memory_runs):
    from django.core.management import call_command

    from evidence.models import EvidenceDocument
    from governance.demo import seed_organisation

    call_command("migrate", verbosity=0)
    seed_organisation()
    seed_trail()
    evidence = evidence_input()

    # Warm-up of each path (WeasyPrint's fonts read once), capturing our HTML on the way.
    inputs = {}
    for doc in DOCS:
        html, fetcher, content = captured_html(doc, evidence)
        inputs[doc] = {"html": html, "fetcher": fetcher, "ours": content}
        for kind in BARE_KINDS:
            inputs[doc][kind] = render(kind, doc, evidence, html)  # their warm-up
        for kind in KINDS:
            assert pdfa_part(inputs[doc][kind]) == EXPECTED_PDFA[kind], (doc, kind)

    html_files = {}
    for doc in DOCS:
        html_files[doc] = Path(tmp) / f"{doc}.html"
        html_files[doc].write_text(inputs[doc]["html"], encoding="utf-8")

    timings = {doc: {kind: {"wall": [], "cpu": []} for kind in KINDS} for doc in DOCS}
    documents_before = EvidenceDocument.objects.count()
    for i in range(runs):
        for doc in DOCS:
            # Alternate which goes first, so neither always follows the other.
            order = KINDS if i % 2 == 0 else tuple(reversed(KINDS))
            for kind in order:
                wall, cpu = time.perf_counter(), time.process_time()
                content = render(kind, doc, evidence, inputs[doc]["html"])
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                timings[doc][kind]["wall"].append(wall)
                timings[doc][kind]["cpu"].append(cpu)
                assert content.startswith(b"%PDF") and pdfa_part(content) == EXPECTED_PDFA[kind]
        print(
            json.dumps(
                {
                    "round": i + 1,
                    **{
                        f"{doc}_{kind}_ms": round(1000 * timings[doc][kind]["wall"][-1])
                        for doc in DOCS
                        for kind in KINDS
                    },
                }
            ),
            flush=True,
        )
    assert EvidenceDocument.objects.count() - documents_before == runs  # our row, each time
    signing = measure_signing(tmp, inputs["evidence"]["ours"], runs)
    print(json.dumps({"signing": signing}), flush=True)

    from django.db import connections

    connections.close_all()
    memory = measure_memory(database_url, html_files, memory_runs)

    figures = {}
    for doc in DOCS:
        entry = {}
        for kind in KINDS:
            content = inputs[doc][kind]
            wall = timings[doc][kind]["wall"]
            mem = memory[doc][kind]
            entry[kind] = {
                "median_ms": round(1000 * statistics.median(wall), 1),
                "min_ms": round(1000 * min(wall), 1),
                "max_ms": round(1000 * max(wall), 1),
                "median_cpu_ms": round(1000 * statistics.median(timings[doc][kind]["cpu"]), 1),
                "runs_ms": [round(1000 * w, 1) for w in wall],
                "peak_rss_mib": round(statistics.median(m["peak_kib"] for m in mem) / 1024, 1),
                "peak_rss_mib_runs": [round(m["peak_kib"] / 1024, 1) for m in mem],
                "baseline_rss_mib": round(statistics.median(m["baseline_kib"] for m in mem) / 1024, 1),
                "pages": pdf_pages(content),
                "pdf_bytes": len(content),
            }
        entry["html_bytes"] = len(inputs[doc]["html"].encode("utf-8"))
        fetcher = inputs[doc]["fetcher"]
        entry["our_fetcher"] = {"served": len(fetcher.served), "refused": len(fetcher.refused)}
        for a, b in (("ours", "plain"), ("ours", "plain_pdfa"), ("plain_pdfa", "plain")):
            entry[f"{a}_over_{b}"] = {
                "time": round(entry[a]["median_ms"] / entry[b]["median_ms"], 3),
                "cpu": round(entry[a]["median_cpu_ms"] / entry[b]["median_cpu_ms"], 3),
                "peak_memory": round(entry[a]["peak_rss_mib"] / entry[b]["peak_rss_mib"], 3)
                if entry[b]["peak_rss_mib"]
                else None,
            }
        figures[doc] = entry
    figures["evidence"]["signing"] = signing
    return figures


def verdict(figures):
    ours_ms = sum(figures[d]["ours"]["median_ms"] for d in DOCS)
    plain_ms = sum(figures[d]["plain"]["median_ms"] for d in DOCS)
    ratio = round(ours_ms / plain_ms, 3)
    return {
        "ours_total_median_ms": round(ours_ms, 1),
        "plain_total_median_ms": round(plain_ms, 1),
        "ours_over_plain_time": ratio,
        "ours_over_plain_time_by_doc": {d: figures[d]["ours_over_plain"]["time"] for d in DOCS},
        "ours_over_plain_peak_memory_by_doc": {d: figures[d]["ours_over_plain"]["peak_memory"] for d in DOCS},
        "plain_pdfa_total_median_ms": round(sum(figures[d]["plain_pdfa"]["median_ms"] for d in DOCS), 1),
        "ours_over_plain_pdfa_time": round(
            ours_ms / sum(figures[d]["plain_pdfa"]["median_ms"] for d in DOCS), 3
        ),
        "pages": {d: figures[d]["ours"]["pages"] for d in DOCS},
        "budget": BUDGET,
        "within_budget": ratio <= BUDGET["max_ratio_to_plain_weasyprint_time"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each kind and document")
    parser.add_argument(
        "--memory-runs",
        type=int,
        default=3,
        help="fresh subprocesses per kind and document for the peak memory",
    )
    parser.add_argument("--memory-worker", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--doc", choices=DOCS, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--html", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_worker:
        memory_worker(args.memory_worker, args.doc, args.database_url, args.html)
        return 0

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        url = f"sqlite:///{tmp}/db.sqlite3"  # an absolute path: sqlite:////tmp/...
        setup_django(url)
        import weasyprint

        from governance.pdf import PDF_VARIANT, harfbuzz_subsetter_in_use

        figures = benchmark(url, tmp, args.runs, args.memory_runs)
        report = {
            "benchmark": "pdf documents",
            "commit": source_version("governance", "templates"),
            "database": "sqlite (temporary folder)",
            "weasyprint": weasyprint.__version__,
            "harfbuzz_subsetter": harfbuzz_subsetter_in_use(),
            "method": {
                "documents": f"appraisal evidence of {EVIDENCE_ITEMS} made-up items; "
                f"proposal trail of {TRAIL_EVENTS} events (record_event)",
                "ours": "documents.appraisal_evidence_pdf / documents.case_trail_pdf: context (events "
                "read and chain verified for the trail), template, SafeURLFetcher, WeasyPrint; "
                "the evidence path also writes its EvidenceDocument row",
                "pdf_variant": PDF_VARIANT,
                "plain_pdfa": f"weasyprint.HTML(string=html).write_pdf(pdf_variant={PDF_VARIANT!r}) on the "
                "same HTML",
                "plain": "weasyprint.HTML(string=html).write_pdf() on the exact HTML our path renders, "
                "default url_fetcher, no base_url",
                "time": f"one warm-up each, then {args.runs} runs each, the kinds in turn "
                "(order reversed every other round), one process; median wall time (perf_counter)",
                "memory": "VmHWM after one render minus VmRSS after imports and input ready (VmHWM "
                "reset there through /proc/self/clear_refs; ru_maxrss is inherited over "
                f"fork+exec), a fresh subprocess per kind and document, {args.memory_runs} "
                "each, median (resident peak, C allocations included; not tracemalloc)",
                "cpus": os.cpu_count(),
            },
            "documents": figures,
            "verdict": verdict(figures),
        }
        from django.db import connections

        connections.close_all()
    report["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pdf.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    summary = {
        "commit": report["commit"],
        "seconds": report["seconds"],
        "documents": {
            doc: {
                k: v
                for k, v in entry.items()
                if k in KINDS
                or k in ("ours_over_plain", "ours_over_plain_pdfa", "plain_pdfa_over_plain")
                or k in ("html_bytes", "our_fetcher", "signing")
            }
            for doc, entry in figures.items()
        },
        "verdict": report["verdict"],
    }
    for doc in summary["documents"].values():
        for kind in KINDS:
            doc[kind] = {k: v for k, v in doc[kind].items() if k != "runs_ms"}
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0 if report["verdict"]["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
