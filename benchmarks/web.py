#!/usr/bin/env python3
"""The web page's rebuild after a new school name, as the page sees it:
`python benchmarks/web.py [--reps N]`.

Starts the kit's server (`generate.py serve`, its warm process pool as a
facilitator runs it), builds the poster and the sort cards of the default
pack for one school, then asks for another school: the figure is the time
from that request to its first new preview (the poster's first page
picture, fetched whole). The client does what the page does: it posts the
form, then fetches the job's fragment again after the delay the fragment
asks for (htmx's `hx-trigger="load delay:..."`), until a new picture is
listed, and fetches the picture. Only the standard library is used, so the
figure is the server's and the page's, not a client library's.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REBUILD_MAX_S = 1.0  # request -> first new preview after a new school name
PRODUCTS = ("poster", "sort-cards")
SCHOOLS = ("De Linde", "Het Anker")
TIMEOUT_S = 240.0
DELAY = re.compile(r'hx-trigger="load(?: delay:(\d+)ms)?"')
THUMB = re.compile(r'id="result-poster".*?<img src="([^"]+)"', re.S)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Page:
    """One visitor: a cookie jar (the session), and the requests the page makes."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=TIMEOUT_S) as response:
            return response.read()

    def build(self, school: str) -> str:
        """Post the form as the page does (multipart, like htmx with hx-encoding); the job's fragment."""
        fields = [("pack", "collectief-leren"), *(("products", p) for p in PRODUCTS), ("school", school),
                  ("date", "2026-12-04")]
        boundary = uuid.uuid4().hex
        body = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields
        ) + f'--{boundary}\r\nContent-Disposition: form-data; name="pack_file"; filename=""\r\n'.encode() \
            + b"Content-Type: application/octet-stream\r\n\r\n\r\n" + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.base + "/build", data=body, method="POST", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "HX-Request": "true"})
        with self.opener.open(request, timeout=TIMEOUT_S) as response:
            return response.read().decode()

    def follow(self, fragment: str, until) -> str:
        """Fetch the job's fragment again, after the delay it asks for, until `until(fragment)`."""
        deadline = time.monotonic() + TIMEOUT_S
        while not until(fragment):
            delay = DELAY.search(fragment)
            if delay is None:
                raise RuntimeError("the job ended without what was waited for:\n" + fragment[-2000:])
            if time.monotonic() > deadline:
                raise RuntimeError("no new preview in time")
            time.sleep(int(delay[1] or 0) / 1000)
            job = re.search(r'hx-get="([^"]+)"', fragment)[1]
            fragment = self.get(job.replace("&amp;", "&"))
            fragment = fragment.decode() if isinstance(fragment, bytes) else fragment
        return fragment


def _thumb(fragment: str) -> str | None:
    found = THUMB.search(fragment)
    return found[1].replace("&amp;", "&") if found else None


def rebuild_seconds(base: str) -> float:
    """One visitor's build, then the rebuild after a new school name: seconds to its first new preview."""
    page = Page(base)
    done = page.follow(page.build(SCHOOLS[0]), lambda f: "aria-busy=\"false\"" in f)
    old = _thumb(done)
    if old is None:
        raise RuntimeError("the first build shows no poster preview:\n" + done[-2000:])
    started = time.perf_counter()
    fragment = page.follow(page.build(SCHOOLS[1]), lambda f: _thumb(f) not in (None, old))
    page.get(_thumb(fragment))  # the picture, whole
    seconds = time.perf_counter() - started
    page.follow(fragment, lambda f: "aria-busy=\"false\"" in f)  # let the build end before the next
    return seconds


class Server:
    """`generate.py serve` on a free port, as a facilitator starts it."""

    def __init__(self):
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, ROOT / "generate.py", "serve", "--port", str(port),
                                      "--no-browser"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5):
                    return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start: " + self.proc.stderr.read().decode()[-2000:])
                time.sleep(0.1)

    def close(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def measure(reps: int) -> list[float]:
    """`reps` rebuilds, each by a new visitor, on one server (its pool warm after the first)."""
    server = Server()
    try:
        rebuild_seconds(server.base)  # warm-up: the workers import WeasyPrint
        return [rebuild_seconds(server.base) for _ in range(reps)]
    finally:
        server.close()


def row(reps: int) -> str:
    """The benchmark table's row (see benchmarks/run.py)."""
    runs = measure(reps)
    value = statistics.median(runs)
    return (f"| Web page: request to first new preview after a new school name (poster and sort cards) | "
            f"{value:.2f} s | <= {REBUILD_MAX_S:g} s | {'met' if value <= REBUILD_MAX_S else '**NO**'} | "
            f"runs {', '.join(f'{r:.2f}' for r in runs)} s |")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reps", type=int, default=3, metavar="N", help="rebuilds measured (default 3)")
    p.add_argument("--json", action="store_true", help="print the runs as JSON instead of a table row")
    args = p.parse_args(argv)
    if args.json:
        print(json.dumps(measure(max(1, args.reps))))
    else:
        print(row(max(1, args.reps)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
