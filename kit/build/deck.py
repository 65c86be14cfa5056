"""A large deck across the pool: one task per part (`deck_tasks`), so that its
parts are laid out on every core, and the parts joined in order into the
deck's PDF as they come in (`join_parts`)."""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from ..context import Context
from ..errors import KitError
from ..parts import atomic, join, part_path
from ..products import get
from .records import remember
from .results import Result, Status, Task


def deck_tasks(task: Task) -> list[Task]:
    """The tasks of one product: a deck of several parts becomes one task per
    part; anything else stays one task. The deck is imposed here to count its
    parts (no layout: that is each worker's, in `Parts.lay_out`)."""
    if get(task.product).kind != "cards":
        return [task]  # not a card product: page products are one document
    try:
        count = len(get(task.product).build(Context(task.loaded, task.options)).document)
    except KitError:
        return [task]  # the worker reports it, as for any product
    if count < 2:
        return [task]
    return [replace(task, part=part) for part in range(1, count + 1)]


def join_parts(results, tasks: list[Task]):
    """Pass `render_all`'s (index, Result) on; the parts of a deck are held
    back until all are in, then joined in order into the product's PDF
    (written atomically) and passed on as one Result for the product."""
    started = time.perf_counter()
    counts = Counter((task.out, task.product) for task in tasks if task.part)
    held: dict[tuple, list[Result]] = {}
    failed: set[tuple] = set()
    try:
        for index, result in results:
            task = tasks[index]
            if not task.part:
                yield index, result
                continue
            deck = (task.out, task.product)
            if result.status != Status.BUILT or deck in failed:
                if deck not in failed:
                    failed.add(deck)
                    yield index, result
                continue
            if deck not in held:
                import pikepdf  # noqa: F401 - the join's, loaded while the other parts render, not after

            held.setdefault(deck, []).append(result)
            if len(held[deck]) == counts[deck]:
                yield index, _joined(task, held.pop(deck), started)
    finally:
        for (out, product_id), count in counts.items():
            for part in range(1, count + 1):
                part_path(out, product_id, part).unlink(missing_ok=True)


def _joined(task: Task, done: list[Result], started: float) -> Result:
    done.sort(key=lambda r: r.part)
    try:
        with atomic(task.target) as f:
            pages = join([r.path for r in done], f)
    except Exception as exc:  # reported as an internal failure, exit 1
        if os.environ.get("KIT_DEBUG"):
            raise
        return Result.failed_inside(task.product, exc)
    note = done[0].note
    remember(Path(task.out), task.product, task.key, pages, note)
    result = Result(task.product, str(task.target), pages, note, time.perf_counter() - started)
    result.passes = sum(r.passes for r in done)
    result.laid_out = sum(r.laid_out for r in done)
    result.layout_seconds = sum(r.layout_seconds for r in done)
    return result
