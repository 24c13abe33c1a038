"""A throw-away OpenLDAP server (Debian's slapd) for the directory tests, as scripts/pg.py starts
a throw-away PostgreSQL: its own folder, a free port on 127.0.0.1, a plain slapd.conf, the test
directory (directory.ldif) loaded offline with slapadd, stopped and removed at the end.

`scripts/setup test` installs slapd and ldap-utils. The session starts one server; `reset()`
puts the directory back as the LDIF has it, so each test may move and delete people.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
LDIF = HERE / "directory.ldif"
SCHEMA = HERE / "ad_lookalike.schema"
BASE = "DC=agency,DC=example"
ADMIN_DN = f"CN=admin,{BASE}"
ADMIN_PASSWORD = "directory-admin-pw"
SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
TOOLS = shutil.which("ldapmodify")

missing = not (os.path.exists(SLAPD) and TOOLS)
skip_without_slapd = pytest.mark.skipif(
    missing, reason="OpenLDAP is missing: `scripts/setup test` installs Debian's slapd and ldap-utils"
)
needs_ldap = [pytest.mark.ldap, skip_without_slapd]

CONFIG = """\
include  /etc/ldap/schema/core.schema
include  /etc/ldap/schema/cosine.schema
include  /etc/ldap/schema/inetorgperson.schema
include  {schema}
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile  {folder}/slapd.pid
database mdb
suffix   "{base}"
rootdn   "{admin}"
rootpw   {password}
directory {folder}/db
# As a directory would: a password is only for binding, everything else readable once bound.
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _entries(text: str) -> list[str]:
    """The LDIF's entries (comments dropped), the base entry first."""
    blocks = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#")]
        if lines:
            blocks.append("\n".join(lines) + "\n")
    return blocks


@dataclass
class Directory:
    uri: str
    folder: Path

    base = BASE
    admin_dn = ADMIN_DN
    admin_password = ADMIN_PASSWORD

    def _tool(self, name: str, *args: str, ldif: str = "") -> None:
        result = subprocess.run(
            [name, "-x", "-H", self.uri, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD, *args],
            input=ldif,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 0, f"{name} {args}: {result.stdout}{result.stderr}"

    def modify(self, ldif: str) -> None:
        """Change the directory as its administrators would (ldapmodify with changetype lines)."""
        self._tool("ldapmodify", ldif=ldif)

    def reset(self) -> None:
        """The directory as directory.ldif has it."""
        top = [entry.splitlines()[0].split(":", 1)[1].strip() for entry in _entries(LDIF.read_text())[1:]]
        top = [dn for dn in top if dn.count(",") == self.base.count(",") + 1]
        self._tool("ldapdelete", "-r", *top)
        self._tool("ldapadd", ldif="\n".join(_entries(LDIF.read_text())[1:]))

    def env(self, **extra: str) -> dict[str, str]:
        """The environment a deployment would set (governance.directory_settings reads it)."""
        return {
            "LDAP_SERVER_URI": self.uri,
            "LDAP_BIND_DN": ADMIN_DN,
            "LDAP_BIND_PASSWORD": ADMIN_PASSWORD,
            "LDAP_BASE_DN": BASE,
            **extra,
        }


def _wait_up(uri: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        probe = subprocess.run(
            ["ldapwhoami", "-x", "-H", uri, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD], capture_output=True
        )
        if probe.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError(f"slapd did not answer at {uri} (run slapd with -d stats to see why)")


def _stop(pidfile: Path) -> None:
    if not pidfile.exists():
        return
    pid = int(pidfile.read_text().split()[0])
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    # slapd takes a second or two to flush and exit; its folder is removed after.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def ldap_directory():
    """A running slapd holding directory.ldif, for the whole test session."""
    if missing:
        pytest.skip("OpenLDAP is missing: `scripts/setup test` installs Debian's slapd and ldap-utils")
    folder = Path(tempfile.mkdtemp(prefix="governance-ldap-"))
    (folder / "db").mkdir()
    config = folder / "slapd.conf"
    config.write_text(
        CONFIG.format(schema=SCHEMA, folder=folder, base=BASE, admin=ADMIN_DN, password=ADMIN_PASSWORD)
    )
    # Offline load: no bind, no waiting. slapd runs as whoever runs the tests (root included).
    subprocess.run([SLAPADD, "-q", "-f", str(config), "-l", str(LDIF)], check=True, capture_output=True)
    uri = f"ldap://127.0.0.1:{_free_port()}/"
    subprocess.run([SLAPD, "-f", str(config), "-h", uri], check=True, capture_output=True)
    try:
        _wait_up(uri)
        yield Directory(uri=uri.rstrip("/"), folder=folder)
    finally:
        _stop(folder / "slapd.pid")
        shutil.rmtree(folder, ignore_errors=True)
