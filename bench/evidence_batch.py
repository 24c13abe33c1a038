"""Benchmarks: a 500-person appraisal-evidence batch's wall time as a function of worker processes.

On a throw-away PostgreSQL server and a throw-away redis-server (tests/background.py's
redis_server), with the demo organisation and its demo proposals and audits (what
`seed_demo` loads: seed_organisation, proposals.demo.seed_proposals, audits.demo.seed_audits),
then synthetic people added until N people (500 by default) hold a unit membership in 2026.
The synthetic people are bulk-inserted (User and Membership rows by bulk_create, unusable
passwords, no guardian permissions synced: the batch does not need them) and spread over the
eight units; they have no proposals or findings, so their evidence is an empty one-page
document. Only the demo people's PDFs have items.

For each worker count (1, 2, and 4 when os.cpu_count() >= 4): redis flushed, a
`celery -A governance worker --pool=prefork -c <workers>` started as its own process group
(as tests/background.Worker starts it, with the concurrency as a parameter), a warm-up batch
of 2 x workers people so that every pool process has loaded WeasyPrint and its fonts (a
production worker is long-lived), then the timed batch:
evidence.batches.start_evidence_batch(actor=hr, 2026-01-01..2026-12-31) for
everyone, progress polled every 0.2 s until finished. The wall time runs from the call
(items created, tasks queued on commit) to the poll that sees it finished; done must be N
and failed 0 (and N EvidenceDocument rows issued, no FailedTask). Reported too: the CPU time
over the timed batch (/proc) of the worker (main and pool processes), of our PostgreSQL
(postmaster and backends), Redis and this process, and the whole machine's busy time
(/proc/stat), as mean busy cores; the machine's beyond ours is other processes' load. The
wall time depends on that load, the CPU time per person does not: a warning is printed when
other processes kept more than 0.25 core busy during a timed batch. (With the kernel's
autogroup scheduling, as on our machines, the worker is one session: on a busy machine its
pool processes together get one session's share of the cores, so a second process shows no
speed-up there. Measure on an idle machine.)

    .venv/bin/python bench/evidence_batch.py [--people 500] [--workers 1,2]

Budget: with 2 workers at least 1.5 x the people per second of 1 worker, on a machine with
at least 2 cores.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from pg import temporary_postgres  # noqa: E402

from bench import harness  # noqa: E402
from bench.harness import BENCH_ENV, source_version  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BUDGET = {"min_speedup_2_workers": 1.5, "applies_from_cpus": 2}
# Mail stays in memory: the batch sends none, and no SMTP server is there.
ENV = {**BENCH_ENV, "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
YEAR = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
POLL = 0.2
BATCH_TIMEOUT = 3600


def setup_django(database_url, broker_url):
    # Read by governance.settings: tasks go to Redis, not run eagerly in this process.
    harness.setup_django(database_url, **{**ENV, "CELERY_BROKER_URL": broker_url})


# ---------------------------------------------------------------- the data


def seed(people):
    """Demo organisation, proposals and audits, then synthetic people up to `people`."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from audits.demo import seed_audits
    from evidence.selectors import people_in_period
    from governance.demo import ORGANISATION_START, seed_organisation
    from governance.models import Membership, Unit
    from governance.roles import UnitRole
    from proposals.demo import seed_proposals

    call_command("migrate", verbosity=0)  # the proposals' default configuration comes with it
    seed_organisation()
    proposals, audits = seed_proposals(), seed_audits()
    demo_people = len(people_in_period(*YEAR))
    if people < demo_people:
        raise SystemExit(f"--people {people}: the demo organisation alone has {demo_people} people")
    User = get_user_model()
    units = list(Unit.objects.order_by("sort_order"))
    unusable = make_password(None)
    new = [
        User(
            username=f"bench-{n:04d}",
            full_name=f"測試人員{n:04d}",
            job_title="助理編輯",
            email=f"bench-{n:04d}@bench.invalid",
            password=unusable,
        )
        for n in range(1, people - demo_people + 1)
    ]
    created = User.objects.bulk_create(new)
    Membership.objects.bulk_create(
        Membership(user=user, unit=units[n % len(units)], role=UnitRole.STAFF, valid_from=ORGANISATION_START)
        for n, user in enumerate(created)
    )
    everyone = people_in_period(*YEAR)
    assert len(everyone) == people, (len(everyone), people)
    return {
        "people": people,
        "demo_people": demo_people,
        "synthetic_people": len(created),
        "demo_proposals": proposals,
        "demo_audits": audits,
    }


