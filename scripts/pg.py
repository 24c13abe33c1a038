"""A throw-away PostgreSQL server for tests, benchmarks and `make stack`.

PostgreSQL refuses to run as root, so as root the server runs as the
`postgres` system user (created by Debian's package); otherwise as the caller.
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile


def _bindir():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return os.path.dirname(candidates[0])
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(initdb)
    raise RuntimeError("PostgreSQL is not installed: apt-get install -y postgresql")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextlib.contextmanager
def temporary_postgres(data_dir=None, port=None, keep=False):
    """Start a server; yield its DATABASE_URL (database `governance`); stop it after."""
    bindir = _bindir()
    port = port or free_port()
    owned_tmp = data_dir is None
    data_dir = data_dir or tempfile.mkdtemp(prefix="governance-pg-")
    os.makedirs(data_dir, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(data_dir, "postgres", "postgres")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT}
    if not os.path.exists(os.path.join(data_dir, "PG_VERSION")):
        subprocess.run(
            _as_server_user(
                [
                    f"{bindir}/initdb",
                    "-D",
                    data_dir,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            **quiet,
        )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {data_dir} -c fsync=off"
        if not keep
        else f"-c listen_addresses=127.0.0.1 -p {port} -k {data_dir}"
    )
    subprocess.run(
        _as_server_user(
            [
                f"{bindir}/pg_ctl",
                "-D",
                data_dir,
                "-o",
                options,
                "-w",
                "-l",
                os.path.join(data_dir, "server.log"),
                "start",
            ]
        ),
        check=True,
        **quiet,
    )
    try:
        subprocess.run(
            _as_server_user(
                [f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "governance"]
            ),
            **quiet,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/governance"
    finally:
        subprocess.run(
            _as_server_user([f"{bindir}/pg_ctl", "-D", data_dir, "-m", "fast", "-w", "stop"]),
            **quiet,
        )
        if owned_tmp and not keep:
            shutil.rmtree(data_dir, ignore_errors=True)
