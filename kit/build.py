"""Building a kit: which products, in parallel, skipping what has not changed.

Each product is rendered in its own process (WeasyPrint uses one core per
document). A product is rendered again only when something it reads changed:
the pack's files, its layout folder, the common layouts and labels, the
fonts, the kit's code or the options; the fingerprint of those inputs is kept
next to the PDF.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import random
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from . import __version__
from .audit import audited
from .context import Context, Options
from .errors import EXIT_INTERRUPTED, Interrupted, KitError
from .pack import LoadedPack, load_pack
from .parts import atomic, join, part_path
from .paths import KIT, LAYOUTS
from .products import REGISTRY, get

GUIDE = "guide"  # says what to print: rendered again when another product of its build failed
CACHE_DIR = ".kit-cache"
LOCK_FILE = ".kit-lock"  # never deleted, so that every build of a folder locks the same file
STOP_SECONDS = 1.5  # how long stopped workers get to clean up before they are killed


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
    settings = asdict(options)
    printed = get(product_id).prints_values
    if printed is not None:  # a --set value it does not print cannot change its PDF
        settings["values"] = [item for item in options.values if item[0] in printed]
    if product_id != "guide" or not options.products:
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


def _cached(out: Path, product_id: str, key: str) -> dict | None:
    try:
        record = json.loads(_cache_file(out, product_id).read_text())
        pdf = out / f"{product_id}.pdf"
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


def _remember(out: Path, product_id: str, key: str, pages: int, note: str) -> None:
    """Record what was built, with the digest of the PDF as it lies on disk now.

    Called after the PDF is in place: should the build stop between the two
    writes, the old record's digest does not match the new PDF and the next
    build renders it again.
    """
    pdf = out / f"{product_id}.pdf"
    record = {"key": key, "pages": pages, "note": note, "size": pdf.stat().st_size, "sha256": _digest(pdf)}
    path = _cache_file(out, product_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record))
    os.replace(tmp, path)


def _forget(out: Path, product_id: str) -> bool:
    """Remove a product's PDF and record left by an earlier build; True if there was a PDF."""
    pdf = out / f"{product_id}.pdf"
    existed = pdf.is_file()
    pdf.unlink(missing_ok=True)
    _cache_file(out, product_id).unlink(missing_ok=True)
    return existed


def plan_product(
    loaded, out: Path, product_id: str, options: Options, force: bool, shared: str
) -> tuple[Result | None, str]:
    """Skipped or unchanged products are settled here, without WeasyPrint."""
    product = get(product_id)
    missing = product.missing(loaded.pack)
    if missing:
        message = f"the pack has no {' or '.join(missing)}"
        # a PDF of an earlier build would look like part of this kit: it goes
        if _forget(out, product_id):
            message += f"; removed the {product_id}.pdf of an earlier build"
        return Result(product_id, status="skipped", message=message), ""
    key = fingerprint(product_id, loaded.files, options, shared)
    record = None if force else _cached(out, product_id, key)
    if record:
        return Result(product_id, str(out / f"{product_id}.pdf"), record["pages"], record["note"], 0.0, "cached"), key
    return None, key


_busy = False  # in a worker: a product is being rendered


class Cancelled(BaseException):
    """Raised in a worker by SIGTERM: unwinds the render (removing its .part file)."""


def render_product(
    loaded: LoadedPack, out: str, product_id: str, options: Options, key: str, part: int = 0
) -> Result:
    """Render one product, or with `part` one chunk of a large deck (see
    `deck_tasks`); runs in a worker process. Never raises, except to stop."""
    global _busy
    started = time.perf_counter()
    _busy = True
    try:
        from .render import LAYOUT_COUNT, write_pdf  # imports WeasyPrint: only where rendering happens

        before = dict(LAYOUT_COUNT)
        out_dir = Path(out)
        built = audited(get(product_id).build(Context(loaded, options)), loaded, product_id, options.values)
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
    except Cancelled:
        os._exit(EXIT_INTERRUPTED)  # the .part file is gone; nothing half-written stays
    except Exception as exc:  # reported as an internal failure, exit 1
        if os.environ.get("KIT_DEBUG"):
            raise
        return Result(product_id, status="internal", message=f"{type(exc).__name__}: {exc}")
    finally:
        _busy = False


