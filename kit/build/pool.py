"""The pool: tasks rendered in worker processes (WeasyPrint uses one core per
document), or in this process for one job or one task; an interrupt cancels
what is queued and stops the workers."""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

from .results import Task
from .signals import interrupts_heard, worker_start
from .worker import render_product

STOP_SECONDS = 1.5  # how long stopped workers get to clean up before they are killed


def _completed(pool, tasks: list[Task]):
    """(task index, Result) of each task submitted to `pool`, as each finishes."""
    futures = {pool.submit(render_product, task): index for index, task in enumerate(tasks)}
    for future in as_completed(futures):
        yield futures[future], future.result()


def stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and stop the workers: SIGTERM, then SIGKILL after STOP_SECONDS."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
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


def render_all(tasks: list[Task], jobs: int | None, pool=None):
    """Render each task; yields (task index, Result)
    as each finishes. One job or one task: in this process; otherwise a pool,
    or the caller's own `pool` (a server keeps one, its workers warm).

    Closing the generator early (an interrupt, an error in the caller) cancels
    the queued tasks and stops the workers before it returns.
    """
    if pool is not None:
        yield from _completed(pool, tasks)
        return
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(tasks) <= 1:
        with interrupts_heard() as heard:
            for index, task in enumerate(tasks):
                heard.check()
                yield index, render_product(task)
            heard.check()
        return
    # spawn: forking a process that has loaded WeasyPrint's C libraries is unsafe
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context, initializer=worker_start,
                               initargs=(os.getpid(),))
    try:
        yield from _completed(pool, tasks)
    except BaseException:
        stop(pool)
        raise
    pool.shutdown()
