"""Benchmark: bytes each main page transfers in a real browser, and the server time of a login.

The app is started as `make run` starts it (scripts/run.py: migrate, the demo data,
collectstatic, runserver with DEBUG on, static files through whitenoise) and as `make stack`
starts it (scripts/stack.py: PostgreSQL, Redis, gunicorn, DEBUG
off), each in a throw-away data folder on free ports. Debian's chromium, driven by Playwright,
logs in as a demo person (the director, who sees every page) and loads each main page:

- first load: a new browser context (an empty HTTP cache) holding only the login cookie;
- repeat load: the same page again in that context, as a person coming back to it.

Bytes are what the network carried, as Chromium's DevTools count them (`encodedDataLength`:
compressed bodies plus response headers), summed over every request of the page until the
network is idle (the HTML, styles, scripts, fonts, the translations catalogue, the to-do
count). A response from the browser's cache counts 0; a revalidation (304) its headers.

The login: the login form's POST timed over HTTP on loopback (GET the form, POST the
password, the 302 back), several times for one person; the median is the server's time. The
web server's CPU time for each POST is read from /proc as well (runserver less its autoreloader
thread, or gunicorn's processes): on a shared machine the wall time includes waiting for a core.

    .venv/bin/python bench/pages.py [--modes run,stack] [--logins 7] [--url http://…]

(`--url`: measure an app already running there, logged in as the same demo person.)

Budget: every page's first load <= 500 KB, every repeat load <= 60 KB, the median login
<= 300 ms, in each mode measured. The script exits 1 past any of them.
"""

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from pg import free_port  # noqa: E402

from bench.harness import source_version  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BUDGET = {"first_load_bytes": 500_000, "repeat_load_bytes": 60_000, "login_ms": 300}
USER = "director"  # sees every page below
# The demo password (governance.demo.DEMO_PASSWORD), read from the source: the benchmark's own
# process needs no Django.
PASSWORD = re.search(r'DEMO_PASSWORD = "([^"]+)"', (ROOT / "governance" / "demo.py").read_text()).group(1)
PAGES = {
    "home": "/home/",
    "to-do": "/todo/",
    "inbox": "/workflow/inbox/",
    "proposal list": "/proposals/all/",
    "a proposal": None,  # the first proposal of the list
    "audits list": "/audits/",
    "plan": "/plan/",
    "meetings": "/meetings/",
    "dashboard": "/dashboard/",
    "evidence": "/evidence/mine/",
}
# As tests/governance's browser tests launch Debian's chromium (shared/TESTING.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Collected (hashed, compressed) static files kept between runs: collectstatic compresses
# every file once, a minute or two; scripts/collect.py skips it while the sources are unchanged.
STATIC_CACHE = ROOT / "data" / "bench-static"


