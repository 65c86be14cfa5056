"""The output folder: one build at a time writes into it (`locked`), and the
half-written files of a build that was stopped are removed under its lock."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ..errors import KitError
from ..paths import CACHE_DIR, LOCK_FILE


def remove_stale_parts(out: Path) -> None:
    """Half-written files of a build that was stopped; the PDFs beside them are whole.

    Called only under the folder's lock, so no running build owns them.
    """
    if out.is_dir():
        for part in out.glob(".*.pdf.part"):
            part.unlink(missing_ok=True)
        for tmp in (out / CACHE_DIR).glob(".*.tmp"):
            tmp.unlink(missing_ok=True)


def _writable_folder(out: Path) -> None:
    """Create the output folder, or say in one line why it cannot be."""
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise KitError("is a file, not a folder; --out names a folder", existing)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KitError(f"cannot create the output folder: {exc.strerror}", out) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise KitError("cannot write in the output folder: permission denied", out)


@contextlib.contextmanager
def locked(out: Path, on_wait=None):
    """Hold the output folder's lock: one build at a time writes into it.

    A second build waits (`on_wait` is called once, to say so); Ctrl-C stops
    the waiting. The lock goes with the process, however it ends.
    """
    out = Path(out)
    _writable_folder(out)
    path = out / LOCK_FILE
    try:
        handle = open(path, "a+b")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise KitError(f"cannot write in the output folder: {exc.strerror}", out) from None
    with handle:
        try:
            import fcntl
        except ImportError:  # Windows
            from filelock import FileLock, Timeout

            lock = FileLock(str(path) + ".win")
            try:
                lock.acquire(timeout=0)
            except Timeout:
                if on_wait:
                    on_wait()
                lock.acquire()
            with lock:
                yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
