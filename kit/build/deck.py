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
from ..parts import Joiner, atomic, part_path
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
    back until all are in, then passed on as one Result for the product,
    whose PDF (written atomically) joins them in order. Each part is added
    to the join as soon as the parts before it are in (`parts.Joiner`), while
    the others still render."""
    started = time.perf_counter()
    counts = Counter((task.out, task.product) for task in tasks if task.part)
    decks: dict[tuple, _Deck] = {}
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
                    if deck in decks:
                        decks.pop(deck).joiner.close()
                    yield index, result
                continue
            decks.setdefault(deck, _Deck()).arrived(result)
            if len(decks[deck].done) == counts[deck]:
                yield index, _joined(task, decks.pop(deck), started)
    finally:
        for held in decks.values():
            held.joiner.close()
        for (out, product_id), count in counts.items():
            for part in range(1, count + 1):
                part_path(out, product_id, part).unlink(missing_ok=True)


class _Deck:
    """The parts of one deck that are in, and their join so far (in order)."""

    def __init__(self):
        self.done: dict[int, Result] = {}
        self.joiner = Joiner()
        self.joined = 0  # parts added to the join: 1 .. joined
        self.error: Exception | None = None

    def arrived(self, result: Result) -> None:
        self.done[result.part] = result
        while self.error is None and self.joined + 1 in self.done:
            try:
                self.joiner.add(self.done[self.joined + 1].path)
            except Exception as exc:  # reported when the deck is complete, as a failure of the join
                self.error = exc
                return
            self.joined += 1


def _joined(task: Task, deck: _Deck, started: float) -> Result:
    done = sorted(deck.done.values(), key=lambda r: r.part)
    try:
        with deck.joiner:
            if deck.error is not None:
                raise deck.error
            with atomic(task.target) as f:
                pages = deck.joiner.save(f)
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
