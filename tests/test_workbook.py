"""Packs kept as a spreadsheet: a workbook or CSV files in, a workbook out, errors that point at the cell."""

from __future__ import annotations

import csv
import datetime
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, cli

from kit.errors import KitError
from kit.pack import load_pack
from kit.pack.export import write_workbook

SHIPPED = ["collectief-leren", "teamleren"]


def _dump(pack) -> dict:
    # exclude_unset: a field left out (a default) stays left out, so provenance is kept as written
    return pack.model_dump(mode="json", exclude_unset=True)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """Both shipped packs, exported by the command line."""
    folder = tmp_path_factory.mktemp("exported")
    out = {}
    for pack_id in SHIPPED:
        target = folder / f"{pack_id}.xlsx"
        result = cli("export", pack_id, str(target))
        assert result.returncode == 0, result.stderr
        out[pack_id] = target
    return out


def _header(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1] if cell.value}


def _row_of(sheet, item_id: str) -> int:
    column = _header(sheet)["id"]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, column).value == item_id:
            return row
    raise AssertionError(item_id)


def _edit(path: Path, target: Path, change) -> Path:
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(target)
    return target


def _error(path) -> str:
    with pytest.raises(KitError) as info:
        load_pack(path)
    return info.value.one_line()


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_export_then_import_gives_back_the_same_pack(exported, tmp_path, pack_id):
    original = load_pack(ROOT / "content" / pack_id).pack
    assert _dump(load_pack(exported[pack_id]).pack) == _dump(original)
    folder = tmp_path / "imported"
    result = cli("import", str(exported[pack_id]), str(folder))
    assert result.returncode == 0, result.stderr
    imported = load_pack(folder).pack
    assert _dump(imported) == _dump(original)
    # the same ids, text and provenance, item by item
    for section in ("statements", "dialogue", "cases", "recommendations", "definitions"):
        assert [(i.id, i.source, i.source_note) for i in getattr(imported, section)] == [
            (i.id, i.source, i.source_note) for i in getattr(original, section)
        ]


def test_exported_workbook_is_ready_to_fill_in(exported):
    book = openpyxl.load_workbook(exported["collectief-leren"])
    assert book.sheetnames[0] == "README"
    assert "how to fill in" in book["README"]["A1"].value.lower()
    for name in ("pack", "definitions", "categories", "statements", "recommendations", "dialogue", "cases", "guide"):
        assert book[name].freeze_panes == "A2", name
    statements = book["statements"]
    header = _header(statements)
    assert next(iter(header)) == "id"
    # required fields are marked, optional ones are not
    assert statements.cell(1, header["text"]).fill.fgColor.rgb.endswith("FFF2CC")
    assert statements.cell(1, header["group"]).fill.fgColor.rgb != statements.cell(1, header["text"]).fill.fgColor.rgb
    # the allowed values of source and kind are dropdowns over their columns
    lists = {
        str(v.sqref): v.formula1 for v in statements.data_validations.dataValidation if v.type == "list"
    }
    source_letter = statements.cell(1, header["source"]).column_letter
    assert any(ref.startswith(f"{source_letter}2:") and f == '"report,summary,adapted,kit"' for ref, f in lists.items())
    dialogue = book["dialogue"]
    kind_letter = dialogue.cell(1, _header(dialogue)["kind"]).column_letter
    kinds = [
        v.formula1 for v in dialogue.data_validations.dataValidation if str(v.sqref).startswith(f"{kind_letter}2:")
    ]
    assert kinds == ['"scenario,recommendation,reflection,case,question"']
    # columns sized to their text, not left at the default width
    assert statements.column_dimensions[statements.cell(1, header["text"]).column_letter].width >= 40


def test_error_names_sheet_row_and_column(exported, tmp_path):
    source = exported["collectief-leren"]
    row = _row_of(openpyxl.load_workbook(source)["statements"], "rv-03")

    def blank_text(book):
        sheet = book["statements"]
        sheet.cell(row, _header(sheet)["text"]).value = None

    broken = _edit(source, tmp_path / "findings.xlsx", blank_text)
    result = cli("--content", str(broken), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {broken}: sheet statements, row {row}, column text: field required"
    assert "Traceback" not in result.stderr


def test_cross_reference_error_points_at_the_cell(exported, tmp_path):
    source = exported["collectief-leren"]
    row = _row_of(openpyxl.load_workbook(source)["statements"], "lo-02")

    def wrong_category(book):
        sheet = book["statements"]
        sheet.cell(row, _header(sheet)["category"]).value = "nergens"

    message = _error(_edit(source, tmp_path / "f.xlsx", wrong_category))
    assert message.startswith(f"{tmp_path / 'f.xlsx'}: sheet statements, row {row}, column category: ")
    assert "unknown category 'nergens'" in message


def test_pack_sheet_error_names_its_row(exported, tmp_path):
    def bad_url(book):
        sheet = book["pack"]
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, 1).value == "report_url":
                sheet.cell(row, 2).value = "steunpuntsono.be"
                return row

    source = exported["teamleren"]
    book = openpyxl.load_workbook(source)
    row = bad_url(book)
    book.save(tmp_path / "p.xlsx")
    message = _error(tmp_path / "p.xlsx")
    assert message.startswith(f"{tmp_path / 'p.xlsx'}: sheet pack, row {row}, column value: ")
    assert "not an http(s) URL" in message