def wait_for(url, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            parts = urllib.parse.urlsplit(url)
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            conn.request("GET", parts.path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


class App:
    """`make run` or `make stack` in a throw-away data folder, in its own process group."""

    def __init__(self, mode, workdir):
        self.mode = mode
        self.port = free_port()
        data = Path(workdir) / mode
        env = {**os.environ, "DATA_DIR": str(data), "STATIC_ROOT": str(STATIC_CACHE), "PYTHONUNBUFFERED": "1"}
        if mode == "run":
            args = [sys.executable, "scripts/run.py", "--port", str(self.port)]
        else:
            args = [sys.executable, "scripts/stack.py"]
            env.update(
                STACK_PORT=str(self.port),
                STACK_PG_PORT=str(free_port()),
                STACK_REDIS_PORT=str(free_port()),
                STACK_WEB_WORKERS="2",
            )
        data.mkdir(parents=True)
        # The stack's PostgreSQL runs as the postgres user when we are root: it must reach
        # its data folder inside ours (a temporary folder is private to its owner).
        os.chmod(workdir, 0o755)
        self.log = data / "server.log"
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.url = f"http://127.0.0.1:{self.port}"
        try:
            wait_for(f"{self.url}/accounts/login/", self.process, timeout=600)
        except RuntimeError:
            self.stop()
            print(self.log.read_text()[-3000:], file=sys.stderr)
            raise

    def stop(self):
        if self.process.poll() is None:
            # Both scripts stop their children in order on SIGTERM.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _stat(path):
    """(ppid, CPU ticks: user + system) from a /proc stat file."""
    with open(path) as f:
        stat = f.read()
    # pid (comm) state ppid …: comm may hold spaces and parentheses.
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def web_cpu_seconds(root_pid):
    """CPU time so far of the web server's processes among `root_pid`'s descendants.

    Wall time says little on a shared machine (another session's tests take the cores), so
    the login is also measured by what the server spent on it. runserver's main thread is
    its autoreloader, which stats every source file each second: it is left out.
    """
    parents, ticks = {}, {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                parents[int(entry.name)], ticks[int(entry.name)] = _stat(f"/proc/{entry.name}/stat")
            except (OSError, ValueError, IndexError):
                continue
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo += [child for child, parent in parents.items() if parent == pid]
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"runserver" in cmdline:
                total += ticks[pid] - _stat(f"/proc/{pid}/task/{pid}/stat")[1]
            elif b"gunicorn" in cmdline:
                total += ticks[pid]
        except (OSError, KeyError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


class Transfers:
    """Bytes on the wire per request, from the DevTools protocol of one page."""

    def __init__(self, context, page):
        self.requests = {}
        self.cdp = context.new_cdp_session(page)
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")

    def _sent(self, event):
        self.requests[event["requestId"]] = {"url": event["request"]["url"], "bytes": 0}

    def _received(self, event):
        entry = self.requests.setdefault(event["requestId"], {"url": event["response"]["url"], "bytes": 0})
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        entry.update(
            status=event["response"]["status"],
            encoding=headers.get("content-encoding", ""),
            cache_control=headers.get("cache-control", ""),
            from_cache=bool(
                event["response"].get("fromDiskCache") or event["response"].get("fromPrefetchCache")
            ),
        )

    def _finished(self, event):
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["bytes"] = int(event["encodedDataLength"])

    def take(self):
        taken, self.requests = list(self.requests.values()), {}
        return taken


def load(page, transfers, url):
    transfers.take()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    requests = transfers.take()
    return {"bytes": sum(r["bytes"] for r in requests), "requests": requests}


def measure_pages(base):
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.locator("input[name=username]").fill(USER)
            page.locator("input[name=password]").fill(PASSWORD)
            page.get_by_role("button", name="登入").click()
            page.wait_for_url(f"{base}/home/")
            page.goto(f"{base}{PAGES['proposal list']}")
            hrefs = page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            proposal = next(h for h in hrefs if h and re.fullmatch(r"/proposals/\d+/", h))
            state = context.storage_state()  # the login cookie; no HTTP cache goes with it
            context.close()
            for name, path in PAGES.items():
                context = browser.new_context(storage_state=state)
                page = context.new_page()
                transfers = Transfers(context, page)
                url = f"{base}{path or proposal}"
                first = load(page, transfers, url)
                if "/accounts/login/" in page.url:
                    raise RuntimeError(f"{name}: sent to the login page")
                repeat = load(page, transfers, url)
                results[name] = {"path": path or proposal, "first": first, "repeat": repeat}
                context.close()
        finally:
            browser.close()
    return results


def login_times(base, count, server_pid=None):
    """Time of the login form's POST (ms), `count` times for one person: wall times, and the
    web server's CPU time for each when its process is ours (`server_pid`)."""
    parts = urllib.parse.urlsplit(base)
    times, cpu = [], []
    for _ in range(count):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        conn.request("GET", "/accounts/login/")
        response = conn.getresponse()
        html = response.read().decode()
        cookies = [c.split(";", 1)[0] for k, c in response.getheaders() if k.lower() == "set-cookie"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": USER, "password": PASSWORD})
        headers = {
            "Cookie": "; ".join(cookies),
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{base}/accounts/login/",
            "Origin": base,
        }
        cpu_before = web_cpu_seconds(server_pid) if server_pid else 0
        started = time.perf_counter()
        conn.request("POST", "/accounts/login/", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        if server_pid:
            cpu.append((web_cpu_seconds(server_pid) - cpu_before) * 1000)
        conn.close()
        if response.status != 302 or "/accounts/login/" in (response.getheader("Location") or ""):
            raise RuntimeError(f"login refused: HTTP {response.status}")
    return times, cpu


def report(mode, pages, logins, login_cpu):
    print(
        f"\n== {mode}: bytes transferred (budget: first {BUDGET['first_load_bytes']:,}, "
        f"repeat {BUDGET['repeat_load_bytes']:,}) =="
    )
    print(f"{'page':<16}{'first load':>12}{'requests':>10}{'repeat load':>13}{'requests':>10}")
    over = []
    for name, figures in pages.items():
        first, repeat = figures["first"], figures["repeat"]
        print(
            f"{name:<16}{first['bytes']:>12,}{len(first['requests']):>10}"
            f"{repeat['bytes']:>13,}{sum(1 for r in repeat['requests'] if r['bytes']):>10}"
        )
        if first["bytes"] > BUDGET["first_load_bytes"]:
            over.append(f"{mode} {name} first load {first['bytes']:,} B")
        if repeat["bytes"] > BUDGET["repeat_load_bytes"]:
            over.append(f"{mode} {name} repeat load {repeat['bytes']:,} B")
    median = statistics.median(logins)
    print(
        f"login (server time over loopback, {len(logins)} logins): median {median:.0f} ms, "
        f"min {min(logins):.0f}, max {max(logins):.0f} (budget {BUDGET['login_ms']} ms)"
    )
    if login_cpu:
        print(
            f"  the web server's CPU per login: median {statistics.median(login_cpu):.0f} ms, "
            f"min {min(login_cpu):.0f}, max {max(login_cpu):.0f}; load average {os.getloadavg()[0]:.1f}"
        )
    if median > BUDGET["login_ms"]:
        over.append(f"{mode} login median {median:.0f} ms")
    return over


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="run,stack", help="run, stack or both (run,stack)")
    parser.add_argument("--logins", type=int, default=7)
    parser.add_argument("--url", help="measure an app already running there (no start, no login bench)")
    args = parser.parse_args()
    modes = [mode for mode in args.modes.split(",") if mode]
    if not set(modes) <= {"run", "stack"}:
        parser.error("--modes takes run, stack or run,stack")
    results = {
        "budget": BUDGET,
        "commit": source_version("governance", "templates", "scripts", "bench"),
        "modes": {},
    }
    over = []
    if args.url:
        pages = measure_pages(args.url.rstrip("/"))
        over += report(args.url, pages, *login_times(args.url.rstrip("/"), args.logins))
        results["modes"][args.url] = {"pages": pages}
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as workdir:
        for mode in [] if args.url else modes:
            started = time.monotonic()
            app = App(mode, workdir)
            print(f"{mode}: up in {time.monotonic() - started:.0f} s at {app.url}", flush=True)
            try:
                logins, login_cpu = login_times(app.url, args.logins, app.process.pid)
                pages = measure_pages(app.url)
            finally:
                app.stop()
            over += report(mode, pages, logins, login_cpu)
            results["modes"][mode] = {
                "pages": pages,
                "login_ms": [round(t, 1) for t in logins],
                "login_server_cpu_ms": [round(t, 1) for t in login_cpu],
                "load_average": os.getloadavg(),
            }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    if over:
        print("\nOVER BUDGET:\n  " + "\n  ".join(over))
        return 1
    print("\nWithin budget.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