def evidence_items():
    """How many of the people have anything in their evidence, and the items in all."""
    from evidence.selectors import appraisal_evidence, people_in_period

    counts = [len(appraisal_evidence(person, *YEAR).items) for person, _unit in people_in_period(*YEAR)]
    return {
        "people_with_items": sum(1 for c in counts if c),
        "items": sum(counts),
        "max_items_per_person": max(counts),
    }


# ---------------------------------------------------------------- the worker


class BenchWorker:
    """tests/background.Worker with the pool's concurrency as a parameter and bench settings."""

    def __init__(self, concurrency, database_url, broker_url, log_dir):
        self.concurrency = concurrency
        self.database_url, self.broker_url = database_url, broker_url
        self.log = Path(log_dir) / f"worker-{concurrency}.log"
        self.process = None

    def env(self):
        return {
            **os.environ,
            **ENV,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "PYTHONPATH": str(ROOT),
        }

    def start(self):
        from background import wait_for

        self.log_file = open(self.log, "w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "governance",
                "worker",
                "--pool=prefork",
                "-c",
                str(self.concurrency),
                "-l",
                "info",
                "-n",
                f"bench{self.concurrency}-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: "ready." in self.log.read_text() or self.process.poll() is not None,
            90,
            "the Celery worker to be ready",
        )
        if self.process.poll() is not None:
            raise RuntimeError("the Celery worker died at start:\n" + self.log.read_text()[-3000:])

    def pool(self):
        """The pool's processes: the worker's children."""
        return [pid for pid, (ppid, *_rest) in processes().items() if ppid == self.process.pid]

    def tasks_by_process(self):
        """How many tasks each pool process finished, from the log (ForkPoolWorker-<n>)."""
        counts = {}
        for line in self.log.read_text().splitlines():
            if "render_evidence_item" in line and " succeeded in " in line and "/ForkPoolWorker-" in line:
                name = line.split("/ForkPoolWorker-", 1)[1].split("]", 1)[0]
                counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items()))

    def stop(self):
        from background import stop_worker

        stop_worker(self.process, self.log_file, 60)


def processes():
    """{pid: (ppid, command line, utime + stime, cutime + cstime)} of every process now, in
    seconds (cutime + cstime: the CPU time of its children that ended and were waited for)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # After the command's name: state, ppid, ..., utime, stime, cutime, cstime (fields 14 to 17).
        found[int(proc.name)] = (
            int(fields[1]),
            cmd,
            (int(fields[11]) + int(fields[12])) / tick,
            (int(fields[13]) + int(fields[14])) / tick,
        )
    return found


def machine_cpu_seconds():
    """All cores' CPU seconds so far (/proc/stat): busy (user, nice, system, irq, softirq) and
    stolen by the hypervisor."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6]
    return busy / tick, fields[7] / tick