def _count_layouts(result: Result, before: dict, after: dict) -> None:
    result.passes = after["passes"] - before["passes"]
    result.laid_out = after["pages"] - before["pages"]
    result.layout_seconds = after["seconds"] - before["seconds"]


_stops = 0  # SIGTERMs received


def _on_sigterm(signum, frame):
    global _stops
    _stops += 1
    # WeasyPrint swallows every exception while it draws an SVG (the QR codes):
    # a stop that was swallowed comes again, and the third one ends the process.
    if _busy and _stops < 3:
        raise Cancelled()
    os._exit(EXIT_INTERRUPTED)


class _Heard:
    """Whether Ctrl-C came while this process rendered (see `_interrupts_heard`)."""

    pending = False

    def check(self) -> None:
        if self.pending:
            raise KeyboardInterrupt


def _in_weasyprint(frame) -> bool:
    """Whether the innermost code running, of WeasyPrint's and the kit's, is WeasyPrint's."""
    kit = str(KIT)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(kit):
            return False
        if f"{os.sep}weasyprint{os.sep}" in name:
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def _interrupts_heard():
    """Ctrl-C while this process renders. WeasyPrint swallows every exception
    while it draws an SVG (the QR codes), KeyboardInterrupt included: once
    Ctrl-C came, it is raised again every 0.05 to 0.25 s while WeasyPrint's code runs,
    and checked between products, until it reaches the kit's code."""
    heard = _Heard()
    if threading.current_thread() is not threading.main_thread():
        yield heard  # signals reach only the main thread (a web page's build runs in a worker)
        return

    def soon():
        # at uneven intervals, so that a loop of draws cannot keep catching every one
        signal.setitimer(signal.ITIMER_REAL, random.uniform(0.05, 0.25))

    def again(signum, frame):
        soon()
        if _in_weasyprint(frame):
            raise KeyboardInterrupt

    def first(signum, frame):
        heard.pending = True
        signal.signal(signal.SIGALRM, again)
        soon()
        raise KeyboardInterrupt

    # Ctrl-C, and SIGTERM where the command line made it act as Ctrl-C; a
    # signal ignored or left to its default is left as it is
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM)}
    taken = [number for number in (signal.SIGINT, signal.SIGTERM) if callable(previous[number])]
    for number in taken:
        signal.signal(number, first)
    try:
        yield heard
    finally:
        if taken:
            signal.setitimer(signal.ITIMER_REAL, 0)
            for number, handler in previous.items():
                if handler is not None:  # None: a handler not set from Python, left as it is
                    signal.signal(number, handler)


def _watch_parent(parent: int) -> None:
    # A worker whose main process was killed stops too, instead of rendering on unseen.
    while os.getppid() == parent:
        time.sleep(0.2)
    while True:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.3)


def _worker_start(parent: int) -> None:
    # Ctrl-C reaches the whole process group; the main process decides and stops
    # the workers with SIGTERM, so that each stops in the same, clean way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    # the parent is named by the main process: it may have died while this one started
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _run(args: tuple) -> Result:
    return render_product(*args)


def _completed(pool, tasks: list[tuple]):
    """(task index, Result) of each task submitted to `pool`, as each finishes."""
    futures = {pool.submit(_run, args): index for index, args in enumerate(tasks)}
    for future in as_completed(futures):
        yield futures[future], future.result()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and stop the workers: SIGTERM, then SIGKILL after STOP_SECONDS."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline and any(process.is_alive() for process in processes):
        for process in processes:
            if process.is_alive():
                process.terminate()  # again: one may have been swallowed (see _on_sigterm)
        for process in processes:
            process.join(max(0.0, min(0.3, deadline - time.monotonic())))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(1.0)


