"""A pack written out: as a workbook (what `findings-kit export` makes, and the
starter workbook) or as YAML files (what `findings-kit import` makes)."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..model import SECTION_FILES, Pack
from .columns import Leaf, columns, flatten, item_model, leaf, list_sections
from .files import save_atomically
from .table_loader import PACK_SHEET, README_SHEET

HELP_COLUMN = "meaning"
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
    flat = flatten(meta, "", {})
    for name in columns(Pack, [meta]):
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
        model = item_model(section)
        items = data.get(section, [])
        sheet = book.create_sheet(section)
        names = columns(model, items)
        sheet.append(names)
        for item in items:
            flat = flatten(item, "", {})
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

    return save_workbook(book, target)


def write_yaml_pack(pack: Pack, folder: Path, note: str = "") -> list[Path]:
    """The pack as YAML: pack.yaml with the metadata, one file per non-empty section."""
    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, value):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)

    def dump(value) -> str:
        return yaml.dump(value, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)

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


def save_workbook(book, target: Path) -> Path:
    """Save an openpyxl workbook atomically."""
    return save_atomically(book.save, target)
