"""Fingerprints and records: a product is rendered again only when something
it reads changed (the pack's files, its layout folder, the common layouts and
labels, the fonts, the kit's code or the options). The fingerprint of those
inputs is kept next to the PDF, in `.kit-cache/<product>.json`."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from .. import __version__
from ..context import Options
from ..paths import CACHE_DIR, KIT, LAYOUTS
from ..products import get
from .results import Result, Status

GUIDE = "guide"  # says what to print: it depends on the products of its build


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def shared_digest() -> str:
    """Digest of what every product reads: common layouts, labels, the kit's code and fonts."""
    digest = hashlib.sha256()
    for path in _files_under(LAYOUTS / "common") + _files_under(LAYOUTS / "labels") + _files_under(KIT):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(product_id: str, pack_files: list[Path], options: Options, shared: str) -> str:
    digest = hashlib.sha256(shared.encode())
    for path in pack_files + _files_under(get(product_id).layouts):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    settings = asdict(options)
    printed = get(product_id).prints_values
    if printed is not None:  # a --set value it does not print cannot change its PDF
        settings["values"] = [item for item in options.values if item[0] in printed]
    if product_id != GUIDE or not options.products:
        settings.pop("products")  # only the guide prints what the build makes
    digest.update(json.dumps([__version__, product_id, settings, os.environ.get("SOURCE_DATE_EPOCH")]).encode())
    return digest.hexdigest()


def _cache_file(out: Path, product_id: str) -> Path:
    return out / CACHE_DIR / f"{product_id}.json"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def output_file(out: Path, product_id: str) -> Path:
    """Where a product's file goes: `<product>.pdf`, or its own suffix (screen.html)."""
    return Path(out) / f"{product_id}{get(product_id).suffix}"


def cached(out: Path, product_id: str, key: str) -> dict | None:
    """The record of the product's PDF in `out` if it was built from inputs with this fingerprint."""
    try:
        record = json.loads(_cache_file(out, product_id).read_text())
        pdf = output_file(out, product_id)
        if (
            record.get("key") == key
            and pdf.is_file()
            and pdf.stat().st_size == record.get("size")
            and _digest(pdf) == record.get("sha256")
        ):
            return record
    except (OSError, ValueError, AttributeError):
        pass  # no record, a broken one, or one written beside other bytes: render again
    return None


def remember(out: Path, product_id: str, key: str, pages: int, note: str, seconds: float | None = None) -> None:
    """Record what was built, with the digest of the PDF as it lies on disk now.

    Called after the PDF is in place: should the build stop between the two
    writes, the old record's digest does not match the new PDF and the next
    build renders it again.
    """
    pdf = output_file(out, product_id)
    record = {"key": key, "pages": pages, "note": note, "size": pdf.stat().st_size, "sha256": _digest(pdf)}
    if seconds is not None:  # how long it took: the next build starts the longest first
        record["seconds"] = round(seconds, 3)
    path = _cache_file(out, product_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record))
    os.replace(tmp, path)


def last_seconds(out: Path, product_id: str) -> float | None:
    """How long the product's last build in `out` took to render (whatever its inputs were), if known."""
    try:
        seconds = json.loads(_cache_file(out, product_id).read_text()).get("seconds")
    except (OSError, ValueError, AttributeError):
        return None
    return float(seconds) if isinstance(seconds, (int, float)) else None


def forget(out: Path, product_id: str) -> bool:
    """Remove a product's PDF and record left by an earlier build; True if there was a PDF."""
    pdf = output_file(out, product_id)
    existed = pdf.is_file()
    pdf.unlink(missing_ok=True)
    _cache_file(out, product_id).unlink(missing_ok=True)
    return existed


def skip_message(missing: list[str]) -> str:
    """Why a product is skipped: what the pack lacks for it."""
    return f"the pack has no {' or '.join(missing)}"


def plan_product(
    loaded, out: Path, product_id: str, options: Options, force: bool, shared: str
) -> tuple[Result | None, str]:
    """Skipped or unchanged products are settled here, without WeasyPrint:
    (their Result, "") ; (None, fingerprint) for a product to render."""
    product = get(product_id)
    missing = product.missing(loaded.pack)
    if missing:
        message = skip_message(missing)
        # a PDF of an earlier build would look like part of this kit: it goes
        if forget(out, product_id):
            message += f"; removed the {output_file(out, product_id).name} of an earlier build"
        return Result(product_id, status=Status.SKIPPED, message=message), ""
    key = fingerprint(product_id, loaded.files, options, shared)
    record = None if force else cached(out, product_id, key)
    if record:
        return Result(product_id, str(output_file(out, product_id)), record["pages"], record["note"],
                      status=Status.CACHED), key
    return None, key
