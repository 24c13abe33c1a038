"""A real LibreOffice (Debian's libreoffice-calc and libreoffice-writer, headless) for the tests
that open our files as the agency's people do: `convert` opens files and saves them in another
format, and `sqlite_pass` runs such a test once, on the SQLite pass of `make test`.

soffice runs with a profile and a HOME of its own in a temporary folder (runs sharing a profile
at the same time fail without a word), and within a time limit.
"""

import os
import shutil
import signal
import subprocess

import pytest
from django.db import connection

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

skip_without_libreoffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is missing: `scripts/setup test` installs Debian's libreoffice-calc and -writer",
)
needs_libreoffice = [pytest.mark.libreoffice, skip_without_libreoffice]

# A conversion takes 1–2 s; a first start with a new profile on a busy machine, much longer.
TIMEOUT = 180


def convert(paths, fmt, outdir, scratch):
    """Open each file in LibreOffice and save it as `fmt` into outdir; the bytes written."""
    profile, home = scratch / "profile", scratch / "home"
    home.mkdir(exist_ok=True)
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        *(str(p) for p in paths),
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HOME": str(home)},
        start_new_session=True,  # soffice starts soffice.bin: a time-out stops the whole group
    )
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"LibreOffice did not convert {[p.name for p in paths]} to {fmt} in {TIMEOUT} s")
    written = [outdir / f"{p.stem}.{fmt}" for p in paths]
    missing = [w.name for w in written if not w.exists()]
    assert process.returncode == 0 and not missing, (
        f"soffice exit {process.returncode}, missing {missing}: {out}{err}"
    )
    return {p.stem: w.read_bytes() for p, w in zip(paths, written, strict=False)}


@pytest.fixture
def sqlite_pass():
    """Before any data is made: on the PostgreSQL pass, a LibreOffice test is not run again."""
    if connection.vendor != "sqlite":
        pytest.skip("LibreOffice's conversions do not touch the database: they run once, on the SQLite pass")
