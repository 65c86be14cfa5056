"""Packs kept as a spreadsheet: one .xlsx workbook, or a folder of CSV files.

The layout follows the pydantic models (see `columns`):

- sheet (or file) `pack`: the pack's metadata, one field a row, columns
  `field` and `value` (a third column `meaning` is help text and ignored);
- one sheet (or file) per list of the pack (`statements`, `categories`, ...,
  also `contacts` and `links`): the first row holds the field names, each
  further row is one item;
- a nested field is named with a dot (`citation.text`); a list is numbered
  from 1 (`authors.1`, `authors.2`; `questions.1`, `questions.2`).

Every error names the sheet, the row and the column as the spreadsheet shows
them. Dates, yes/no values and formulas without a saved value are refused
where text is expected rather than printed as `2026-03-01 00:00:00` or `=A1`.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import KitError, Where
from ..model import Pack
from .columns import Leaf, item_model, leaf, list_sections
from .errors import describe_cell
from .files import read_file
from ..xlsx_guard import check_workbook
from .loaded import LABELS_KEY, TablePack, locate

PACK_SHEET = "pack"
LABELS_SHEET = LABELS_KEY  # the pack's own labels: key / value rows (kit/pack_labels.py)
README_SHEET = "README"
MAX_ROWS = 6000
MAX_COLUMNS = 1000
# What a formula shows when it fails (a saved workbook stores these as the cell's value).
ERROR_VALUES = {
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!", "#GETTING_DATA",
}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Spreadsheet files openpyxl cannot read: named, with what to do, rather than "folder not found".
OTHER_SPREADSHEETS = (".xls", ".ods", ".numbers", ".csv")


@dataclass
class Table:
    """One sheet or CSV file: header names and rows as the spreadsheet numbers them."""

    name: str
    where: Where  # the workbook and its sheet, or the CSV file
    header: list[str | None]
    rows: list[tuple[int, list]]  # (row number, cell values)

    def cell(self, row: int, column: str) -> Where:
        return dataclasses.replace(self.where, row=row, column=column)


def is_table_pack(path: Path) -> bool:
    """A .xlsx workbook, or a folder of CSV files (pack.csv, no pack.yaml)."""
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES + OTHER_SPREADSHEETS:
        return True
    return path.is_dir() and not (path / "pack.yaml").exists() and (path / f"{PACK_SHEET}.csv").is_file()


def load_table_pack(path: Path | str) -> TablePack:
    """Load a pack from a .xlsx workbook or a folder of CSV files (what the web UI calls for uploads)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raise KitError("a CSV pack is a folder of CSV files, one per sheet: pack.csv, statements.csv, ...", path)
    if suffix in OTHER_SPREADSHEETS:
        raise KitError(f"cannot read {suffix} files: save the workbook as .xlsx (Excel workbook)", path)
    if suffix in WORKBOOK_SUFFIXES:
        if not path.is_file():
            raise KitError("workbook not found", path)
        tables, files = _read_workbook(path), [path]
        origin = Where(path, sheet=PACK_SHEET)
    elif path.is_dir():
        tables, files = _read_csv_folder(path)
        origin = Where(path / f"{PACK_SHEET}.csv")
    else:
        raise KitError("content pack not found", path)
    return _build(tables, path, files, origin)


class _FormulaWithoutValue:
    """A formula cell that was never calculated (written by a program, not saved by a spreadsheet)."""

    def __init__(self, formula: str):
        self.formula = formula


def _read_workbook(path: Path) -> dict[str, Table]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    data = read_file(path)  # a regular file within the size limit, never a pipe or device
    check_workbook(data, path)  # bounded before openpyxl trusts what the file claims
    try:
        values = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise KitError(f"not a readable .xlsx workbook ({exc})", path) from None
    tables = {}
    try:
        for sheet in values.worksheets:
            name = sheet.title.strip()
            if name == README_SHEET:
                continue
            where = Where(path, sheet=name)
            if (sheet.max_column or 0) > MAX_COLUMNS:
                raise KitError(f"sheet {name} has more than {MAX_COLUMNS} columns", path)
            raw = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1))
            if len(raw) > MAX_ROWS:
                if any(not _empty(v) for v in raw[MAX_ROWS]):
                    raise KitError(f"sheet {name} has more than {MAX_ROWS} rows", path)
                raw = raw[:MAX_ROWS]
            if any(v is None for r in raw for v in r):
                # None is an empty cell or a formula without a saved value: ask the formulas.
                written = list(formulas[sheet.title].iter_rows(values_only=True, max_row=len(raw)))
                raw = [
                    [
                        _FormulaWithoutValue(f)
                        if v is None and r2 and i < len(r2) and isinstance(f := r2[i], str) and f.startswith("=")
                        else v
                        for i, v in enumerate(r)
                    ]
                    for r, r2 in zip(raw, written + [()] * (len(raw) - len(written)))
                ]
            tables[name] = _table(name, where, raw)
    finally:
        values.close()
        formulas.close()
    return tables


