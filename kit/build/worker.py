"""Rendering one task: a product, or one part of a large deck. Runs in a
worker process (or in the main one for a single task); the only place where
a product is built, laid out, audited and written."""

from __future__ import annotations

import io
import os
import time

from ..audit import Auditor
from ..context import Context
from ..errors import EXIT_INTERRUPTED, KitError
from ..parts import Parts, atomic, join, part_path
from ..pagecache import keeping
from ..products import get
from .records import remember
from .results import Result, Task
from .signals import Cancelled, exit_now, rendering


# Developer switch: KIT_TIMELINE=FILE appends a line per task rendered (process,
# product, part, start and end as Unix times, CPU seconds): which worker did what
# when (`benchmarks/run.py` prints it for a cold build).
TIMELINE = "KIT_TIMELINE"


def render_product(task: Task) -> Result:
    """Render `task`; never raises, except to stop (a SIGTERM ends the process)."""
    began, cpu = time.time(), time.process_time()
    result = _render(task)
    timeline = os.environ.get(TIMELINE)
    if timeline:
        with open(timeline, "a", encoding="utf-8") as f:  # one short write: lines of two workers do not mix
            f.write(f"{os.getpid()} {task.product} {task.part} {began:.3f} {time.time():.3f} "
                    f"{time.process_time() - cpu:.3f}\n")
    return result


def _render(task: Task) -> Result:
    started = time.perf_counter()
    with rendering(), keeping(task.shared_pages):
        try:
            product = get(task.product)
            if product.suffix != ".pdf":
                return _write_page(task, product, started)
            from ..render import LAYOUT_COUNT  # imports WeasyPrint: only where rendering happens

            before = dict(LAYOUT_COUNT)
            built = product.build(Context(task.loaded, task.options))
            auditor = Auditor(task.loaded, product, task.options.values)
            variant = task.options.pdf_variant
            if task.part:
                target = part_path(task.out, task.product, task.part)
                pages = _write_part(built.document, task.part - 1, auditor, target, variant)
            else:
                target = task.target
                pages = _write_whole(built.document, auditor, target, variant)
                remember(task.out, task.product, task.key, pages, built.note, time.perf_counter() - started)
            result = Result(task.product, str(target), pages, built.note, time.perf_counter() - started,
                            part=task.part)
            result.passes = LAYOUT_COUNT["passes"] - before["passes"]
            result.laid_out = LAYOUT_COUNT["pages"] - before["pages"]
            result.layout_seconds = LAYOUT_COUNT["seconds"] - before["seconds"]
            return result
        except KitError as exc:
            return Result.refused(task.product, exc)
        except Cancelled:
            exit_now(EXIT_INTERRUPTED)  # the .part file is gone; nothing half-written stays
        except Exception as exc:  # reported as an internal failure, exit 1
            if os.environ.get("KIT_DEBUG"):
                raise
            return Result.failed_inside(task.product, exc)


def _write_page(task: Task, product, started: float) -> Result:
    """A product that is a page, not a PDF (the screen version): its text
    written atomically; it audits its own page as it builds it."""
    built = product.build(Context(task.loaded, task.options))
    with atomic(task.target) as f:
        f.write(built.document.encode("utf-8"))
    remember(task.out, task.product, task.key, 0, built.note)
    return Result(task.product, str(task.target), 0, built.note, time.perf_counter() - started)


def _write_part(parts: Parts, index: int, auditor: Auditor, target, variant) -> int:
    """Lay out, audit and write one part; of a deck in several parts, the audit
    checks the cards that part holds (and the QR code on the first)."""
    from ..render import write_pdf

    document = parts.lay_out(index)
    auditor.feed(document)
    if len(parts) == 1:
        auditor.finish()
    else:
        auditor.finish(only=parts.card_ids(index), qr=index == 0)
    return write_pdf(document, target, variant)


def _write_whole(parts: Parts, auditor: Auditor, target, variant) -> int:
    """The whole product in this process: one part written as it is, more
    laid out one by one and joined (the audit sees them all before the PDF is
    in place, so a failure leaves no file)."""
    if len(parts) == 1:
        return _write_part(parts, 0, auditor, target, variant)
    with atomic(target) as f:
        return join(_each_part(parts, auditor, target, variant), f)


def _each_part(parts: Parts, auditor: Auditor, target, variant):
    from ..render import dump_html, write_pdf

    for index in range(len(parts)):
        document = parts.lay_out(index)
        auditor.feed(document)
        buffer = io.BytesIO()
        write_pdf(document, buffer, variant)
        dump_html(document, part_path(target.parent, target.stem, index + 1))
        del document  # let the laid-out part go before the next one is laid out
        yield buffer
    auditor.finish()
