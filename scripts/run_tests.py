"""`make test`: the whole suite on SQLite, again on a real PostgreSQL, then the browser tests,
then the smoke test of the whole stack (`make stack`: PostgreSQL, Redis, gunicorn, Celery).

Ends with one line that totals the four runs, and a non-zero exit if any failed.
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from pg import temporary_postgres  # noqa: E402

# Not "test-results": pytest-playwright empties that folder (its --output) when it starts.
RESULTS = ROOT / "test-reports"


# The main suite runs on every core (pytest-xdist): its tests share no port, folder or
# database (pytest-django gives each worker its own test database). The browser and stack
# runs stay serial: each starts servers and a browser of its own, and they are short.
WORKERS = str(min(os.cpu_count() or 1, 4))


def pytest(name, marker, extra_env, workers=None):
    RESULTS.mkdir(exist_ok=True)
    report = RESULTS / f"{name}.xml"
    env = {**os.environ, **extra_env}
    print(f"\n===== {name} =====", flush=True)
    code = subprocess.call(
        [
            sys.executable,
            "-m",
            "pytest",
            "-m",
            marker,
            f"--junitxml={report}",
            *(["-n", workers] if workers else []),
            *sys.argv[1:],
        ],
        cwd=ROOT,
        env=env,
    )
    return code, report


def totals(report):
    if not report.exists():
        return 0, 0, 0
    suites = ET.parse(report).getroot()
    passed = failed = skipped = 0
    for suite in suites.iter("testsuite"):
        tests = int(suite.get("tests", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skip = int(suite.get("skipped", 0))
        failed += bad
        skipped += skip
        passed += tests - bad - skip
    return passed, failed, skipped


def main():
    base_env = {"DATABASE_URL": "", "CELERY_BROKER_URL": ""}
    main_suite = "not browser and not stack"
    runs = [pytest("sqlite", main_suite, base_env, WORKERS)]
    with temporary_postgres() as url:
        runs.append(pytest("postgresql", main_suite, {**base_env, "DATABASE_URL": url}, WORKERS))
    runs.append(pytest("browser", "browser", {**base_env, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}))
    runs.append(pytest("stack", "stack", base_env))
    passed = failed = skipped = 0
    ok = True
    for code, report in runs:
        p, f, s = totals(report)
        passed, failed, skipped = passed + p, failed + f, skipped + s
        # Any non-zero exit fails the whole: 5 (no test collected) included.
        ok = ok and code == 0
    print("\nall runs (sqlite, postgresql, browser, stack):")
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if ok and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