def test_unknown_column_and_sheet_are_errors(exported, tmp_path):
    def extra_column(book):
        sheet = book["statements"]
        sheet.cell(1, sheet.max_column + 1).value = "txet"
        return sheet.cell(1, sheet.max_column).column_letter

    book = openpyxl.load_workbook(exported["collectief-leren"])
    letter = extra_column(book)
    book.save(tmp_path / "c.xlsx")
    expected = (f"{tmp_path / 'c.xlsx'}: sheet statements, row 1, column {letter}: "
                "unknown field 'txet' (did you mean 'text'?)")
    assert _error(tmp_path / "c.xlsx") == expected

    book = openpyxl.load_workbook(exported["collectief-leren"])
    book["statements"].title = "statement"
    book.save(tmp_path / "s.xlsx")
    assert "unknown sheet 'statement'" in _error(tmp_path / "s.xlsx")


def test_dates_numbers_and_formulas(exported, tmp_path):
    source = exported["collectief-leren"]
    sheet = openpyxl.load_workbook(source)["statements"]
    row = _row_of(sheet, "rv-01")
    text_column = _header(sheet)["text"]

    def put(value):
        def change(book):
            book["statements"].cell(row, text_column).value = value

        return change

    # a date where text is expected is named, never printed as 2026-03-01 00:00:00
    message = _error(_edit(source, tmp_path / "d.xlsx", put(datetime.datetime(2026, 3, 1))))
    assert message.startswith(f"{tmp_path / 'd.xlsx'}: sheet statements, row {row}, column text: a date")
    assert "00:00:00" not in message

    # a number where text is expected is text as the sheet shows it
    pack = load_pack(_edit(source, tmp_path / "n.xlsx", put(2020.0))).pack
    assert pack.item("rv-01").text == "2020"
    pack = load_pack(_edit(source, tmp_path / "n2.xlsx", put(12.5))).pack
    assert pack.item("rv-01").text == "12.5"

    # a formula without a saved value is named, not printed as its formula
    message = _error(_edit(source, tmp_path / "f.xlsx", put('="Een gemeenschappelijk "&"doel"')))
    assert message.startswith(f"{tmp_path / 'f.xlsx'}: sheet statements, row {row}, column text: formula")

    # a formula a spreadsheet program saved gives its value
    saved = _with_cached_value(tmp_path / "f.xlsx", tmp_path / "saved.xlsx", "Een gemeenschappelijk doel")
    assert load_pack(saved).pack.item("rv-01").text == "Een gemeenschappelijk doel"


