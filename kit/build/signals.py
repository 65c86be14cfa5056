"""Signals: how Ctrl-C and SIGTERM stop a build cleanly.

The main process hears Ctrl-C and stops the workers with SIGTERM; a worker
unwinds its render (removing its .part file) and exits 130. WeasyPrint
swallows every exception while it draws an SVG (the QR codes), so a stop
that was swallowed is raised again until it reaches the kit's code.
"""

from __future__ import annotations

import contextlib
import multiprocessing.util
import os
import random
import signal
import sys
import threading
import time

from ..errors import EXIT_INTERRUPTED
from ..paths import KIT

_busy = False  # in a worker: a product is being rendered


class Cancelled(BaseException):
    """Raised in a worker by SIGTERM: unwinds the render (removing its .part file)."""


@contextlib.contextmanager
def rendering():
    """Marks the render of a worker: a SIGTERM now unwinds it (`Cancelled`)
    rather than ending the process at once."""
    global _busy
    _busy = True
    try:
        yield
    finally:
        _busy = False


_stops = 0  # SIGTERMs received


def _on_sigterm(signum, frame):
    global _stops
    _stops += 1
    # WeasyPrint swallows every exception while it draws an SVG (the QR codes):
    # a stop that was swallowed comes again, and the third one ends the process.
    if _busy and _stops < 3:
        raise Cancelled()
    exit_now(EXIT_INTERRUPTED)


def _remove_fonts() -> None:
    """WeasyPrint copies the fonts a document names into a temporary folder of
    its font configuration, removed when that is collected: a worker ends with
    os._exit, which collects nothing, so it removes the folder itself."""
    render = sys.modules.get("kit.render")
    config = getattr(render, "_FONT_CONFIG", None)
    if config is not None:
        config.__del__()  # WeasyPrint's own clean-up (it may run again at collection: harmless)


def exit_now(status: int) -> None:
    """End this worker at once (a stop), its temporary fonts removed."""
    _remove_fonts()
    os._exit(status)


class _Heard:
    """Whether Ctrl-C came while this process rendered (see `interrupts_heard`)."""

    pending = False

    def check(self) -> None:
        if self.pending:
            raise KeyboardInterrupt


def _in_weasyprint(frame) -> bool:
    """Whether the innermost code running, of WeasyPrint's and the kit's, is WeasyPrint's."""
    kit = str(KIT)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(kit):
            return False
        if f"{os.sep}weasyprint{os.sep}" in name:
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def interrupts_heard():
    """Ctrl-C while this process renders. WeasyPrint swallows every exception
    while it draws an SVG (the QR codes), KeyboardInterrupt included: once
    Ctrl-C came, it is raised again every 0.05 to 0.25 s while WeasyPrint's code runs,
    and checked between products, until it reaches the kit's code."""
    heard = _Heard()
    if threading.current_thread() is not threading.main_thread():
        yield heard  # signals reach only the main thread (a web page's build runs in a worker)
        return

    def soon():
        # at uneven intervals, so that a loop of draws cannot keep catching every one
        signal.setitimer(signal.ITIMER_REAL, random.uniform(0.05, 0.25))

    def again(signum, frame):
        soon()
        if _in_weasyprint(frame):
            raise KeyboardInterrupt

    def first(signum, frame):
        heard.pending = True
        signal.signal(signal.SIGALRM, again)
        soon()
        raise KeyboardInterrupt

    # Ctrl-C, and SIGTERM where the command line made it act as Ctrl-C; a
    # signal ignored or left to its default is left as it is
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM)}
    taken = [number for number in (signal.SIGINT, signal.SIGTERM) if callable(previous[number])]
    for number in taken:
        signal.signal(number, first)
    try:
        yield heard
    finally:
        if taken:
            signal.setitimer(signal.ITIMER_REAL, 0)
            for number, handler in previous.items():
                if handler is not None:  # None: a handler not set from Python, left as it is
                    signal.signal(number, handler)


def _watch_parent(parent: int) -> None:
    # A worker whose main process was killed stops too, instead of rendering on unseen.
    while os.getppid() == parent:
        time.sleep(0.2)
    while True:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.3)


def worker_start(parent: int) -> None:
    # Ctrl-C reaches the whole process group; the main process decides and stops
    # the workers with SIGTERM, so that each stops in the same, clean way. The
    # main process blocked both while it started this one (`pool.Workers.start`).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    # the parent is named by the main process: it may have died while this one started
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    # run as the worker returns (a forked one ends with os._exit, after its finalizers)
    multiprocessing.util.Finalize(None, _remove_fonts, exitpriority=10)
    # Ready for the first task before it comes: the command line starts its
    # workers while it loads the pack, so the renderer loads meanwhile.
    try:
        from .. import render, sheets  # noqa: F401 - WeasyPrint, and what every card product uses
    except ImportError:
        pass  # said by the first task that needs it, as a failure of that task
