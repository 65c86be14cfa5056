"""WeasyPrint's C libraries found from the linker's cache, read once.

WeasyPrint opens GLib, Pango, HarfBuzz and fontconfig through cffi, trying
several names for each; for every name that is not a file name, cffi asks
`ctypes.util.find_library`, which on Linux runs `ldconfig -p` and, for a
name the cache does not hold, the C compiler and the linker: 22 names and
about 60 child processes, a fifth of a second of every process that renders
(the command line, each of its workers, each of the web page's builds). The
cache is read once here and the same search made in it; a name it does not
hold is not found, as the compiler would not find it either on a system
whose libraries are in that cache. Elsewhere (no `ldconfig`, not Linux) the
standard search is left as it is."""

from __future__ import annotations

import contextlib
import ctypes.util
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterator

# ctypes.util's own table: which entries of the cache this interpreter can load
_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}


def _linker_cache() -> bytes:
    try:
        done = subprocess.run(["/sbin/ldconfig", "-p"], stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, env={"LC_ALL": "C", "LANG": "C"},
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return b""
    return done.stdout if done.returncode == 0 else b""


def _finder(cache: bytes):
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = _ABI.get(machine, "libc6")

    def find_library(name: str) -> str | None:
        # the expression ctypes.util uses on the same output (`_findSoname_ldconfig`)
        found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), cache)
        return os.fsdecode(found.group(1)) if found else None

    return find_library


@contextlib.contextmanager
def quick_lookup() -> Iterator[None]:
    """While WeasyPrint is imported: its libraries looked up in one read of the linker's cache."""
    cache = _linker_cache() if sys.platform.startswith("linux") else b""
    if not cache:
        yield
        return
    standard = ctypes.util.find_library
    ctypes.util.find_library = _finder(cache)
    try:
        yield
    finally:
        ctypes.util.find_library = standard
