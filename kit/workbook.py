"""Packs kept as a spreadsheet: one .xlsx workbook, or a folder of CSV files.

The layout follows the pydantic models, so a field added to `kit/model.py`
needs no change here:

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
import datetime
import io
import os
import tempfile
import typing
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .errors import KitError
from .loader import LoadedPack, error_path, plain_message
from .loader import _read as read_pack_file
from .model import Pack
from .suggest import did_you_mean
from .xlsx_guard import check_workbook

PACK_SHEET = "pack"
LABELS_SHEET = "labels"  # the pack's own labels: key / value rows (kit/pack_labels.py)
README_SHEET = "README"
HELP_COLUMN = "meaning"
MAX_ROWS = 6000
MAX_COLUMNS = 1000
# What a formula shows when it fails (a saved workbook stores these as the cell's value).
ERROR_VALUES = {
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!", "#GETTING_DATA",
}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Spreadsheet files openpyxl cannot read: named, with what to do, rather than "folder not found".
OTHER_SPREADSHEETS = (".xls", ".ods", ".numbers", ".csv")
# Numbered columns written for a list even when the pack uses fewer, so there is room to add one.
SPARE_LIST_COLUMNS = 3


# --- the models, seen as flat columns ---------------------------------------------------------


def _strip_annotation(annotation):
    """(kind, inner): kind is model, list, enum, int, float, bool or str."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
            continue
        break
    if origin in (list, tuple):
        return "list", typing.get_args(annotation)[0]
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "model", annotation
        if issubclass(annotation, Enum):
            return "enum", annotation
        if issubclass(annotation, bool):
            return "bool", annotation
        if issubclass(annotation, int):
            return "int", annotation
        if issubclass(annotation, float):
            return "float", annotation
    return "str", annotation


def list_sections() -> list[str]:
    """The pack's fields that are lists of items: one sheet each."""
    out = []
    for name, info in Pack.model_fields.items():
        kind, inner = _strip_annotation(info.annotation)
        if kind == "list" and _strip_annotation(inner)[0] == "model":
            out.append(name)
    return out


def _item_model(section: str) -> type[BaseModel]:
    return _strip_annotation(_strip_annotation(Pack.model_fields[section].annotation)[1])[1]


def _ordered_fields(model: type[BaseModel]) -> list[str]:
    """`id` first, the model's own fields next, inherited ones (source, ...) last."""
    inherited = set()
    for base in model.__mro__[1:]:
        if isinstance(base, type) and issubclass(base, BaseModel):
            inherited |= set(getattr(base, "model_fields", {}))
    own = [n for n in model.model_fields if n not in inherited]
    names = own + [n for n in model.model_fields if n in inherited]
    return sorted(names, key=lambda n: n != "id")


@dataclass
class Leaf:
    kind: str  # enum, int, float, bool, str
    annotation: object
    required: bool
    description: str


def leaf(model: type[BaseModel], parts: list[str]) -> Leaf:
    """The field a flat column name (`citation.text`, `questions.2`) stands for; ValueError if none."""
    required = True
    current = model
    index = 0
    while index < len(parts):
        name = parts[index]
        info = current.model_fields.get(name) if isinstance(current, type) else None
        if info is None:
            hint = did_you_mean(name, list(current.model_fields)) if isinstance(current, type) else ""
            raise ValueError(f"unknown field {'.'.join(parts[: index + 1])!r}{hint}")
        required = required and info.is_required()
        kind, inner = _strip_annotation(info.annotation)
        index += 1
        while kind == "list":
            if index >= len(parts) or not parts[index].isdigit() or int(parts[index]) < 1:
                raise ValueError(
                    f"{'.'.join(parts[:index])!r} is a list: number it "
                    f"{'.'.join(parts[:index])}.1, {'.'.join(parts[:index])}.2, ..."
                )
            index += 1
            required = False
            kind, inner = _strip_annotation(inner)
        if kind == "model":
            if index >= len(parts):
                names = ", ".join(f"{'.'.join(parts)}.{n}" for n in _ordered_fields(inner))
                raise ValueError(f"{'.'.join(parts)!r} has parts: use the columns {names}")
            current = inner
            continue
        if index != len(parts):
            raise ValueError(f"unknown field {'.'.join(parts)!r}")
        return Leaf(kind, inner, required, info.description or "")
    raise ValueError(f"unknown field {'.'.join(parts)!r}")


