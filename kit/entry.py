"""The command line as a process (`generate.py`, `python -m kit`, the
`findings-kit` command): `cli.main`, then an exit that skips tearing the
interpreter down."""

from __future__ import annotations

import atexit
import os
import sys
import threading


def run() -> None:
    from .cli import main

    leave(main())


def leave(status: int | None) -> None:
    """Exit with `status` once the build is over. By then every PDF is in
    place (written to a temporary file and renamed), the build records are
    saved and the workers have ended; what is left of a normal exit is the
    interpreter freeing each of its objects and modules one by one, about
    0.1 s after a large deck. The exit handlers still run (multiprocessing's
    among them) and the output is flushed first. A process still running
    another thread (a web server's) exits the ordinary way, which waits for
    it."""
    status = 0 if status is None else status
    if threading.active_count() > 1:
        sys.exit(status)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more can be said
            pass
    os._exit(status)