def render_all(tasks: list[tuple], jobs: int | None, pool=None):
    """Render each task (render_product's arguments); yields (task index, Result)
    as each finishes. One job or one task: in this process; otherwise a pool,
    or the caller's own `pool` (a server keeps one, its workers warm).

    Closing the generator early (an interrupt, an error in the caller) cancels
    the queued tasks and stops the workers before it returns.
    """
    if pool is not None:
        yield from _completed(pool, tasks)
        return
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(tasks) <= 1:
        with _interrupts_heard() as heard:
            for index, args in enumerate(tasks):
                heard.check()
                yield index, render_product(*args)
            heard.check()
        return
    # spawn: forking a process that has loaded WeasyPrint's C libraries is unsafe
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context, initializer=_worker_start,
                               initargs=(os.getpid(),))
    try:
        yield from _completed(pool, tasks)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


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
    except Exception as exc:  # reported as an internal failure, exit 1
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


def _identity(path: Path):
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


def render_tasks(tasks: list[tuple], jobs: int | None, on_result, pool=None, deck=None):
    """Run `tasks` (render_product's arguments), calling `on_result(index, Result)`
    as each finishes; an interrupt becomes `Interrupted` listing the PDFs that
    were written before it (each whole: PDFs are replaced, never written over).

    `deck` is (out, keys, parts) when some tasks are chunks of a deck
    (`deck_tasks`): their parts are joined into the deck's PDF as they come in.
    """
    targets = [Path(args[1]) / f"{args[2]}.pdf" for args in tasks]
    before = [_identity(target) for target in targets]
    try:
        with contextlib.closing(render_all(tasks, jobs, pool)) as rendered:
            results = join_parts(rendered, *deck) if deck and deck[2] else rendered
            with contextlib.closing(results):
                for index, result in results:
                    on_result(index, result)
    except KeyboardInterrupt:
        for folder in {target.parent for target in targets}:
            remove_stale_parts(folder)  # of a worker that had to be killed
        written = [str(t) for t, old in zip(targets, before) if _identity(t) not in (old, None)]
        raise Interrupted(written) from None


def select(only: str | None) -> list[str]:
    from .products import DEFAULT_PRODUCTS

    if only is None:
        return list(DEFAULT_PRODUCTS)
    wanted = [p.strip() for p in only.split(",") if p.strip()]
    if not wanted:
        raise KitError(f"--only names no product; products: {', '.join(REGISTRY)}")
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
    on_wait=None,
    pool=None,
) -> list[Result]:
    """Build `products` of the pack into `out`; `on_result` is called as each finishes.

    `on_wait` is called when another build holds the folder and this one waits.
    """
    loaded = loaded or load_pack(pack_folder)  # bad input stops everything before any work starts
    out = Path(out)
    options = replace(options, products=tuple(products))
    with locked(out, on_wait):
        remove_stale_parts(out)
        results: list[Result] = []
        todo = []
        shared = shared_digest()
        for product_id in products:
            settled, key = plan_product(loaded, out, product_id, options, force, shared)
            if settled:
                results.append(settled)
                if on_result:
                    on_result(settled)
            else:
                todo += deck_tasks(loaded, (loaded, str(out), product_id, options, key))
        keys = {args[2]: args[4] for args in todo}
        parts = Counter(args[2] for args in todo if len(args) > 5)
        held: list[Result] = []  # the guide's, until the others are in (see below)

        def done(_, result):
            if result.product == GUIDE and len(products) > 1:
                held.append(result)
                return
            results.append(result)
            if on_result:
                on_result(result)

        render_tasks(todo, jobs, done, pool, deck=(out, keys, parts))
        # The guide says what to print. It is rendered with the others, for the
        # build's sake; when one of them failed, it is rendered again without it,
        # so that it never tells a facilitator to print what this build did not make.
        # (When every other product failed, it stays as it was: a guide of the
        # guide alone would list the pack's defaults.)
        failed = {r.product for r in results if r.status in ("error", "internal")}
        kept = [p for p in products if p not in failed and p != GUIDE]
        if held and held[0].status == "built" and failed and kept:
            held.clear()
            made = replace(options, products=(*kept, GUIDE))
            task = (loaded, str(out), GUIDE, made, fingerprint(GUIDE, loaded.files, made, shared))
            try:
                render_tasks([task], jobs, lambda _, r: held.append(r), pool)
            except Interrupted as exc:
                exc.written = [r.path for r in results if r.status == "built"] + exc.written
                raise
        for result in held:
            results.append(result)
            if on_result:
                on_result(result)
    return results