def _columns(model: type[BaseModel], items: list[dict], prefix: str = "") -> list[str]:
    """Flat column names for `items` of `model`: every field, lists numbered as far as needed."""
    out = []
    for name in _ordered_fields(model):
        kind, inner = _strip_annotation(model.model_fields[name].annotation)
        key = prefix + name
        values = [item.get(name) for item in items if isinstance(item, dict)]
        if kind == "model":
            out += _columns(inner, [v for v in values if isinstance(v, dict)], key + ".")
        elif kind == "list":
            count = max([len(v) for v in values if isinstance(v, list)] + [0])
            inner_kind, inner_model = _strip_annotation(inner)
            if inner_kind == "model":
                nested = [x for v in values if isinstance(v, list) for x in v]
                for n in range(1, max(count, 1) + 1):
                    out += _columns(inner_model, nested, f"{key}.{n}.")
            else:
                out += [f"{key}.{n}" for n in range(1, max(count, SPARE_LIST_COLUMNS) + 1)]
        else:
            out.append(key)
    return out


def _flatten(value, prefix: str, out: dict) -> dict:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}{key}.", out)
    elif isinstance(value, list):
        for n, inner in enumerate(value, start=1):
            _flatten(inner, f"{prefix}{n}.", out)
    elif value is not None:
        out[prefix[:-1]] = value
    return out


# --- reading --------------------------------------------------------------------------------


@dataclass
class Table:
    """One sheet or CSV file: header names and rows as the spreadsheet numbers them."""

    name: str
    where: str  # "findings.xlsx: sheet statements" or "pack/statements.csv"
    header: list[str | None]
    rows: list[tuple[int, list]]  # (row number, cell values)

    def cell(self, row: int, column: str) -> str:
        return f"{self.where}, row {row}, column {column}"


@dataclass
class TablePack(LoadedPack):
    """A pack read from a workbook or CSV files; `where` names the cell."""

    cells: dict = field(default_factory=dict)  # item path -> "file: sheet s, row r, column c"
    rows: dict = field(default_factory=dict)  # (section, index) -> Table, row number
    origin: str = ""

    def where(self, path: tuple) -> tuple[str, None]:
        return locate(path, self.cells, self.rows, self.origin), None


def locate(path, cells, rows, origin) -> str:
    path = tuple(path)
    if path in cells:
        return cells[path]
    for n in range(len(path), 0, -1):
        if path[:n] in rows:
            table, row = rows[path[:n]]
            rest = _flat_name(path[n:])
            return f"{table.where}, row {row}" + (f", column {rest}" if rest else "")
    for n in range(len(path), 0, -1):
        if path[:n] in cells:
            return cells[path[:n]]
    if path and isinstance(path[0], str):
        return f"{origin}, field {_flat_name(path)}"
    return origin


