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

from .build import Result, plan_product, render_all, shared_digest
from .context import Options
from .errors import KitError
from .loader import load_pack

SLUG_KEYS = ("school", "team", "date")


@dataclass
class Row:
    line: int
    values: tuple[tuple[str, str], ...]
    slug: str = ""
    error: str = ""


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def read_rows(path: Path) -> list[Row]:
    try:
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
            raise KitError(f"not a CSV file: {exc}", path, getattr(reader, "line_num", None)) from None
    if not rows:
        raise KitError("the CSV file has no rows", path)
    return rows


def build_batch(pack_folder: Path, out: Path, products: list[str], options: Options, rows: list[Row],
                *, force: bool = False, jobs: int | None = None, console=None):
    """Build every good row; returns {row line: [Result]} and the bad rows."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    loaded = load_pack(pack_folder)
    results: dict[int, list[Result]] = {}
    todo = []
    shared = shared_digest()
    for row in rows:
        if row.error:
            continue
        row_options = replace(options, values=tuple(dict(options.values + row.values).items()), products=tuple(products))
        row_out = out / row.slug
        results[row.line] = []
        for product_id in products:
            settled, key = plan_product(loaded, row_out, product_id, row_options, force, shared)
            if settled:
                results[row.line].append(settled)
            else:
                todo.append((row.line, (str(pack_folder), str(row_out), product_id, row_options, key)))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        task = progress.add_task("building", total=len(todo))
        for index, result in render_all([args for _, args in todo], jobs):
            results[todo[index][0]].append(result)
            progress.advance(task)
    return results
