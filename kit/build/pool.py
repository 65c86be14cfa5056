"""The pool: tasks rendered in worker processes (WeasyPrint uses one core per
document), or in this process for one job or one task; an interrupt cancels
what is queued and stops the workers."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

from .results import Task
from .signals import interrupts_heard, worker_start
from .worker import render_product

STOP_SECONDS = 1.5  # how long stopped workers get to clean up before they are killed


def _context():
    """How a worker starts. A fork shares this process's imports (the kit, the
    pack's models) and starts in milliseconds, where a fresh interpreter takes
    about a second to import them again. It is safe while this process runs
    a single thread and has not loaded WeasyPrint: once that has laid out,
    fontconfig, Pango and GLib hold caches and locks that a child must not
    inherit (the command line forks its workers before it would load it, see
    `early`). Otherwise, spawn."""
    if ("fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
            and "weasyprint" not in sys.modules):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class Workers(ProcessPoolExecutor):
    """The build's own worker processes, all started at once (`start`): the
    command line starts them while the pack loads, so that they are ready
    (WeasyPrint imported, see `signals.worker_start`) when the first product
    is. Stopped, not waited for, on an interrupt or when no task came."""

    def __init__(self, workers: int):
        super().__init__(max_workers=workers, mp_context=_context(), initializer=worker_start,
                         initargs=(os.getpid(),))
        self.used = False

    def start(self) -> Workers:
        # Ctrl-C and SIGTERM wait while the workers are made: a child gets its own
        # handlers first thing (`worker_start`, which unblocks them), and this process
        # takes a signal that came meanwhile once they are made.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            for _ in range(self._max_workers):  # one process each (spawned ones start on demand)
                super().submit(os.getpid)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        return self

    def submit(self, *args, **kwargs):
        self.used = True
        return super().submit(*args, **kwargs)

    def close(self) -> None:
        """At the end of a build: wait for the workers to exit, or stop them when they had nothing to do."""
        if self.used:
            self.shutdown()
        else:
            stop(self)


@contextlib.contextmanager
def early(jobs: int | None, products: int, parts: bool = False):
    """The command line's workers, started now, before the pack is read, when
    the build will want more than one (more than one job, and more than one
    product or a product that may be cut into `parts`: a card deck), else
    None; at the end they are waited for, or stopped at once on an error or
    an interrupt.

    They fork before this process loads WeasyPrint (see `_context`): each
    loads it as it starts (`signals.worker_start`) while this process reads
    the pack and plans, so that neither waits for the other, and this process,
    which renders nothing, never loads it. A single product starts its
    workers early only where they fork; a spawned worker's start (a second
    or more) pays only for more than one product."""
    jobs = jobs or os.cpu_count() or 1
    forks = _context().get_start_method() == "fork"
    if jobs == 1 or products < 1 or (products == 1 and not (parts and forks)):
        yield None
        return
    pool = Workers(min(jobs, products) if products > 1 else jobs).start()
    try:
        yield pool
    except BaseException:
        stop(pool)
        raise
    pool.close()


def render_group(tasks: list[Task]) -> list:
    """Several tasks in one worker, one after another: a batch's rows of one
    product, which lay out that product's common pages once (`kit.pagecache`)."""
    return [render_product(task) for task in tasks]


def _completed(pool, tasks: list[Task], groups: list[list[int]] | None = None):
    """(task index, Result) of each task submitted to `pool`, as each finishes;
    the tasks of a group (`groups`: lists of task indexes) go to one worker together."""
    futures = {}
    for group in groups or [[index] for index in range(len(tasks))]:
        if len(group) == 1:
            futures[pool.submit(render_product, tasks[group[0]])] = group
        else:
            futures[pool.submit(render_group, [tasks[index] for index in group])] = group
    for future in as_completed(futures):
        group, results = futures[future], future.result()
        yield from zip(group, results if len(group) > 1 else [results], strict=True)


def stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and stop the workers: SIGTERM, then SIGKILL after STOP_SECONDS."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline and any(process.is_alive() for process in processes):
        for process in processes:
            if process.is_alive():
                process.terminate()  # again: one may have been swallowed (see _on_sigterm)
        for process in processes:
            process.join(max(0.0, min(0.3, deadline - time.monotonic())))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(1.0)
    # The pool's manager thread closes its wake-up pipe as it ends; at exit, Python's
    # `_python_exit` writes to that pipe unless it is closed, and a close between its
    # check and its write is a traceback ("Bad file descriptor") after a clean error.
    # With the workers gone the thread ends at once: wait for it here.
    if manager is not None and manager.is_alive():
        manager.join(STOP_SECONDS)


def render_all(tasks: list[Task], jobs: int | None, pool=None, groups: list[list[int]] | None = None):
    """Render each task; yields (task index, Result)
    as each finishes. One job or one task: in this process; otherwise a pool,
    or the caller's own `pool` (a server keeps one, its workers warm; the
    command line starts its `Workers` early). `groups` (lists of task
    indexes, covering every task once): tasks that one worker renders
    together, in order; one group, like one task, is rendered in this process.

    Closing the generator early (an interrupt, an error in the caller) cancels
    the queued tasks and stops the workers before it returns (a server's pool
    is the server's to stop).
    """
    if pool is not None:
        try:
            yield from _completed(pool, tasks, groups)
        except BaseException:
            if isinstance(pool, Workers):
                stop(pool)
            raise
        return
    jobs = jobs or os.cpu_count() or 1
    units = len(groups) if groups is not None else len(tasks)
    if jobs == 1 or units <= 1:
        with interrupts_heard() as heard:
            for index, task in enumerate(tasks):
                heard.check()
                yield index, render_product(task)
            heard.check()
        return
    pool = Workers(min(jobs, units)).start()
    try:
        yield from _completed(pool, tasks, groups)
    except BaseException:
        stop(pool)
        raise
    pool.shutdown()