def _with_cached_value(path: Path, target: Path, value: str) -> Path:
    """What a spreadsheet program writes on saving: each formula with its computed value
    (openpyxl leaves the value empty: `<v/>`, or `<v></v>` when it writes with lxml)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                text, count = re.subn(
                    r'<c r="([A-Z]+\d+)"([^>]*)><f>(.*?)</f><v\s*(?:/>|></v>)', rf'<c r="\1" t="str"><f>\3</f><v>{value}</v>',
                    data.decode(),
                )
                data = text.encode() if count else data
            out.writestr(item, data)
    return target


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    pack = load_pack(ROOT / "content" / "teamleren").pack
    case = pack.cases[0].model_copy(update={"text": "=1+1 is what the team wrote", "questions": ["=A1?"]})
    changed = pack.model_copy(update={"cases": [case, *pack.cases[1:]]})
    write_workbook(changed, tmp_path / "eq.xlsx")
    back = load_pack(tmp_path / "eq.xlsx").pack
    assert back.cases[0].text == "=1+1 is what the team wrote"
    assert back.cases[0].questions == ["=A1?"]


def test_a_folder_of_csv_files_is_a_pack(exported, tmp_path):
    """Each sheet saved as CSV (semicolons, as a Dutch or French spreadsheet program saves it)."""
    folder = tmp_path / "csv-pack"
    folder.mkdir()
    book = openpyxl.load_workbook(exported["collectief-leren"])
    for sheet in book.worksheets:
        if sheet.title == "README":
            continue
        with open(folder / f"{sheet.title}.csv", "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f, delimiter=";").writerows(
                [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
            )
    loaded = load_pack(folder)
    assert _dump(loaded.pack) == _dump(load_pack(ROOT / "content" / "collectief-leren").pack)
    assert folder / "statements.csv" in loaded.files

    lines = (folder / "statements.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].replace(";report", ";rapport", 1)
    (folder / "statements.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _error(folder)
    assert message.startswith(f"{folder / 'statements.csv'}, row 4, column source: ")
    assert "'report', 'summary', 'adapted' or 'kit'" in message


def test_init_xlsx_writes_a_starter_workbook_that_builds(tmp_path):
    target = tmp_path / "my-study.xlsx"
    result = cli("init", "--xlsx", str(target))
    assert result.returncode == 0, result.stderr
    loaded = load_pack(target)
    assert loaded.pack.id == "my-study"
    assert loaded.pack.statements and loaded.pack.dialogue
    readme = "\n".join(c.value or "" for c in openpyxl.load_workbook(target)["README"]["A"])
    assert "sheet statements:" in readme and "never the category" in readme  # the template's comments came along
    again = cli("init", "--xlsx", str(target))
    assert again.returncode == 2 and "file exists" in again.stderr


def test_workbook_builds_and_an_edit_rebuilds(exported, tmp_path):
    workbook = shutil.copy(exported["teamleren"], tmp_path / "team.xlsx")
    out = tmp_path / "out"
    first = cli("--content", str(workbook), "--out", str(out), "--only", "guide")
    assert first.returncode == 0, first.stderr
    pdf = out / "teamleren" / "guide.pdf"
    assert pdf.is_file()
    before = pdf.stat().st_mtime_ns

    def retitle(book):
        sheet = book["pack"]
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, 1).value == "title":
                sheet.cell(row, 2).value = "Teamleren, uit een werkmap"

    _edit(workbook, workbook, retitle)
    second = cli("--content", str(workbook), "--out", str(out), "--only", "guide")
    assert second.returncode == 0, second.stderr
    assert pdf.stat().st_mtime_ns != before
    from pypdf import PdfReader

    assert "Teamleren, uit een werkmap" in PdfReader(pdf).pages[0].extract_text()


def test_import_and_export_refuse_to_overwrite(exported, tmp_path):
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = cli("import", str(exported["teamleren"]), str(folder))
    assert result.returncode == 2 and "not empty" in result.stderr
    result = cli("export", "teamleren", str(exported["teamleren"]))
    assert result.returncode == 2 and "file exists" in result.stderr
    result = cli("export", "no-such-pack", str(tmp_path / "x.xlsx"))
    assert result.returncode == 2 and "no-such-pack" in result.stderr


def test_a_file_that_is_not_a_workbook(tmp_path):
    fake = tmp_path / "findings.xlsx"
    fake.write_text("id;text\n")
    result = cli("--content", str(fake), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {fake}: not a readable .xlsx workbook")


def test_docs_describe_the_spreadsheet_format():
    text = (ROOT / "docs" / "content-format.md").read_text(encoding="utf-8")
    assert "## Spreadsheets" in text
    assert "questions.1" in text and "citation.text" in text
    json.loads((ROOT / "docs" / "pack.schema.json").read_text(encoding="utf-8"))


def test_other_spreadsheet_files_are_named_with_what_to_do(tmp_path):
    ods = tmp_path / "findings.ods"
    ods.write_bytes(b"PK\x03\x04")
    assert _error(ods) == f"{ods}: cannot read .ods files: save the workbook as .xlsx (Excel workbook)"
    assert "a CSV pack is a folder of CSV files" in _error(tmp_path / "statements.csv")
    assert _error(tmp_path / "missing.xlsx") == f"{tmp_path / 'missing.xlsx'}: workbook not found"


def test_headers_are_read_as_people_type_them(exported, tmp_path):
    def capitalise(book):
        for cell in book["statements"][1]:
            if cell.value == "text":
                cell.value = "Text *"

    loaded = load_pack(_edit(exported["collectief-leren"], tmp_path / "h.xlsx", capitalise))
    assert loaded.pack.item("rv-01").text == "Een gemeenschappelijk doel"


def test_a_formula_that_fails_is_named(exported, tmp_path):
    source = exported["teamleren"]
    saved = _with_cached_value(
        _edit(source, tmp_path / "f.xlsx", lambda book: book["cases"].cell(2, 2).__setattr__("value", "=1/0")),
        tmp_path / "err.xlsx",
        "#DIV/0!",
    )
    column = openpyxl.load_workbook(source)["cases"].cell(1, 2).value
    expected = f"{saved}: sheet cases, row 2, column {column}: the cell shows the error #DIV/0!; fix the formula"
    assert _error(saved) == expected


def test_shipped_packs_are_named_by_id():
    from kit.cli import content_path

    assert content_path("teamleren") == ROOT / "content" / "teamleren"
    with pytest.raises(KitError, match="no shipped pack with this id .shipped: collectief-leren, teamleren"):
        content_path("teamlere")
