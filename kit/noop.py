"""The no-op rebuild: a command line that asks again for the kit its last
build made, when nothing that build read or wrote has changed, is answered
from that build's manifest, without loading the pack or importing the
renderer and its companions (WeasyPrint, Jinja, pydantic, qrcode).

The manifest (`<out>/.kit-cache/last-build.json`) is written by a build of
the command line that ended without an error, under the output folder's
lock, and removed by every build (of any kind) as it starts. It holds:

- the request: the kit's version, the working folder, the command line
  (without --force, --jobs and --verbose, which change no PDF), the pack it
  named and SOURCE_DATE_EPOCH;
- the inputs, digested before the pack was loaded: every file at the top of
  the pack folder (or the workbook), every file of the kit and its layouts
  (code, templates, stylesheets, label tables, fonts), and the state of the
  installed packages (a plugin installed or WeasyPrint upgraded);
- the outputs: the digest of each product's file and of its record, or that
  a skipped product has neither;
- the lines a no-op prints (each product "unchanged", or skipped, and the
  warning about items no product prints).

A build's products are a function of these: when every one is as recorded,
the build would render nothing and print these lines. Anything else (a
changed pack file, layout, font, option or version, a deleted or edited
PDF, --force, a flag this module does not know, a build holding the lock)
goes the ordinary way, which decides product by product.

Only the standard library is imported here: that is the point.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from . import __version__
from .paths import CACHE_DIR, KIT, LAYOUTS, LOCK_FILE

MANIFEST = "last-build.json"
# Flags that change no PDF: dropped from the request. --force is dropped when
# a build is recorded (its PDFs are those of any build) and refused on replay.
QUIET = ("--verbose",)
VALUED = ("--jobs",)
# Flags whose run does more than build (or nothing but print): never replayed nor recorded.
NEVER = ("--batch", "--watch", "--preview", "--help", "-h", "--version", "--")


def request(argv: list[str], flags: list[str], *, recording: bool) -> list[str] | None:
    """The command line as the manifest keys it, or None if it cannot be replayed.

    `flags` are the parser's option strings: a token that looks like a flag
    and is not one of them exactly (an abbreviation, a typo) is never
    replayed, so that `--forc` cannot pass for a plain build.
    """
    kept: list[str] = []
    tokens = iter(str(token) for token in argv)
    for token in tokens:
        name = token.split("=", 1)[0]
        if name == "--force":
            if not recording:
                return None
            continue
        if name in NEVER:
            return None
        if name in QUIET:
            continue
        if name in VALUED:
            if "=" not in token:
                next(tokens, None)
            continue
        if token.startswith("-") and not _number(token) and name not in flags:
            return None
        kept.append(token)
    return kept


def _number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _option(argv: list[str], flag: str) -> str | None:
    """The value given to `flag` (`--out DIR` or `--out=DIR`), the last one if repeated."""
    value = None
    tokens = [str(token) for token in argv]
    for index, token in enumerate(tokens):
        if token == flag and index + 1 < len(tokens):
            value = tokens[index + 1]
        elif token.startswith(flag + "="):
            value = token.split("=", 1)[1]
    return value


def key(argv_request: list[str], content: Path) -> str:
    text = json.dumps([__version__, os.getcwd(), argv_request, str(content), os.environ.get("SOURCE_DATE_EPOCH")])
    return hashlib.sha256(text.encode()).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _tree(digest, folder: Path) -> None:
    """Every file under `folder` (but compiled Python), by path and bytes, in a stable order."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = Path(root, name)
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update((_file_digest(path) or "unreadable").encode())


def _installed() -> list:
    """When the installed packages last changed: a site folder's time changes with every install."""
    found = []
    for entry in sys.path:
        if Path(entry).name in ("site-packages", "dist-packages"):
            try:
                found.append([entry, os.stat(entry).st_mtime_ns])
            except OSError:
                found.append([entry, None])
    return found


def inputs(content: Path, layout_roots: list[str]) -> dict:
    """What a build reads, digested: the pack's files, the kit's, the installed packages'."""
    pack = hashlib.sha256()
    if content.is_dir():
        with os.scandir(content) as entries:  # a pack's files are at the top of its folder
            for entry in sorted(entries, key=lambda e: e.name):
                pack.update(entry.name.encode() + b"\0")
                if entry.is_file(follow_symlinks=True):
                    pack.update((_file_digest(Path(entry.path)) or "unreadable").encode())
                else:
                    pack.update(b"not a file")
    else:
        pack.update((_file_digest(content) or "missing").encode())
    kit = hashlib.sha256()
    for folder in [KIT, LAYOUTS, *map(Path, layout_roots)]:
        if folder == LAYOUTS and LAYOUTS.is_relative_to(KIT):
            continue  # an installed wheel carries the layouts inside the kit
        kit.update(str(folder).encode() + b"\0")
        if folder.is_dir():
            _tree(kit, folder)
    return {"pack": pack.hexdigest(), "kit": kit.hexdigest(), "installed": _installed()}


def outputs(out: Path, files: list[tuple[str | None, str]]) -> list:
    """(file, record) of each product: their digests, None where there is none."""
    return [[name, name and _file_digest(out / name), _file_digest(out / CACHE_DIR / record)]
            for name, record in files]


def forget(out: Path) -> None:
    """Called by every build as it starts, under the lock: the manifest no longer holds."""
    (Path(out) / CACHE_DIR / MANIFEST).unlink(missing_ok=True)


def record(out: Path, manifest: dict) -> None:
    """Write the manifest (under the folder's lock, at the end of a build without errors)."""
    path = Path(out) / CACHE_DIR / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(manifest))
    os.replace(tmp, path)


def _lock(out: Path):
    """The output folder's lock, taken without waiting; None when a build holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: the ordinary way takes the lock
        return None
    try:
        fd = os.open(out / LOCK_FILE, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _manifests(root: Path):
    try:
        folders = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for folder in folders:
        path = Path(folder.path, CACHE_DIR, MANIFEST)
        try:
            yield Path(folder.path), json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue


def replay(argv: list[str], content: Path | None, out_root: Path) -> int | None:
    """Answer a no-op build from its manifest: print what it would and return
    its exit status; None when the build must go the ordinary way."""
    if content is None:
        return None
    for out, manifest in _manifests(out_root):
        try:
            wanted = request(argv, manifest["flags"], recording=False)
            if wanted is None or manifest["key"] != key(wanted, content):
                continue
            fd = _lock(out)
            if fd is None:
                return None
            try:
                if (inputs(content, manifest["layout_roots"]) != manifest["inputs"]
                        or outputs(out, [tuple(f) for f in manifest["files"]]) != manifest["outputs"]):
                    return None
                for line in manifest["stdout"]:
                    print(line)
                for line in manifest["stderr"]:
                    print(line, file=sys.stderr)
                sys.stdout.flush()
                return manifest["status"]
            finally:
                os.close(fd)
        except (KeyError, TypeError, ValueError):
            continue  # a manifest of another version of the kit
    return None


def content_option(argv: list[str]) -> str | None:
    return _option(argv, "--content")


def out_option(argv: list[str]) -> str | None:
    return _option(argv, "--out")
