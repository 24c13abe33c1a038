"""collectstatic only when the static sources changed: shared by scripts/run.py and stack.py.

Compressing every file (gzip and brotli) takes one to two minutes on two cores; a restart
with the same code and packages need not pay it again.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Left out of collectstatic (the project's own list: governance.apps.StaticFilesConfig).
STATIC_IGNORE = ["node_modules", "viewflow/js/contrib/dash/*"]

# Prints a fingerprint of the static files collectstatic would collect (names, sizes,
# modification times) and of the storage that would hold them.
STATIC_FINGERPRINT = """
import hashlib, os, sys
import django
django.setup()
from django.conf import settings
from django.contrib.staticfiles import finders
ignore = ["CVS", ".*", "*~", *sys.argv[1:]]
entries = []
for finder in finders.get_finders():
    for path, storage in finder.list(ignore):
        st = os.stat(storage.path(path))
        entries.append(f"{path}\\0{st.st_size}\\0{st.st_mtime_ns}")
digest = hashlib.sha256(repr(settings.STORAGES["staticfiles"]).encode())
for entry in sorted(entries):
    digest.update(entry.encode() + b"\\n")
print(digest.hexdigest())
"""

STAMP = ".stack-sources"  # in STATIC_ROOT: the fingerprint of what was collected there


def fingerprint(env):
    """(the sources' fingerprint, None) or (None, the error output)."""
    result = subprocess.run(
        [sys.executable, "-c", STATIC_FINGERPRINT, *STATIC_IGNORE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return None, result.stderr[-3000:]
    return result.stdout.strip(), None


def up_to_date(static_root, current):
    static_root = Path(static_root)
    stamp = static_root / STAMP
    return (
        (static_root / "staticfiles.json").exists()
        and stamp.exists()
        and stamp.read_text().strip() == current
    )


def ignore_args():
    return [arg for pattern in STATIC_IGNORE for arg in ("--ignore", pattern)]


def forget(static_root):
    (Path(static_root) / STAMP).unlink(missing_ok=True)


def remember(static_root, current):
    (Path(static_root) / STAMP).write_text(current + "\n")
