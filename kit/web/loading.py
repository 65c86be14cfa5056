"""A request's pack: a shipped one by id, or an upload unpacked in the
request's folder; every problem filed under the form's `pack` field."""

from __future__ import annotations

import sys
import tempfile
import traceback
from pathlib import Path

from ..build import Result, Status
from ..errors import KitError
from ..pack import load_pack
from ..products import default_ids, get
from . import forms
from .uploads import SPREADSHEET_SUFFIXES, UploadRefused, safe_name, save_upload


def relative(path: str | None, *roots: Path) -> str | None:
    """A file named in an error, as the user knows it: 'statements.yaml'."""
    if not path:
        return path
    for root in roots:
        try:
            return str(Path(path).resolve().relative_to(root.resolve()))
        except ValueError:
            continue
    return Path(path).name


def load_for_request(packs, pack_id, upload, pack_file, folder: Path, problems: forms.Problems):
    """The pack to build, loaded and validated; a problem goes under 'pack'. Runs in a thread."""
    source = None
    try:
        if upload is not None:
            folder.mkdir()
            source = save_upload(upload, pack_file.filename, folder)
        else:
            if pack_id not in packs:
                raise KitError(f"unknown pack {pack_id!r}; packs: {', '.join(packs)}")
            source = packs[pack_id][0]
        return source, load_pack(source)
    except KitError as exc:
        file = exc.file
        if upload is not None and exc.where is not None and source is not None and exc.where.file == source:
            file = safe_name(pack_file.filename) + exc.where.place()  # a workbook, as the user named it
        elif file and not isinstance(exc, UploadRefused):
            file = relative(file, *([pack_root(source)] if source else []), folder)
        problems.add("pack", {"message": exc.detail, "file": file, "line": exc.line})
        return None, None
    except Exception as exc:  # noqa: BLE001 - see below
        if upload is None:
            raise  # a shipped pack that breaks the loader is a bug: a 500, seen
        # An uploaded file that breaks a library the checks did not foresee: 422 for the
        # uploader, and the traceback on the server's console, where a bug is seen.
        traceback.print_exc(file=sys.stderr)
        problems.add("pack", {"message": f"the upload cannot be read ({type(exc).__name__}: {exc})"[:300],
                              "file": safe_name(pack_file.filename), "line": None})
        return None, None


def pack_root(source: Path) -> Path:
    """The folder a pack's files are named from (an upload's may be gone by now)."""
    return source.parent if source.suffix.lower() in SPREADSHEET_SUFFIXES else source


def result_error(result: Result, source: Path) -> dict:
    """A product's failure as message, file and line (and the item it names), the
    file as the user knows it ('statements.yaml'); a file outside the pack stays in the message."""
    root = pack_root(source)
    where = result.where
    if result.status == Status.ERROR and where is not None and str(where.file).startswith(str(root)):
        return {"message": result.detail, "file": relative(str(where.file), root) + where.place(),
                "line": where.line, "item": result.item}
    return {"message": result.message, "file": None, "line": None, "item": result.item}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def products_made(folder: Path) -> list[str]:
    """The default products a shipped pack has content for (ticked on a first visit)."""
    pack = load_pack(folder).pack
    return [p for p in default_ids() if not get(p).missing(pack)]


def workbook_bytes(folder: Path) -> bytes:
    """The pack as `findings-kit export` writes it."""
    from ..pack.export import write_workbook

    pack = load_pack(folder).pack
    with tempfile.TemporaryDirectory() as tmp:
        return write_workbook(pack, Path(tmp) / f"{pack.id}.xlsx").read_bytes()