class CpuMeter:
    """CPU seconds over an interval of the worker (main process and pool), our PostgreSQL server
    (postmaster and backends), our redis-server, this process, and the whole machine: what is
    left is other processes on the machine. A group's CPU time is its live processes' plus what
    its parent (postmaster, worker main process) has reaped from children that ended, so a
    backend or pool process that ends in between is counted (its share from before once)."""

    def __init__(self, worker, database_url, broker_url):
        self.worker_pid = worker.process.pid
        self.pg_port = database_url.rsplit(":", 1)[1].split("/")[0]
        self.redis_port = broker_url.rsplit(":", 1)[1].split("/")[0]

    def groups(self):
        procs = processes()
        postmaster = {
            pid
            for pid, (_ppid, cmd, *_cpu) in procs.items()
            if "postgres" in cmd and f"-p {self.pg_port} " in cmd
        }
        totals = dict.fromkeys(("worker", "postgres", "redis", "bench"), 0.0)
        for pid, (ppid, cmd, cpu, reaped) in procs.items():
            if pid == self.worker_pid or pid in postmaster:
                totals["worker" if pid == self.worker_pid else "postgres"] += cpu + reaped
            elif ppid == self.worker_pid:
                totals["worker"] += cpu
            elif ppid in postmaster:
                totals["postgres"] += cpu
            elif "redis-server" in cmd and f":{self.redis_port}" in cmd:
                totals["redis"] += cpu
            elif pid == os.getpid():
                totals["bench"] += cpu
        return totals

    def __enter__(self):
        self.before, self.machine_before = self.groups(), machine_cpu_seconds()
        return self

    def __exit__(self, *exc):
        after, machine = self.groups(), machine_cpu_seconds()
        self.seconds = {name: after[name] - self.before[name] for name in after}
        busy, steal = (a - b for a, b in zip(machine, self.machine_before, strict=False))
        self.seconds["others"] = busy - sum(self.seconds.values())
        self.seconds["machine"] = busy
        self.seconds["steal"] = steal


def point_app_at(broker_url):
    """This process queues to Redis (as tests/background's celery_worker fixture does)."""
    from background import _drop_producer_pool

    from governance.celery import app

    app.conf.update(broker_url=broker_url, task_always_eager=False)
    _drop_producer_pool(app)


def wait_finished(batch):
    from evidence import batches as evidence_batches

    deadline = time.monotonic() + BATCH_TIMEOUT
    while time.monotonic() < deadline:
        progress = evidence_batches.progress(batch)
        if progress.finished:
            return progress
        time.sleep(POLL)
    raise RuntimeError(f"batch {batch.pk} not finished after {BATCH_TIMEOUT} s: {progress}")


def warm_up(hr, size):
    """A small batch of `size` people, so that every pool process has rendered a PDF."""
    from django.db import transaction

    from evidence import documents
    from evidence.batches import _queue
    from evidence.models import EvidenceBatch, EvidenceBatchItem
    from evidence.selectors import people_in_period

    with transaction.atomic():
        batch = EvidenceBatch.objects.create(requested_by=hr, start=YEAR[0], end=YEAR[1])
        EvidenceBatchItem.objects.bulk_create(
            EvidenceBatchItem(
                batch=batch, person=person, position=n, filename=documents.evidence_filename(person, *YEAR)
            )
            for n, (person, _unit) in enumerate(people_in_period(*YEAR)[:size], start=1)
        )
        ids = list(batch.items.values_list("pk", flat=True))
        transaction.on_commit(lambda: _queue(ids))
    started = time.perf_counter()
    progress = wait_finished(batch)
    assert progress.done == size and progress.failed == 0, progress
    return time.perf_counter() - started


