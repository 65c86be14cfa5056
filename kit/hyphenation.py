"""Hyphenation patterns read once per machine, not once per process.

WeasyPrint hyphenates with Pyphen, which parses a language's pattern file
the first time a process hyphenates in it: 0.1 s for Dutch or English,
0.85 s for German, in every process that renders (the command line's
workers, each web build, each row of a batch started anew). The parsed
patterns are kept in the user's cache folder, beside fontconfig's, as plain
data (`marshal`: strings and numbers, no code), keyed by the pattern file's
path, size and time and Pyphen's version; a process loads them in a hundredth
of the time. A missing, stale, unreadable or unwritable cache only means
parsing as before."""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path

import pyphen

from .pack.files import save_atomically

_CLASS = pyphen.HyphDict  # Pyphen's own, kept: install() puts hyph_dict in its place


def _parse(path: Path):
    return _CLASS(path)


def _folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "findings-kit" / "hyphenation"


def _key(path: Path) -> str:
    stat = path.stat()
    identity = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{getattr(pyphen, '__version__', '')}"
    return f"{path.stem}-{hashlib.sha256(identity.encode()).hexdigest()[:16]}.marshal"


def _plain(patterns) -> bool:
    """Patterns of plain numbers, as Pyphen parses them (the only ones kept: a
    nonstandard one, Pyphen's `DataInt`, would not come back as it was)."""
    return isinstance(patterns, dict) and all(
        type(key) is str and type(start) is int and type(values) is tuple and all(type(v) is int for v in values)
        for key, (start, values) in patterns.items())


def _load(file: Path):
    patterns, maxlen = marshal.loads(file.read_bytes())
    if not (type(maxlen) is int and _plain(patterns)):
        raise ValueError(file)
    parsed = _CLASS.__new__(_CLASS)
    parsed.patterns, parsed.maxlen, parsed.cache = patterns, maxlen, {}
    return parsed


def _save(file: Path, parsed) -> None:
    # written whole, then renamed: two processes may write it at once
    data = marshal.dumps((parsed.patterns, parsed.maxlen))
    save_atomically(lambda temporary: Path(temporary).write_bytes(data), file)


def hyph_dict(path):
    """Pyphen's parsed patterns of `path`, from the cache where they are there."""
    path = Path(path)
    try:
        file = _folder() / _key(path)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to keep a cache in
        return _parse(path)
    try:
        return _load(file)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    parsed = _parse(path)
    if _plain(parsed.patterns):
        try:
            _save(file, parsed)
        except OSError:
            pass
    return parsed


def install() -> None:
    """Pyphen makes its patterns with `hyph_dict` from now on (it looks the name up when it parses)."""
    pyphen.HyphDict = hyph_dict
