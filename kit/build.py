"""Building a kit: which products, in parallel, skipping what has not changed.

Each product is rendered in its own process (WeasyPrint uses one core per
document). A product is rendered again only when something it reads changed:
the pack's files, its layout folder, the common layouts and labels, the
fonts, the kit's code or the options; the fingerprint of those inputs is kept
next to the PDF.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from . import __version__
from .context import Context, Options
from .errors import KitError
from .loader import load_pack
from .parts import atomic, join, part_path
from .paths import KIT, LAYOUTS
from .products import REGISTRY, get

CACHE_DIR = ".kit-cache"


@dataclass
class Result:
    product: str
    path: str | None = None
    pages: int = 0
    note: str = ""
    seconds: float = 0.0
    status: str = "built"  # built, cached, skipped, error, internal
    message: str = ""
    passes: int = 0  # WeasyPrint layouts this build took (fitting lays out again)
    laid_out: int = 0  # pages those layouts made, against `pages` written
    layout_seconds: float = 0.0
    part: int = 0  # a chunk task's part of a large deck (from 1); 0: the whole product


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
    for path in pack_files + _files_under(LAYOUTS / product_id):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps([__version__, product_id, asdict(options), os.environ.get("SOURCE_DATE_EPOCH")]).encode())
    return digest.hexdigest()


def _cache_file(out: Path, product_id: str) -> Path:
    return out / CACHE_DIR / f"{product_id}.json"


def _cached(out: Path, product_id: str, key: str) -> dict | None:
    try:
        record = json.loads(_cache_file(out, product_id).read_text())
        pdf = out / f"{product_id}.pdf"
        if record.get("key") == key and pdf.is_file() and pdf.stat().st_size == record.get("size"):
            return record
    except (OSError, ValueError):
        pass  # no record or a broken one (an interrupted build): render again
    return None


def _remember(out: Path, product_id: str, key: str, pages: int, note: str) -> None:
    pdf = out / f"{product_id}.pdf"
    record = {"key": key, "pages": pages, "note": note, "size": pdf.stat().st_size}
    path = _cache_file(out, product_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record))
    os.replace(tmp, path)


def plan_product(
    loaded, out: Path, product_id: str, options: Options, force: bool, shared: str
) -> tuple[Result | None, str]:
    """Skipped or unchanged products are settled here, without WeasyPrint."""
    product = get(product_id)
    missing = product.missing(loaded.pack)
    if missing:
        return Result(product_id, status="skipped", message=f"the pack has no {' or '.join(missing)}"), ""
    key = fingerprint(product_id, loaded.files, options, shared)
    record = None if force else _cached(out, product_id, key)
    if record:
        return Result(product_id, str(out / f"{product_id}.pdf"), record["pages"], record["note"], 0.0, "cached"), key
    return None, key


def render_product(
    pack_folder: str, out: str, product_id: str, options: Options, key: str, part: int = 0
) -> Result:
    """Render one product, or with `part` one chunk of a large deck (see
    `deck_tasks`); runs in a worker process. Never raises."""
    started = time.perf_counter()
    try:
        from .render import LAYOUT_COUNT, write_pdf  # imports WeasyPrint: only where rendering happens

        before = dict(LAYOUT_COUNT)
        loaded = load_pack(pack_folder)
        out_dir = Path(out)
        built = get(product_id).build(Context(loaded, options))
        if part:
            target = part_path(out_dir, product_id, part)
            pages = write_pdf(built.document[part - 1], target, options.pdf_variant)
        else:
            target = out_dir / f"{product_id}.pdf"
            pages = write_pdf(built.document, target, options.pdf_variant)
            _remember(out_dir, product_id, key, pages, built.note)
        result = Result(product_id, str(target), pages, built.note, time.perf_counter() - started, part=part)
        _count_layouts(result, before, LAYOUT_COUNT)
        return result
    except KitError as exc:
        return Result(product_id, status="error", message=exc.one_line())
    except Exception as exc:  # noqa: BLE001 - reported as an internal failure, exit 1
        if os.environ.get("KIT_DEBUG"):
            raise
        return Result(product_id, status="internal", message=f"{type(exc).__name__}: {exc}")


def _count_layouts(result: Result, before: dict, after: dict) -> None:
    result.passes = after["passes"] - before["passes"]
    result.laid_out = after["pages"] - before["pages"]
    result.layout_seconds = after["seconds"] - before["seconds"]


def render_all(tasks: list[tuple], jobs: int | None):
    """Render each task (render_product's arguments); yields (task index, Result)
    as each finishes. One job or one task: in this process; otherwise a pool."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(tasks) <= 1:
        for index, args in enumerate(tasks):
            yield index, render_product(*args)
        return
    # spawn: forking a process that has loaded WeasyPrint's C libraries is unsafe
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context) as pool:
        futures = {pool.submit(render_product, *args): index for index, args in enumerate(tasks)}
        for future in as_completed(futures):
            yield futures[future], future.result()


