"""Uploaded packs, unpacked only inside the request's own folder.

A .zip is read entry by entry: more than MAX_ENTRIES entries, an absolute
path, a `..`, a link or too much unpacked data refuses the whole upload
before anything is written. A spreadsheet is saved as it is and handed to
the loader.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from ..errors import KitError
from ..xlsx_guard import check_entries

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 200
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
SPREADSHEET_SUFFIXES = (".xlsx",)


class UploadRefused(KitError):
    """An upload the server will not unpack (HTTP 422), named by its file."""


def _refuse(message: str, name: str):
    raise UploadRefused(message, name)


def safe_name(filename: str | None) -> str:
    """The uploaded file's own name, for messages only (never a path on disk)."""
    name = PurePosixPath((filename or "upload").replace("\\", "/")).name
    return "".join(c for c in name if c.isprintable())[:100] or "upload"


def save_upload(data: bytes, filename: str | None, folder: Path) -> Path:
    """Write the upload under `folder`; returns what load_pack should read."""
    name = safe_name(filename)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        target = folder / f"pack{suffix}"
        target.write_bytes(data)
        return target
    if suffix != ".zip":
        raise UploadRefused("upload a .zip of the pack's YAML files or a .xlsx spreadsheet", name)
    archive = folder / "upload.zip"
    archive.write_bytes(data)
    return unpack_zip(archive, folder / "pack", name)


def _check(info: zipfile.ZipInfo, name: str) -> PurePosixPath | None:
    raw = info.filename
    path = PurePosixPath(raw.replace("\\", "/"))
    if raw.startswith(("/", "\\")) or (len(raw) > 1 and raw[1] == ":") or path.is_absolute():
        raise UploadRefused(f"the zip holds an absolute path ({raw!r}); zip the pack's files themselves", name)
    if ".." in path.parts:
        raise UploadRefused(f"the zip holds a path with '..' ({raw!r})", name)
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0: a zip made without Unix modes
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        raise UploadRefused(f"the zip holds a link or special file ({raw!r}); only plain files are read", name)
    if info.is_dir():
        return None
    if path.name.startswith(".") or "__MACOSX" in path.parts:
        return None  # the Finder's and editors' own files
    return path


def unpack_zip(archive: Path, target: Path, name: str) -> Path:
    """Unpack after checking every entry; returns the folder that holds pack.yaml."""
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                raise UploadRefused(f"the zip has {len(infos)} entries; a pack has at most {MAX_ENTRIES}", name)
            check_entries(infos, lambda message: _refuse(message, name), MAX_ENTRIES, MAX_UNPACKED_BYTES,
                          MAX_UNPACKED_BYTES)
            wanted = [(info, path) for info in infos if (path := _check(info, name)) is not None]
            if sum(info.file_size for info, _ in wanted) > MAX_UNPACKED_BYTES:
                raise UploadRefused("the zip unpacks to more than 50 MB; a pack is a few YAML files", name)
            target.mkdir()
            root = target.resolve()
            for info, path in wanted:
                dest = (target / Path(*path.parts)).resolve()
                if not dest.is_relative_to(root):
                    raise UploadRefused(f"the zip holds a path outside its folder ({info.filename!r})", name)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "xb") as out:
                    remaining = info.file_size + 1
                    while chunk := src.read(65536):
                        remaining -= len(chunk)
                        if remaining <= 0:  # more than the header said
                            raise UploadRefused(f"{info.filename!r} is larger than the zip says", name)
                        out.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise UploadRefused(f"not a readable zip file ({exc})", name) from None
    finally:
        archive.unlink(missing_ok=True)
    return _pack_folder(target, name)


def _pack_folder(target: Path, name: str) -> Path:
    """The zip's root, or the one folder in it that holds pack.yaml."""
    if (target / "pack.yaml").is_file():
        return target
    found = [p.parent for p in target.rglob("pack.yaml") if p.is_file()]
    if len(found) == 1:
        return found[0]
    if not found:
        raise UploadRefused("the zip has no pack.yaml; zip the pack's YAML files (pack.yaml, statements.yaml, ...)", name)
    raise UploadRefused("the zip holds more than one pack; upload one pack at a time", name)