def _read_csv_folder(folder: Path) -> tuple[dict[str, Table], list[Path]]:
    tables, files = {}, []
    for file in sorted(folder.glob("*.csv")):
        try:
            text = read_file(file).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise KitError(f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8", file) from None
        first = text.split("\n", 1)[0]
        # Spreadsheets in many European languages save CSV with semicolons.
        delimiter = max(",;\t", key=first.count)
        raw = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        if len(raw) > MAX_ROWS:
            raise KitError(f"more than {MAX_ROWS} rows", file)
        tables[file.stem] = _table(file.stem, Where(file), raw)
        files.append(file)
    return tables, files


def _table(name: str, where: Where, raw: list) -> Table:
    if not raw:
        return Table(name, where, [], [])
    header = [_header_name(v) for v in raw[0]]
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        values = list(values)
        if any(not _empty(v) for v in values):
            rows.append((number, values))
    return Table(name, where, header, rows)


def _header_name(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip().rstrip("*").strip().lower()  # a '*' marking a required field may stay
    return text or None


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_value(value, expected: Leaf, where: Where):
    """A cell as the model expects it; KitError naming the cell for what cannot be meant."""
    if isinstance(value, _FormulaWithoutValue):
        raise KitError(
            f"formula {value.formula} has no saved value; open the workbook in a spreadsheet program and save it",
            where,
        )
    if isinstance(value, str):
        if value in ERROR_VALUES:
            raise KitError(f"the cell shows the error {value}; fix the formula", where)
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        if expected.kind == "bool":
            return value
        raise KitError("a yes/no (TRUE/FALSE) value where text is expected; type the text", where)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        raise KitError(
            "a date or time where text is expected; format the cell as text (or start it with an apostrophe ')",
            where,
        )
    if isinstance(value, (int, float)):
        if expected.kind in ("int", "float"):
            return int(value) if isinstance(value, float) and value.is_integer() and expected.kind == "int" else value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    raise KitError(f"cannot read a value of type {type(value).__name__}", where)


def _rows_of(table: Table, model: type[BaseModel]) -> list[tuple[int, dict, dict]]:
    """[(row number, nested data, item path -> cell)] for a sheet of items."""
    columns = []
    seen = set()
    for index, name in enumerate(table.header):
        column_letter = _letter(index)
        if name is None:
            if any(index < len(v) and not _empty(v[index]) for _, v in table.rows):
                raise KitError(f"column {column_letter} has values but no field name in row 1", table.where)
            columns.append(None)
            continue
        if name in seen:
            raise KitError(f"column {name} appears twice in row 1", table.where)
        seen.add(name)
        parts = name.split(".")
        try:
            columns.append((name, parts, leaf(model, parts)))
        except ValueError as exc:
            raise KitError(f"{exc}", table.cell(1, column_letter)) from None
    out = []
    for number, values in table.rows:
        flat = []
        for index, value in enumerate(values):
            if index >= len(columns) or columns[index] is None or _empty(value):
                continue
            name, parts, expected = columns[index]
            where = table.cell(number, name)
            converted = _cell_value(value, expected, where)
            if converted is not None:
                flat.append((parts, converted, where))
        data, cells = _unflatten(flat)
        out.append((number, data, cells))
    return out


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _unflatten(flat: list[tuple[list[str], object, Where]]) -> tuple[dict, dict]:
    """Cells named `a.b.2.c` -> nested data; numbered lists closed up (a gap is skipped).
    Also returns, for each data path, the cell it came from."""
    tree: dict = {}
    for parts, value, where in flat:
        node = tree
        for part in parts[:-1]:
            key = int(part) if part.isdigit() else part
            node = node.setdefault(key, {})
        last = parts[-1]
        node[int(last) if last.isdigit() else last] = (value, where)
    cells: dict = {}

    def build(node, path):
        if isinstance(node, tuple):
            cells[path] = node[1]
            return node[0]
        if node and all(isinstance(k, int) for k in node):
            items = []
            for key in sorted(node):
                items.append(build(node[key], path + (len(items),)))
            return items
        return {key: build(value, path + (key,)) for key, value in node.items()}

    return build(tree, ()), cells


def _pack_rows(table: Table) -> tuple[dict, dict, dict]:
    """The `pack` sheet: field/value rows -> metadata, cells, field rows."""
    header = [h.lower() if h else h for h in table.header]
    if "field" not in header or "value" not in header:
        raise KitError("row 1 must name the columns field and value", table.where)
    field_at, value_at = header.index("field"), header.index("value")
    flat, seen = [], {}
    for number, values in table.rows:
        name = values[field_at] if field_at < len(values) else None
        value = values[value_at] if value_at < len(values) else None
        if _empty(name):
            if not _empty(value):
                raise KitError("a value without a field name", table.cell(number, "field"))
            continue
        name = str(name).strip().lower()
        if name in seen:
            raise KitError(f"field {name} is also given in row {seen[name]}", table.cell(number, "field"))
        seen[name] = number
        parts = name.split(".")
        where = table.cell(number, "value")
        try:
            expected = leaf(Pack, parts)
        except ValueError as exc:
            raise KitError(str(exc), table.cell(number, "field")) from None
        if parts[0] in list_sections():
            raise KitError(f"{parts[0]} has a sheet of its own; give it there, one row per item",
                           table.cell(number, "field"))
        if _empty(value):
            continue
        converted = _cell_value(value, expected, where)
        if converted is not None:
            flat.append((parts, converted, where))
    data, cells = _unflatten(flat)
    return data, cells, seen


def _build(tables: dict[str, Table], source: Path, files: list[Path], origin: Where) -> TablePack:
    sections = list_sections()
    if PACK_SHEET not in tables:
        raise KitError(f"no sheet named {PACK_SHEET!r} with the pack's id, language, title, ...", source)
    for name, table in tables.items():
        if name not in (PACK_SHEET, LABELS_SHEET) and name not in sections:
            raise KitError(
                f"unknown sheet {name!r}; sheets are named {PACK_SHEET}, {', '.join(sections)} "
                f"(and {README_SHEET}, {LABELS_SHEET})",
                table.where,
            )
    data, cells, _ = _pack_rows(tables[PACK_SHEET])
    rows: dict = {}
    for section in sections:
        table = tables.get(section)
        if table is None:
            continue
        items = []
        for index, (number, item, item_cells) in enumerate(_rows_of(table, item_model(section))):
            items.append(item)
            rows[(section, index)] = (table.where, number)
            for path, where in item_cells.items():
                cells[(section, index) + path] = where
        if items:
            data[section] = items
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        path, message = describe_cell(exc.errors()[0])
        raise KitError(message, locate(path, cells, rows, origin)) from None
    folder = source if source.is_dir() else source.parent
    own = _labels_sheet(tables[LABELS_SHEET]) if LABELS_SHEET in tables else {}
    return TablePack(pack=pack, folder=folder, files=files, cells=cells, rows=rows, origin=origin, labels=own)


def _labels_sheet(table: Table) -> dict:
    """The `labels` sheet: key / value rows (other columns, such as the English text, are help)."""
    from ..pack_labels import check, from_rows

    header = [h.lower() if h else h for h in table.header]
    if "key" not in header or "value" not in header:
        raise KitError("row 1 must name the columns key and value", table.where)
    key_at, value_at = header.index("key"), header.index("value")
    text = Leaf("str", str, False, "")
    rows = []
    for number, values in table.rows:
        key = values[key_at] if key_at < len(values) else None
        value = values[value_at] if value_at < len(values) else None
        if _empty(key):
            if not _empty(value):
                raise KitError("a value without a key", table.cell(number, "key"))
            continue
        if _empty(value):
            continue  # left empty: the built-in table's text
        key = str(key).strip()
        expected = Leaf("int", int, False, "") if key.endswith(".minutes") else text
        value = _cell_value(value, expected, table.cell(number, "value"))
        rows.append((key, value, table.cell(number, "value")))
    data, cells = from_rows(rows)

    def where(path):  # as pack_labels reads it: (file, line)
        for n in range(len(path), -1, -1):
            if cells.get(path[:n]):
                return cells[path[:n]].text(), None
        return table.where.text(), None

    return check(data, where)
