"""Personalised batches: one kit per CSV row, rows rendered in parallel.

Columns are the `--set` keys (school, team, date, facilitator, ...). Each row
goes to OUT/<pack-id>/<slug of the row>/. A bad row is reported with its line
number; the other rows still build.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from .build import Result, Task
from .build.lock import locked, remove_stale_parts
from .build.orchestrate import render_tasks
from .build.records import plan_product, shared_digest
from .context import Options
from .errors import KitError
from .labels import check_language
from .pack import load_pack
from .model import VALUE_CHARS

SLUG_KEYS = ("school", "team", "date")


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

    `on_kit(row, results)` is called as each row's kit is finished. A progress
    bar is shown when `console` is a terminal. The whole batch holds the lock
    of `out`; an interrupt raises `Interrupted` with the PDFs written.
    """
    from contextlib import nullcontext

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    loaded = loaded or load_pack(pack_folder)  # parsed once: every task is handed the validated pack
    check_language(options.lang, loaded)
    results: dict[int, list[Result]] = {}
    todo = []
    waiting: dict[int, int] = {}
    by_line = {row.line: row for row in rows}
    with locked(out, on_wait):
        shared = shared_digest()
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
                if settled:
                    results[row.line].append(settled)
                else:
                    todo.append((row.line, Task(loaded, row_out, product_id, row_options, key)))
                    waiting[row.line] += 1
        if on_kit:
            for line, count in waiting.items():
                if not count:
                    on_kit(by_line[line], results[line])
        show = console is not None and console.is_terminal
        progress = (Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                             console=console, transient=False) if show else nullcontext())
        with progress:
            task = progress.add_task("building", total=len(todo)) if show else None

            def done(index, result):
                line = todo[index][0]
                results[line].append(result)
                waiting[line] -= 1
                if show:
                    progress.advance(task)
                if on_kit and not waiting[line]:
                    on_kit(by_line[line], results[line])

            render_tasks([task for _, task in todo], jobs, done)
    return results
