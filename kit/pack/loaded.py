"""A loaded pack and where each of its values came from.

`where(path)` takes an item path as pydantic gives it (`("statements", 3,
"text")`) and returns a `Where`: the YAML file and line, or the workbook or
CSV file with sheet, row and column. Missing parts of the path fall back to
the nearest enclosing item, then to the pack's main file.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Where
from ..model import Pack
from .errors import column_name

PACK_FILE = "pack.yaml"
LABELS_KEY = "labels"  # labels.yaml, a `labels` section of pack.yaml or a `labels` sheet: the pack's own label table


@dataclass
class LoadedPack:
    pack: Pack
    folder: Path
    files: list[Path]
    # (section, index, field...) -> where it is written, for error messages after loading
    lines: dict[tuple, Where] = field(default_factory=dict)
    labels: dict = field(default_factory=dict)  # the pack's own labels (kit/pack_labels.py), checked

    def where(self, path: tuple) -> Where:
        return lookup(self.lines, path, Where(self.folder / PACK_FILE))

    def where_item(self, item_id: str) -> Where:
        """Where the item with this id is written (for fit errors); the pack's main file if none has it."""
        found = self.pack.find(item_id)
        return self.where(found[:2]) if found else self.where(())


def lookup(lines: dict[tuple, Where], path, default: Where) -> Where:
    """The place of `path`, or of the nearest item that holds it."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), default)


@dataclass
class TablePack(LoadedPack):
    """A pack read from a workbook or CSV files; `where` names the cell."""

    cells: dict = field(default_factory=dict)  # item path -> Where of its cell
    rows: dict = field(default_factory=dict)  # (section, index) -> (Where of the sheet, row number)
    origin: Where | None = None  # the pack sheet

    def where(self, path: tuple) -> Where:
        return locate(path, self.cells, self.rows, self.origin)


def locate(path, cells: dict, rows: dict, origin: Where) -> Where:
    """The cell of `path`; else its item's row (and the column the rest of the path names); else the pack sheet."""
    path = tuple(path)
    if path in cells:
        return cells[path]
    for n in range(len(path), 0, -1):
        if path[:n] in rows:
            sheet, row = rows[path[:n]]
            return dataclasses.replace(sheet, row=row, column=column_name(path[n:]) or None)
    for n in range(len(path), 0, -1):
        if path[:n] in cells:
            return cells[path[:n]]
    if path and isinstance(path[0], str):
        return dataclasses.replace(origin, field=column_name(path))
    return origin