def run_batch(workers, people, database_url, broker_url, log_dir):
    import redis
    from django.contrib.auth import get_user_model
    from django.db import connections

    from evidence import batches as evidence_batches
    from evidence.models import EvidenceDocument
    from governance.models import FailedTask

    hr = get_user_model().objects.get(username="hr")
    redis.Redis.from_url(broker_url).flushall()
    connections.close_all()
    worker = BenchWorker(workers, database_url, broker_url, log_dir)
    load_before = os.getloadavg()
    worker.start()
    try:
        warm_up_seconds = warm_up(hr, 2 * workers)
        pool = worker.pool()
        tasks_before = worker.tasks_by_process()
        pool_cpu_before = {pid: procs[2] for pid, procs in processes().items() if pid in pool}
        documents_before = EvidenceDocument.objects.count()
        with CpuMeter(worker, database_url, broker_url) as meter:
            started = time.perf_counter()
            batch = evidence_batches.start_evidence_batch(actor=hr, start=YEAR[0], end=YEAR[1])
            queued = time.perf_counter() - started
            progress = wait_finished(batch)
            wall = time.perf_counter() - started
        pool_after = worker.pool()
        tasks_after = worker.tasks_by_process()
        pool_cpu = [
            round(procs[2] - pool_cpu_before.get(pid, 0.0), 1)
            for pid, procs in processes().items()
            if pid in pool_after
        ]
    finally:
        worker.stop()
    problems = []
    if progress.total != people:
        problems.append(f"{progress.total} items, not {people}")
    if progress.done != people or progress.failed:
        problems.append(f"done {progress.done}, failed {progress.failed}")
    issued = EvidenceDocument.objects.count() - documents_before
    if issued != people:
        problems.append(f"{issued} EvidenceDocument rows issued, not {people}")
    if FailedTask.objects.exists():
        problems.append(f"{FailedTask.objects.count()} FailedTask rows")
    if sorted(pool) != sorted(pool_after) or len(pool) != workers:
        problems.append(f"pool processes changed or wrong count: {pool} -> {pool_after}")
    sizes = [len(bytes(c)) for c in batch.items.values_list("content", flat=True)]
    cpu = meter.seconds["worker"]
    return {
        "workers": workers,
        "wall_seconds": round(wall, 2),
        "people_per_second": round(people / wall, 2),
        "mean_render_seconds_per_person": round(wall * workers / people, 3),
        "worker_cpu_seconds": round(cpu, 1),
        "worker_cpu_seconds_per_person": round(cpu / people, 3),
        # Mean busy cores during the timed batch (CPU seconds / wall seconds): the worker's,
        # our PostgreSQL's and Redis's, this process's, the rest of the machine's, all of it.
        "busy_cores": {name: round(seconds / wall, 2) for name, seconds in meter.seconds.items()},
        "queue_seconds": round(queued, 2),
        "warm_up_seconds": round(warm_up_seconds, 2),
        "warm_up_people": 2 * workers,
        # Whether every pool process took its share: tasks finished by each (worker log) and
        # each one's CPU seconds over the timed batch.
        "tasks_by_pool_process": {k: v - tasks_before.get(k, 0) for k, v in tasks_after.items()},
        "pool_process_cpu_seconds": sorted(pool_cpu),
        "load_average_before": [round(x, 2) for x in load_before],
        "done": progress.done,
        "failed": progress.failed,
        "pdf_bytes_median": int(statistics.median(sizes)),
        "pdf_bytes_max": max(sizes),
        "problems": problems,
    }


# ---------------------------------------------------------------- the run


def autogroup_enabled():
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


def verdict(runs, cpus):
    by_workers = {r["workers"]: r for r in runs}
    base = by_workers.get(1)
    for r in runs:
        r["speedup"] = round(r["people_per_second"] / base["people_per_second"], 2) if base else None
    problems = [f"{r['workers']} workers: {p}" for r in runs for p in r["problems"]]
    applies = cpus >= BUDGET["applies_from_cpus"] and 1 in by_workers and 2 in by_workers
    speedup = by_workers[2]["speedup"] if applies else None
    reasons = list(problems)
    if applies and speedup < BUDGET["min_speedup_2_workers"]:
        reasons.append(
            f"speed-up with 2 workers {speedup}x < {BUDGET['min_speedup_2_workers']}x on {cpus} cores"
        )
    # Cores other processes took from the two (or more) the benchmark needs: its figures then
    # say more about the machine's other load than about the batch.
    warnings = [
        f"{r['workers']} workers: other processes kept {r['busy_cores']['others']:.2f} of {cpus} cores "
        "busy on average during the timed batch: the machine was not idle, the wall time and the "
        "speed-up are not the batch's alone"
        for r in runs
        if r["busy_cores"]["others"] > 0.25
    ]
    if warnings and autogroup_enabled():
        warnings.append(
            "the kernel shares CPU between sessions (sched_autogroup_enabled = 1) and the worker is one "
            "session (its own process group, as in tests/background.py): on a busy machine its pool "
            "processes together get about one session's share, however many there are"
        )
    return {
        "cpus": cpus,
        "speedup_2_workers": speedup,
        "warnings": warnings,
        "budget": BUDGET,
        "budget_applies": applies,
        "within_budget": not reasons,
        "why_not": reasons,
    }


