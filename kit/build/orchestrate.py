"""Building a kit: which products, settled or rendered, under the folder's
lock, with the guide rendered again when another product of its build failed."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path

from ..context import Options
from ..errors import Interrupted, KitError
from ..labels import check_language
from ..noop import forget as forget_noop
from ..pack import load_pack
from ..products import default_ids, get, ids
from .deck import deck_tasks, join_parts
from .lock import locked, remove_stale_parts
from .pool import render_all
from .records import GUIDE, fingerprint, last_seconds, plan_product, shared_digest
from .results import Result, Status, Task


def _identity(path: Path):
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


def render_tasks(tasks: list[Task], jobs: int | None, on_result, pool=None, groups=None):
    """Run `tasks`, calling `on_result(index, Result)` as each finishes; an
    interrupt becomes `Interrupted` listing the PDFs that were written before
    it (each whole: PDFs are replaced, never written over). `groups`: see
    `pool.render_all`.

    The parts of a deck (`deck_tasks`) are joined into the deck's PDF as they
    come in, and reported as one Result.
    """
    targets = [task.target for task in tasks]
    before = [_identity(target) for target in targets]
    try:
        with contextlib.closing(render_all(tasks, jobs, pool, groups)) as rendered:
            results = join_parts(rendered, tasks) if any(task.part for task in tasks) else rendered
            with contextlib.closing(results):
                for index, result in results:
                    on_result(index, result)
    except KeyboardInterrupt:
        for folder in {target.parent for target in targets}:
            remove_stale_parts(folder)  # of a worker that had to be killed
        written = [str(t) for t, old in zip(targets, before) if _identity(t) not in (old, None)]
        raise Interrupted(written) from None


def longest_first(out: Path, tasks: list[Task]) -> list[Task]:
    """The tasks in the order the pool should take them: the longest first
    (by the time each product took in this folder's last build), so that
    the largest product never waits for a small one to finish and the small
    ones fill in at the end. A product never built here keeps its place,
    ahead of those with a known time (it may be long); the parts of a deck
    stay in order, each costing its share."""
    parts = Counter(task.product for task in tasks)
    known = {product: last_seconds(out, product) for product in parts}

    def cost(item):
        index, task = item
        seconds = known[task.product]
        return (0, 0.0, index) if seconds is None else (1, -seconds / parts[task.product], index)

    return [task for _, task in sorted(enumerate(tasks), key=cost)]


def select(only: str | None) -> list[str]:
    if only is None:
        return default_ids()
    wanted = [p.strip() for p in only.split(",") if p.strip()]
    if not wanted:
        raise KitError(f"--only names no product; products: {', '.join(ids())}")
    for product_id in wanted:
        get(product_id)  # an unknown id is refused, naming the products
    return wanted


def _unprintable(loaded, product_id: str, told: set[str]) -> Result | None:
    """An error result for a product that prints an item with characters no
    shipped font has; the item is named in full the first time only. Products
    that do not print it build."""
    from ..glyphs import blocking

    if get(product_id).missing(loaded.pack):
        return None  # skipped anyway
    stops = blocking(loaded, product_id)
    if not stops:
        return None
    new = [u for u in stops if u.item not in told]
    told.update(u.item for u in stops)
    if len(new) == 1:
        return Result.refused(product_id, new[0].error())
    if new:  # named where the first of them is written
        message = " | ".join(u.error().one_line() for u in new)
        return Result(product_id, status=Status.ERROR, message=message, detail=message, where=new[0].where)
    message = f"not built: it prints {', '.join(u.item for u in stops)} (see above)"
    return Result(product_id, status=Status.ERROR, message=message, detail=message, where=stops[0].where)


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
    on_done=None,
) -> list[Result]:
    """Build `products` of the pack into `out`; `on_result` is called as each finishes.

    `on_wait` is called when another build holds the folder and this one waits;
    `on_done(out, results)` at the end, before the folder's lock is released.
    """
    loaded = loaded or load_pack(pack_folder)  # bad input stops everything before any work starts
    check_language(options.lang, loaded)
    out = Path(out)
    options = replace(options, products=tuple(products))
    with locked(out, on_wait):
        forget_noop(out)  # whatever this build does, the last one's no-op manifest no longer holds
        remove_stale_parts(out)
        results: list[Result] = []
        todo: list[Task] = []
        shared = shared_digest()
        told: set[str] = set()  # unprintable items already named: each is reported once
        # one process renders a deck's parts one after another (`worker._write_whole`):
        # a task per part only pays in a pool
        parallel = pool is not None or (jobs or os.cpu_count() or 1) > 1
        for product_id in products:
            settled = _unprintable(loaded, product_id, told)
            key = ""
            if settled is None:
                settled, key = plan_product(loaded, out, product_id, options, force, shared)
            if settled:
                results.append(settled)
                if on_result:
                    on_result(settled)
            else:
                task = Task(loaded, out, product_id, options, key)
                todo += deck_tasks(task) if parallel else [task]
        held: list[Result] = []  # the guide's, until the others are in (see below)

        def done(_, result):
            if result.product == GUIDE and len(products) > 1:
                held.append(result)
                return
            results.append(result)
            if on_result:
                on_result(result)

        if parallel:
            todo = longest_first(out, todo)
        render_tasks(todo, jobs, done, pool)
        # The guide says what to print. It is rendered with the others, for the
        # build's sake; when one of them failed, it is rendered again without it,
        # so that it never tells a facilitator to print what this build did not make.
        # (When every other product failed, it stays as it was: a guide of the
        # guide alone would list the pack's defaults.)
        failed = {r.product for r in results if r.status.failed}
        kept = [p for p in products if p not in failed and p != GUIDE]
        if held and held[0].status == Status.BUILT and failed and kept:
            held.clear()
            made = replace(options, products=(*kept, GUIDE))
            task = Task(loaded, out, GUIDE, made, fingerprint(GUIDE, loaded.files, made, shared))
            try:
                render_tasks([task], jobs, lambda _, r: held.append(r), pool)
            except Interrupted as exc:
                exc.written = [r.path for r in results if r.status == Status.BUILT] + exc.written
                raise
        for result in held:
            results.append(result)
            if on_result:
                on_result(result)
        if on_done:
            on_done(out, results)
    return results
