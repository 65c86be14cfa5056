"""Builds for the web page and the API: one folder per session or request,
the command line's build_kit, and one warm process pool for rendering.

A browser session keeps its output folder, so a second build with a new
school name re-renders only what prints it (build_kit's fingerprints); two
sessions or two API requests never share a folder or a cache.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import shutil
import signal
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..build import Result, Status, build_kit
from ..context import Options
from ..errors import KitError
from ..pack import LoadedPack
from .previews import write_previews

SESSION_IDLE_SECONDS = 4 * 3600
BUILDING = "building"  # a product's state on the page before its Result (and previews) are in


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group: the server stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .. import render  # noqa: F401 - import WeasyPrint once, before the first build


@dataclass
class Job:
    id: str
    products: list[str]
    out: Path
    pack_id: str
    options: Options
    source: Path
    started: float = field(default_factory=time.perf_counter)
    results: dict[str, Result] = field(default_factory=dict)
    previews: dict[str, int] = field(default_factory=dict)  # product -> pages with PNGs
    done: bool = False
    seconds: float = 0.0
    first_preview: float | None = None  # seconds from the request to the first new preview
    failure: str = ""

    def state(self, product: str) -> str:
        """What the page shows: "building", or the product's `Status`."""
        result = self.results.get(product)
        if result is None:
            return BUILDING if not self.done else Status.INTERNAL
        if result.status.written and product not in self.previews:
            return BUILDING  # the PDF is there, its pictures are on their way
        return result.status

    @property
    def finished(self) -> list[str]:
        return [p for p in self.products if self.state(p) in (Status.BUILT, Status.CACHED)]


@dataclass
class Session:
    id: str
    folder: Path
    lock: threading.Lock = field(default_factory=threading.Lock)
    job: Job | None = None
    seen: float = field(default_factory=time.monotonic)


class Builder:
    """The server's state: its temporary root, sessions, and the pools."""

    def __init__(self, workers: int | None = None):
        self.root = Path(tempfile.mkdtemp(prefix="findings-kit-web-"))
        self.sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        workers = workers or min(os.cpu_count() or 1, 4)
        self.pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init
        )
        # Builds wait on the process pool in threads, off the event loop.
        self.threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kit-build")

    def close(self) -> None:
        self.threads.shutdown(wait=False, cancel_futures=True)
        self.pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.root, ignore_errors=True)

    # -- folders -----------------------------------------------------------
    def request_folder(self) -> Path:
        """A fresh folder for one API request; the caller removes it."""
        return Path(tempfile.mkdtemp(prefix="request-", dir=self.root))

    def session(self, session_id: str | None) -> Session:
        now = time.monotonic()
        with self._lock:
            for old in [s for s in self.sessions.values() if now - s.seen > SESSION_IDLE_SECONDS]:
                if not old.lock.locked():
                    del self.sessions[old.id]
                    shutil.rmtree(old.folder, ignore_errors=True)
            found = self.sessions.get(session_id or "")
            if found is None:
                new_id = secrets.token_urlsafe(18)
                found = Session(new_id, Path(tempfile.mkdtemp(prefix="session-", dir=self.root)))
                self.sessions[new_id] = found
            found.seen = now
            return found

    def find_session(self, session_id: str | None) -> Session | None:
        with self._lock:
            return self.sessions.get(session_id or "")

    # -- building ----------------------------------------------------------
    def run(self, pack_folder: Path, loaded: LoadedPack, out: Path, products: list[str], options: Options,
            job: Job | None = None, previews: bool = False) -> list[Result]:
        """build_kit on the shared pool; with a job, records progress and writes previews."""

        def record(result: Result) -> None:
            if job is None:
                return
            job.results[result.product] = result
            if previews and result.status.written and result.path:
                job.previews[result.product] = write_previews(Path(result.path), fresh=result.status == Status.BUILT)
                if result.status == Status.BUILT and job.first_preview is None:
                    job.first_preview = time.perf_counter() - job.started

        try:
            return build_kit(pack_folder, out, products, options, on_result=record, loaded=loaded, pool=self.pool)
        finally:
            if job is not None:
                job.seconds = time.perf_counter() - job.started
                job.done = True

    def start(self, session: Session, job: Job, pack_folder: Path, loaded: LoadedPack, options: Options,
              cleanup: Path | None = None) -> None:
        """Run the job in a thread; the session's lock is held until it is done."""

        def work():
            try:
                self.run(pack_folder, loaded, job.out, job.products, options, job, previews=True)
            except KitError as exc:
                job.failure = exc.detail
            except Exception as exc:  # noqa: BLE001 - shown on the page as an internal error
                job.failure = f"{type(exc).__name__}: {exc}"
            finally:
                if cleanup is not None:
                    shutil.rmtree(cleanup, ignore_errors=True)
                session.lock.release()

        session.job = job
        self.threads.submit(work)