def deck_tasks(loaded, args: tuple) -> list[tuple]:
    """The tasks of one product: a deck of several chunks becomes one task per
    chunk, so that the pool lays its chunks out on every core (`join_parts`
    puts them together); anything else stays one task."""
    product_id, options = args[2], args[3]
    if not (LAYOUTS / product_id / "cards.html.j2").is_file():
        return [args]  # not a card product: page products are one document
    from .sheets import Chunks

    try:
        document = get(product_id).build(Context(loaded, options)).document  # lays nothing out
    except KitError:
        return [args]  # the worker reports it, as for any product
    if not isinstance(document, Chunks) or len(document) < 2:
        return [args]
    return [(*args, part) for part in range(1, len(document) + 1)]


def join_parts(results, out: Path, keys: dict[str, str], parts: dict[str, int]):
    """Pass `render_all`'s (index, Result) on; the parts of a deck are held
    back until all are in, then joined in order into the product's PDF
    (written atomically) and passed on as one Result for the product."""
    started = time.perf_counter()
    held: dict[str, list[Result]] = {}
    failed: set[str] = set()
    try:
        for index, result in results:
            if not result.part:
                yield index, result
                continue
            product_id = result.product
            if result.status != "built" or product_id in failed:
                if product_id not in failed:
                    failed.add(product_id)
                    yield index, result
                continue
            held.setdefault(product_id, []).append(result)
            if len(held[product_id]) == parts[product_id]:
                yield index, _joined(out, product_id, keys[product_id], held.pop(product_id), started)
    finally:
        for product_id in parts:
            for part in range(1, parts[product_id] + 1):
                part_path(out, product_id, part).unlink(missing_ok=True)


def _joined(out: Path, product_id: str, key: str, done: list[Result], started: float) -> Result:
    done.sort(key=lambda r: r.part)
    target = out / f"{product_id}.pdf"
    try:
        with atomic(target) as f:
            pages = join([r.path for r in done], f)
    except Exception as exc:  # noqa: BLE001 - reported as an internal failure, exit 1
        if os.environ.get("KIT_DEBUG"):
            raise
        return Result(product_id, status="internal", message=f"{type(exc).__name__}: {exc}")
    note = done[0].note
    _remember(out, product_id, key, pages, note)
    result = Result(product_id, str(target), pages, note, time.perf_counter() - started)
    result.passes = sum(r.passes for r in done)
    result.laid_out = sum(r.laid_out for r in done)
    result.layout_seconds = sum(r.layout_seconds for r in done)
    return result


def remove_stale_parts(out: Path) -> None:
    """Half-written files of a build that was killed; the PDFs beside them are whole."""
    if out.is_dir():
        for part in out.glob(".*.pdf.part"):
            part.unlink(missing_ok=True)


def select(only: str | None) -> list[str]:
    from .products import DEFAULT_PRODUCTS

    if not only:
        return list(DEFAULT_PRODUCTS)
    wanted = [p.strip() for p in only.split(",") if p.strip()]
    for product_id in wanted:
        if product_id not in REGISTRY:
            raise KitError(f"unknown product {product_id!r}; products: {', '.join(REGISTRY)}")
    return wanted


def build_kit(
    pack_folder: Path,
    out: Path,
    products: list[str],
    options: Options,
    *,
    force: bool = False,
    jobs: int | None = None,
    on_result=None,
    loaded=None,
) -> list[Result]:
    """Build `products` of the pack into `out`; `on_result` is called as each finishes."""
    loaded = loaded or load_pack(pack_folder)  # bad input stops everything before any work starts
    remove_stale_parts(Path(out))
    results: list[Result] = []
    todo = []
    shared = shared_digest()
    for product_id in products:
        settled, key = plan_product(loaded, Path(out), product_id, options, force, shared)
        if settled:
            results.append(settled)
            if on_result:
                on_result(settled)
        else:
            todo += deck_tasks(loaded, (str(pack_folder), str(out), product_id, options, key))
    keys = {args[2]: args[4] for args in todo}
    parts = Counter(args[2] for args in todo if len(args) > 5)
    for _, result in join_parts(render_all(todo, jobs), Path(out), keys, parts):
        results.append(result)
        if on_result:
            on_result(result)
    return results
