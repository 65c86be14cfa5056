"""Builds for the web page and the API: one folder per session or request,
the command line's build_kit, and one warm process pool for rendering.

A browser session keeps its output folder, so a second build with a new
school name re-renders only what prints it (build_kit's fingerprints); two
sessions or two API requests never share a folder or a cache.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..build import Result, Status, build_kit
from ..build.pool import stop as _stop
from ..build.signals import exit_now
from ..context import Options
from ..coverage import after_build
from ..errors import KitError
from ..pack import LoadedPack
from .lifecycle import DaemonThreads, News, make_root
from .previews import write_previews
from .sessions import Session, Sessions

BUILDING = "building"  # a product's state on the page before its Result (and previews) are in


def _worker_init(parent: int) -> None:
    # Ctrl-C reaches the whole process group: the server stops the workers itself
    # (SIGTERM: a stopped server's work is not worth finishing), and each ends at
    # once with its temporary fonts removed (`exit_now`).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: exit_now(1))
    _killed_with_parent()
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    from .. import render  # noqa: F401 - import WeasyPrint once, before the first build


def _killed_with_parent() -> None:
    """Linux: the kernel kills this worker the moment the server's thread that started it
    is gone, which for the server's build threads is when the server is (even when this
    worker is deep in WeasyPrint's C code, and on a loaded machine)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # the watcher below still stops it


def _exit_when_orphaned(parent: int) -> None:
    # A server killed outright (kill -9) cannot stop its workers: each sees it gone and
    # exits at once (what it was writing is in the server's root, removed by the next start).
    while os.getppid() == parent:
        time.sleep(0.1)
    exit_now(1)


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
    unprinted: list[str] = field(default_factory=list)  # items of the pack no product of a full build printed
    version: int = 0  # counts the changes the page can see: a waiting request answers when it moves

    def touch(self) -> None:
        self.version += 1

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


class Builder:
    """The server's state: its temporary root, sessions, and the pools."""

    def __init__(self, workers: int | None = None):
        self.root = make_root()
        self.sessions = Sessions(self.root)
        workers = workers or min(os.cpu_count() or 1, 4)
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_worker_init, initargs=(os.getpid(),))
        # Builds wait on the process pool in threads, off the event loop; an upload is
        # parsed by one of two threads, so that a queue of workbooks cannot take the CPU.
        self.threads = DaemonThreads(8, "kit-build")
        self.parsers = DaemonThreads(2, "kit-parse")
        self.stopping = threading.Event()
        self.news = News()  # pages waiting for their job's next change

    def changed(self, job: Job) -> None:
        job.touch()
        self.news.tell()

    def stop(self) -> None:
        """Abandon every build now (Ctrl-C): the pool's workers are stopped, waiting requests answer 503."""
        if not self.stopping.is_set():
            self.stopping.set()
            self.news.tell()
            threading.Thread(target=_stop, args=(self.pool,), daemon=True).start()

    def close(self) -> None:
        self.stopping.set()
        self.news.tell()
        self.threads.shutdown()
        self.parsers.shutdown()
        _stop(self.pool)
        shutil.rmtree(self.root, ignore_errors=True)

    # -- folders -----------------------------------------------------------
    def request_folder(self) -> Path:
        """A fresh folder for one API request; the caller removes it."""
        return Path(tempfile.mkdtemp(prefix="request-", dir=self.root))

    def session(self, session_id: str | None) -> Session:
        return self.sessions.get(session_id)

    def find_session(self, session_id: str | None) -> Session | None:
        return self.sessions.find(session_id)

    # -- building ----------------------------------------------------------
    def run(self, pack_folder: Path, loaded: LoadedPack, out: Path, products: list[str], options: Options,
            job: Job | None = None, previews: bool = False) -> list[Result]:
        """build_kit on the shared pool; with a job, records progress and writes previews."""

        def record(result: Result) -> None:
            if job is None:
                return
            job.results[result.product] = result
            self.changed(job)
            if previews and result.status.written and result.path:

                def shown(count: int) -> None:  # the thumbnails are in: the page may show them
                    job.previews[result.product] = count
                    self.changed(job)
                    if result.status == Status.BUILT and job.first_preview is None:
                        job.first_preview = time.perf_counter() - job.started

                if result.path.endswith(".pdf"):
                    write_previews(Path(result.path), fresh=result.status == Status.BUILT, on_thumbs=shown)
                else:  # a page (the screen version) has no pages to picture: it is opened instead
                    shown(0)

        try:
            results = build_kit(pack_folder, out, products, options, on_result=record, loaded=loaded, pool=self.pool)
            if job is not None:
                job.unprinted = after_build(loaded.pack, products, results)
            return results
        finally:
            if job is not None:
                job.seconds = time.perf_counter() - job.started
                job.done = True  # the page hears of it from `start`, once a failure is written too

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
                if self.stopping.is_set():
                    job.failure = "the server stopped; the build was cancelled"
                self.changed(job)
                session.lock.release()
                self.sessions.prune()

        session.job = job
        self.threads.submit(work)