def table(runs, data, cpus):
    lines = [
        f"{data['people']} people ({data['demo_people']} demo, {data['synthetic_people']} bulk-inserted "
        f"without proposals or findings); {data['people_with_items']} with items in their evidence "
        f"({data['items']} items, at most {data['max_items_per_person']}), the others an empty one-page "
        f"evidence. os.cpu_count() = {cpus}.",
        "",
        "| workers | wall s | people/s | speed-up vs 1 | mean render s/person (wall x workers / people) "
        "| worker CPU s/person | busy cores: worker / our PostgreSQL / other processes / machine "
        "| load avg before |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        busy = r["busy_cores"]
        lines.append(
            f"| {r['workers']} | {r['wall_seconds']:.1f} | {r['people_per_second']:.2f} | "
            f"{'–' if r['speedup'] is None else format(r['speedup'], '.2f')} | "
            f"{r['mean_render_seconds_per_person']:.3f} | "
            f"{r['worker_cpu_seconds_per_person']:.3f} | {busy['worker']:.2f} / {busy['postgres']:.2f} / "
            f"{busy['others']:.2f} / {busy['machine']:.2f} | {r['load_average_before'][0]:.2f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500, help="people in the batch")
    parser.add_argument("--workers", help="worker counts, e.g. 1,2 (default 1,2 and 4 from 4 cores)")
    args = parser.parse_args()
    cpus = os.cpu_count() or 1
    counts = [int(w) for w in args.workers.split(",")] if args.workers else [1, 2, 4] if cpus >= 4 else [1, 2]

    from background import redis_server

    started = time.perf_counter()
    with (
        temporary_postgres() as database_url,
        redis_server() as broker_url,
        tempfile.TemporaryDirectory(prefix="bench-evidence-batch-") as log_dir,
    ):
        setup_django(database_url, broker_url)
        point_app_at(broker_url)
        data = seed(args.people)
        data.update(evidence_items())
        print(json.dumps({"data": data}, ensure_ascii=False), flush=True)
        runs = []
        for workers in counts:
            result = run_batch(workers, args.people, database_url, broker_url, log_dir)
            print(json.dumps(result), flush=True)
            runs.append(result)
        from django.db import connections

        connections.close_all()
    report = {
        "benchmark": "evidence batch",
        "commit": source_version("governance", "templates"),
        "date": datetime.date.today().isoformat(),
        "method": {
            "data": "demo organisation, proposals and audits (seed_demo's content) plus bulk-inserted "
            "people (User + Membership bulk_create, no proposals or findings) up to --people",
            "worker": "celery -A governance worker --pool=prefork -c <workers>, settings bench.settings, "
            "DEBUG off, own process group; warm-up batch of 2 x workers people first",
            "wall": "start_evidence_batch(actor=hr, 2026-01-01..2026-12-31) to the progress poll "
            f"(every {POLL} s) that sees done + failed = total",
            "cpus": cpus,
        },
        "data": data,
        "runs": runs,
        "verdict": verdict(runs, cpus),
        "seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "evidence_batch.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report["verdict"], ensure_ascii=False, indent=2))
    print(table(runs, data, cpus))
    print(f"total {report['seconds']} s")
    for warning in report["verdict"]["warnings"]:
        print("WARNING:", warning)
    if not report["verdict"]["within_budget"]:
        for reason in report["verdict"]["why_not"]:
            print("OVER BUDGET:", reason)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
