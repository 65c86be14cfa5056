"""Personalised batches: one kit per CSV row, rows rendered in parallel.

Columns are the `--set` keys (school, team, date, facilitator, ...). Each row
goes to OUT/<pack-id>/<slug of the row>/. A bad row is reported with its line
number; the other rows still build.
"""

from __future__ import annotations

import csv
import re
import shutil
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from .build import Result, Status, Task
from .build.lock import locked, remove_stale_parts
from .build.orchestrate import render_tasks
from .build.records import plan_product, remember, shared_digest
from .context import Options
from .errors import Interrupted, KitError
from . import pagecache
from .labels import check_language
from .parts import atomic
from .pack import load_pack
from .model import VALUE_CHARS

SLUG_KEYS = ("school", "team", "date")
GROUP_ROWS = 25  # rows of a product a worker renders before it reports (a deck: about 0.1 s a row, the first 2.5 s)


@dataclass
class Row:
    line: int
    values: tuple[tuple[str, str], ...]
    slug: str = ""
    error: str = ""


def slugify(text: str) -> str:
    """A folder name: letters and digits of any script, accents dropped, dashes between words."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\W_]+", "-", text).strip("-")[:80].strip("-")


def read_rows(path: Path) -> list[Row]:
    import stat

    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise KitError("not a regular file; --batch names a CSV file", path)
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise KitError(f"cannot read: {exc.strerror}", path) from None
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            bad = [h for h in header if not (h or "").strip().isidentifier()]
            if not header or bad:
                raise KitError(f"the first line must name the columns (e.g. school,team,date); bad: {bad or 'none'}", path, 1)
            rows: list[Row] = []
            seen: dict[str, int] = {}
            for record in reader:
                line = reader.line_num
                if None in record or any(v is None for v in record.values()):
                    rows.append(Row(line, (), error=f"{path}:{line}: the row has {'more' if None in record else 'fewer'} cells than the header"))
                    continue
                values = tuple((k.strip(), v.strip()) for k, v in record.items())
                if not any(v for _, v in values):
                    continue  # an empty line
                long = next(((k, v) for k, v in values if len(v) > VALUE_CHARS), None)
                if long:
                    rows.append(Row(line, (), error=f"{path}:{line}: column {long[0]!r} is {len(long[1]):,} "
                                    f"characters; at most {VALUE_CHARS} fit where it is printed"))
                    continue
                named = dict(values)
                slug = slugify("-".join(named[k] for k in SLUG_KEYS if named.get(k))) or slugify("-".join(v for _, v in values))
                row = Row(line, values, slug)
                if not slug:
                    row.error = f"{path}:{line}: the row has no school, team or date to name its folder"
                elif slug in seen:
                    row.error = f"{path}:{line}: same folder name {slug!r} as line {seen[slug]}; add a team or date"
                else:
                    seen[slug] = line
                rows.append(row)
        except csv.Error as exc:
            # DictReader's own line_num lags one row behind the line being read
            line = getattr(getattr(reader, "reader", None), "line_num", None)
            raise KitError(f"not a CSV file: {exc}", path, line) from None
    if not rows:
        raise KitError("the CSV file has no rows", path)
    return rows


def build_batch(pack_folder: Path, out: Path, products: list[str], options: Options, rows: list[Row],
                *, force: bool = False, jobs: int | None = None, console=None, on_kit=None, on_wait=None,
                loaded=None):
    """Build every good row; returns {row line: [Result]}.

    What is common to rows is made once: a product with the same fingerprint
    in several rows (one that prints none of the values that differ between
    them) is rendered for the first and copied into the others' folders, and
    within a product the workers keep the card sheets they laid out, so that
    a row lays out again only the sheets that print its own words
    (`kit.pagecache`). A row's PDFs are the bytes a single build with its
    values writes.

    `on_kit(row, results)` is called as each row's kit is finished. A progress
    bar is shown when `console` is a terminal. The whole batch holds the lock
    of `out`; an interrupt raises `Interrupted` with the PDFs written.
    """
    from contextlib import nullcontext

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    loaded = loaded or load_pack(pack_folder)  # parsed once: every task is handed the validated pack
    check_language(options.lang, loaded)
    results: dict[int, list[Result]] = {}
    todo: list[tuple[int, Task]] = []
    copies: dict[int, list[tuple[int, Path]]] = {}  # todo index -> (line, folder) of the rows that share it
    waiting: dict[int, int] = {}
    by_line = {row.line: row for row in rows}
    copied: list[str] = []
    with locked(out, on_wait):
        shared = shared_digest()
        first: dict[tuple[str, str], int] = {}  # (product, fingerprint) -> todo index
        kept: dict[tuple[str, str], Result] = {}  # (product, fingerprint) -> a row's unchanged PDF
        for row in rows:
            if row.error:
                continue
            row_options = replace(options, values=tuple(dict(options.values + row.values).items()), products=tuple(products))
            row_out = out / row.slug
            remove_stale_parts(row_out)
            results[row.line] = []
            waiting[row.line] = 0
            for product_id in products:
                settled, key = plan_product(loaded, row_out, product_id, row_options, force, shared)
                if settled and settled.status == Status.CACHED:
                    kept.setdefault((product_id, key), settled)
                elif not settled and (product_id, key) in kept:  # another row's, unchanged: copied
                    settled = _copy(kept[product_id, key], key, row_out)
                    if settled.status == Status.BUILT:
                        copied.append(settled.path)
                if settled:
                    results[row.line].append(settled)
                    continue
                waiting[row.line] += 1
                if (product_id, key) in first:
                    copies.setdefault(first[product_id, key], []).append((row.line, row_out))
                else:
                    first[product_id, key] = len(todo)
                    todo.append((row.line, Task(loaded, row_out, product_id, row_options, key, shared_pages=True)))
        if on_kit:
            for line, count in waiting.items():
                if not count:
                    on_kit(by_line[line], results[line])
        show = console is not None and console.is_terminal
        progress = (Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                             console=console, transient=False) if show else nullcontext())
        with progress:
            task = progress.add_task("building", total=len(todo) + sum(map(len, copies.values()))) if show else None

            def settle(line, result):
                results[line].append(result)
                waiting[line] -= 1
                if show:
                    progress.advance(task)
                if on_kit and not waiting[line]:
                    on_kit(by_line[line], results[line])

            def done(index, result):
                line, made = todo[index]
                settle(line, result)
                for other, folder in copies.get(index, []):
                    shared_result = _copy(result, made.key, folder)
                    if shared_result.status == Status.BUILT:
                        copied.append(shared_result.path)
                    settle(other, shared_result)

            try:
                tasks = [task for _, task in todo]
                render_tasks(tasks, jobs, done, groups=by_product(tasks, jobs))
            except Interrupted as exc:
                exc.written += copied
                raise
            finally:
                pagecache.forget()  # with one job the rows were laid out in this process
    return results


def by_product(tasks: list[Task], jobs: int | None) -> list[list[int]]:
    """The tasks' indexes in groups that a worker renders together: the rows
    of one product, in the order of the products. A worker lays a product's
    common pages out once and writes them once (`kit.pagecache`), then only
    each row's words: a product's rows spread over the workers would have
    each worker lay them out. With fewer products than jobs, a product's
    rows are split so that every worker has some; a group holds at most
    GROUP_ROWS rows, so that a large batch reports rows as they are done."""
    import os

    rows: dict[str, list[int]] = {}
    for index, task in enumerate(tasks):
        rows.setdefault(task.product, []).append(index)
    if not rows:
        return []
    pieces = -(-(jobs or os.cpu_count() or 1) // len(rows))  # groups per product: at least one per worker
    groups = []
    for indexes in rows.values():
        size = min(GROUP_ROWS, -(-len(indexes) // pieces))
        groups += [indexes[start:start + size] for start in range(0, len(indexes), size)]
    return groups


def _copy(result: Result, key: str, folder: Path) -> Result:
    """The result of a product made for another row with the same fingerprint
    `key`: its file copied into `folder` (written atomically, with its
    record), or the same failure."""
    if not result.status.written:
        return result
    target = folder / Path(result.path).name
    try:
        with open(result.path, "rb") as source, atomic(target) as f:
            shutil.copyfileobj(source, f)
        remember(folder, result.product, key, result.pages, result.note)
    except OSError as exc:
        return Result.failed_inside(result.product, exc)
    # a copy took no layout: --verbose and the benchmark count only what was laid out
    return replace(result, path=str(target), seconds=0.0, status=Status.BUILT, passes=0, laid_out=0,
                   layout_seconds=0.0)
