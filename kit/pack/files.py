"""Reading pack files safely and writing files atomically."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Callable

from ..errors import KitError

MAX_FILE_BYTES = 5 * 1024 * 1024


def read_file(file: Path) -> bytes:
    """The bytes of a pack file: a regular file of at most 5 MB, nothing else.

    A FIFO would block, a device reports size 0 and never ends, a folder is
    not text: each is refused before it is opened for reading.
    """
    try:
        info = os.stat(file)
    except OSError as exc:
        raise KitError(f"cannot read: {exc.strerror}", file) from None
    if stat.S_ISDIR(info.st_mode):
        raise KitError("is a folder, not a file", file)
    if not stat.S_ISREG(info.st_mode):
        raise KitError("not a regular file (a device, pipe or socket); a pack file must be a plain text file", file)
    if info.st_size > MAX_FILE_BYTES:
        raise KitError(f"file is {info.st_size / 1e6:.1f} MB; a pack file may be at most 5 MB", file)
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since stat(), open() must not hang.
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise KitError(f"cannot read: {exc.strerror}", file) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise KitError("not a regular file; a pack file must be a plain text file", file)
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise KitError(f"cannot read: {exc.strerror}", file) from None
    if len(data) > MAX_FILE_BYTES:
        raise KitError("file is over 5 MB; a pack file may be at most 5 MB", file)
    return data


def check_folder(folder: Path) -> None:
    """A KitError unless `folder` is a pack folder that can be read."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        raise KitError("content pack folder not found", folder) from None
    except OSError as exc:
        raise KitError(f"cannot read the pack folder: {exc.strerror}", folder) from None
    if not stat.S_ISDIR(info.st_mode):
        raise KitError("not a folder; --content names a pack folder (with pack.yaml in it)", folder)


def yaml_files(folder: Path) -> list[Path]:
    """The YAML files of the pack folder, by name (whatever kind of file they are)."""
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries]
    except OSError as exc:
        raise KitError(f"cannot read the pack folder: {exc.strerror}", folder) from None
    return sorted(folder / name for name in names if name.endswith((".yaml", ".yml")) and not name.startswith("."))


def save_atomically(write: Callable[[str], object], target: Path) -> Path:
    """Call `write(temporary path)`, then move the file onto `target`: an existing
    file is replaced only when the new one is whole."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