def _flat_name(path: tuple) -> str:
    return ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in path)


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
        origin = f"{path}: sheet {PACK_SHEET}"
    elif path.is_dir():
        tables, files = _read_csv_folder(path)
        origin = str(path / f"{PACK_SHEET}.csv")
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

    data = read_pack_file(path)  # a regular file within the size limit, never a pipe or device
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
            where = f"{path}: sheet {name}"
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
            text = read_pack_file(file).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise KitError(f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8", file) from None
        first = text.split("\n", 1)[0]
        # Spreadsheets in many European languages save CSV with semicolons.
        delimiter = max(",;\t", key=first.count)
        raw = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        if len(raw) > MAX_ROWS:
            raise KitError(f"more than {MAX_ROWS} rows", file)
        tables[file.stem] = _table(file.stem, str(file), raw)
        files.append(file)
    return tables, files


def _table(name: str, where: str, raw: list) -> Table:
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


def _cell_value(value, expected: Leaf, where: str):
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
            raise KitError(f"{exc}", f"{table.where}, row 1, column {column_letter}") from None
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


def _unflatten(flat: list[tuple[list[str], object, str]]) -> tuple[dict, dict]:
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


def _build(tables: dict[str, Table], source: Path, files: list[Path], origin: str) -> TablePack:
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
        for index, (number, item, item_cells) in enumerate(_rows_of(table, _item_model(section))):
            items.append(item)
            rows[(section, index)] = (table, number)
            for path, where in item_cells.items():
                cells[(section, index) + path] = where
        if items:
            data[section] = items
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        path, message = describe(exc.errors()[0])
        raise KitError(message, locate(path, cells, rows, origin)) from None
    folder = source if source.is_dir() else source.parent
    own = _labels_sheet(tables[LABELS_SHEET]) if LABELS_SHEET in tables else {}
    return TablePack(pack=pack, folder=folder, files=files, cells=cells, rows=rows, origin=origin, labels=own)


def _labels_sheet(table: Table) -> dict:
    """The `labels` sheet: key / value rows (other columns, such as the English text, are help)."""
    from .pack_labels import check, from_rows

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

    def where(path):
        for n in range(len(path), -1, -1):
            if cells.get(path[:n]):
                return cells[path[:n]], None
        return table.where, None

    return check(data, where)


def describe(error: dict) -> tuple[tuple, str]:
    """(item path, message) for a pydantic error; the location says sheet, row and column."""
    loc, given = error_path(error)
    if given:
        return loc, given
    if error["type"] == "missing":
        return loc, "field required"
    return loc, plain_message(error)


# --- writing --------------------------------------------------------------------------------

README_TEXT = """\
How to fill in this workbook

This workbook is a content pack for findings-kit: it becomes dialogue cards, sort cards, a poster,
an answer key, a worksheet and a facilitator guide. Build it with:  findings-kit --content {name}

Sheet "pack": the pack's details, one per row. Column "field" names it (keep it as it is), column
"value" holds it. The column "meaning" says what the field is for; it is not read.
Other sheets: one row per item (a card, a category, a recommendation, ...). Row 1 holds the field
names: keep them as they are; the order of the columns does not matter.
Headers in bold on a yellow background are required; a cell comment on each header says what it is.
A dotted name is part of a field: citation.text and citation.short are the two parts of the citation.
A numbered name is a list: authors.1, authors.2, ... on the pack sheet; questions.1, questions.2, ...
on the cases sheet. Add a column (questions.4) or a row (authors.5) for more; leave cells empty for fewer.
"source" says where an item comes from: report (a finding of the researchers, word for word),
summary (a public summary of the same study) or kit (written for this kit). Choose it from the list.
An id is lower-case letters, digits and dashes, unique in the whole workbook; sort-card codes and
error messages use it. Statements name their category by its id.
A sheet may stay empty (only its first row): the products that need it are then skipped.
Formulas are fine: their value is used. Save the file in your spreadsheet program before building.
Dates and TRUE/FALSE are not text: type them as text (start the cell with an apostrophe ').
Errors name the sheet, the row and the column, e.g.  {name}: sheet statements, row 14, column text: field required
The format of each field: docs/content-format.md in the findings-kit repository.
"""

REQUIRED_FILL = "FFF2CC"
# Help for pack fields whose model gives no description (the model's own description wins).
PACK_HELP = {
    "language": "Language of the pack, e.g. nl, en, fr, de, uk, ar: picks the words the kit prints itself "
                "(or give them in a sheet named labels), right-to-left pages and how dates print.",
    "title": "Printed on every product.",
    "subtitle": "Printed under the title.",
    "description_source": "Where the description comes from: report, summary or kit.",
    "authors": "One author a row: authors.1, authors.2, ... (add rows for more).",
}


def write_workbook(pack: Pack, target: Path) -> Path:
    """Write `pack` as a workbook (atomically: an existing file is replaced only when the new one is whole)."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    data = pack.model_dump(mode="json", exclude_unset=True)
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = README_SHEET
    for line in README_TEXT.format(name=target.name).splitlines():
        readme.append([line])
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 110
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor=REQUIRED_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")
    sections = list_sections()

    def put(cell, value):
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text that starts with '=' stays text, never a formula
        cell.alignment = wrap

    def dropdown(sheet, expected: Leaf, ref: str):
        if expected.kind != "enum":
            return
        choices = ",".join(m.value for m in expected.annotation)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=not expected.required)
        validation.error = f"Choose one of: {choices.replace(',', ', ')}"
        validation.errorTitle = "Not an allowed value"
        validation.prompt = f"One of: {choices.replace(',', ', ')}"
        sheet.add_data_validation(validation)
        validation.add(ref)

    # The pack sheet: field / value / meaning
    sheet = book.create_sheet(PACK_SHEET)
    sheet.append(["field", "value", HELP_COLUMN])
    meta = {k: v for k, v in data.items() if k not in sections}
    flat = _flatten(meta, "", {})
    for name in _columns(Pack, [meta]):
        if name.split(".")[0] in sections:
            continue
        expected = leaf(Pack, name.split("."))
        last = name.split(".")[-1]
        if name not in flat and not expected.required and last.isdigit() and int(last) > 1:
            continue  # one empty numbered row shows how a list is given; no need for more
        row = sheet.max_row + 1
        put(sheet.cell(row, 1), name)
        put(sheet.cell(row, 2), flat.get(name))
        sheet.cell(row, 3).value = expected.description or PACK_HELP.get(name.split(".")[0])
        if expected.required:
            sheet.cell(row, 1).font = bold
            sheet.cell(row, 1).fill = required_fill
        dropdown(sheet, expected, f"B{row}")
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 50

    for section in sections:
        model = _item_model(section)
        items = data.get(section, [])
        sheet = book.create_sheet(section)
        names = _columns(model, items)
        sheet.append(names)
        for item in items:
            flat = _flatten(item, "", {})
            row = sheet.max_row + 1
            for column, name in enumerate(names, start=1):
                put(sheet.cell(row, column), flat.get(name))
        last_row = max(sheet.max_row, 2) + 500
        for column, name in enumerate(names, start=1):
            expected = leaf(model, name.split("."))
            header = sheet.cell(1, column)
            header.font = bold
            if expected.required:
                header.fill = required_fill
            note = (expected.description + " " if expected.description else "") + (
                "Required." if expected.required else "Optional."
            )
            if expected.kind == "enum":
                note += " One of: " + ", ".join(m.value for m in expected.annotation) + "."
            header.comment = Comment(note, "findings-kit")
            letter = get_column_letter(column)
            dropdown(sheet, expected, f"{letter}2:{letter}{last_row}")
            longest = max([len(str(name))] + [len(str(c.value)) for c in sheet[letter][1:] if c.value is not None])
            sheet.column_dimensions[letter].width = max(10, min(60, longest + 2))
        sheet.freeze_panes = "A2"

    return _save(book, target)


def _save(book, target: Path) -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    try:
        book.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# --- YAML out -------------------------------------------------------------------------------


def write_yaml_pack(pack: Pack, folder: Path, note: str = "") -> list[Path]:
    """The pack as YAML: pack.yaml with the metadata, one file per non-empty section."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, value):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)

    def dump(value) -> str:
        return yaml.dump(value, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)

    from .model import SECTION_FILES

    data = pack.model_dump(mode="json", exclude_unset=True)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    header = f"# {note}\n" if note else ""
    meta = {k: v for k, v in data.items() if k not in SECTION_FILES}
    (folder / "pack.yaml").write_text(header + dump(meta), encoding="utf-8")
    written.append(folder / "pack.yaml")
    for section in SECTION_FILES:
        if data.get(section):
            path = folder / f"{section}.yaml"
            path.write_text(header + dump(data[section]), encoding="utf-8")
            written.append(path)
    return written


def starter_workbook(template: Path, pack_id: str, target: Path, language: str = "en") -> Path:
    """The commented starter pack (kit/new_pack/) as a workbook; its comments go to the README sheet.
    In a language the kit has no labels for, a `labels` sheet holds the kit's words to translate."""
    import shutil

    import openpyxl

    from .loader import load_pack

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pack"
        shutil.copytree(template, folder, ignore=shutil.ignore_patterns("__pycache__"))
        main_file = folder / "pack.yaml"
        main_file.write_text(main_file.read_text(encoding="utf-8").replace("__ID__", pack_id)
                             .replace("language: en", f"language: {language}"), encoding="utf-8")
        pack = load_pack(folder).pack
        notes = []
        for file in sorted(folder.glob("*.yaml")):
            if file.stem == PACK_SHEET:
                continue  # its comments are about YAML files; the pack sheet's third column explains each field
            lines = []
            for line in file.read_text(encoding="utf-8").splitlines():
                if not line.startswith("#"):
                    break
                lines.append(line.lstrip("#").strip())
            if lines:
                notes.append((file.stem, " ".join(lines)))
    write_workbook(pack, target)
    book = openpyxl.load_workbook(target)
    readme = book[README_SHEET]
    readme.append([])
    readme.append(["About the example in each sheet (replace it with your own findings)"])
    readme.cell(readme.max_row, 1).font = openpyxl.styles.Font(bold=True)
    for sheet, note in notes:
        readme.append([f"sheet {sheet}: {note.replace('`', '')}"])
        readme.cell(readme.max_row, 1).alignment = openpyxl.styles.Alignment(wrap_text=True)
    from .labels import available, base_language

    if base_language(language) not in available():
        from .label_file import add_sheet

        add_sheet(book, language)
    return _save(book, target)
