"""kit/xlsx_guard.py: a hostile workbook or zip is refused before openpyxl or
the unpacker trusts it, quickly and in little memory, from the command line
as from the web page; a real workbook passes untouched."""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
import zipfile

import hostile_files as hostile
import pytest
from conftest import DEFAULT_PACK, ROOT

from kit.errors import KitError
from kit.pack import load_pack
from kit.pack.export import write_workbook
from kit.pack.table_loader import load_table_pack
from kit.xlsx_guard import MAX_COLUMNS, MAX_STRING_CHARS, MAX_STRINGS, check_entries, check_workbook

EXPECTED = {  # what each refusal says, in the user's terms
    "one 200 MB shared string": "unpacks to 210 MB",
    "one 10 MB shared string": f"more than {MAX_STRING_CHARS:,} characters",
    "6 million shared strings": "unpacks to 102 MB",
    "300,000 shared strings": f"more than {MAX_STRINGS:,} shared strings",
    "a sheet to column XFD without <dimension>": f"beyond column {MAX_COLUMNS} (XFD1)",
    "1,500 cells in a row without references": f"beyond column {MAX_COLUMNS}",
    "billion laughs": "declares a DTD or entities",
    "external entity": "declares a DTD or entities",
    "shared strings of NUL bytes": "not well-formed XML",
    "encrypted entry": "encrypted (password-protected)",
    "duplicate entry": "holds 'xl/workbook.xml' twice",
    "file and folder": "'xl' both as a file and as a folder",
}


@pytest.mark.parametrize("name", list(hostile.BAD_WORKBOOKS))
def test_a_hostile_workbook_is_refused_in_little_time_and_memory(name, tmp_path):
    path = tmp_path / "findings.xlsx"
    path.write_bytes(hostile.bad_workbook(name))
    tracemalloc.start()
    started = time.process_time()  # CPU time of the check: a loaded test machine does not inflate it
    try:
        with pytest.raises(KitError) as refused:
            load_table_pack(path)
        seconds = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert EXPECTED[name] in refused.value.detail, refused.value.detail
    assert refused.value.detail.startswith("not a readable .xlsx workbook: ")
    assert refused.value.file == str(path)
    # the probe's files took up to 157 s and 4.2 GB; refused here in well under a second (room for a slow machine)
    assert seconds < 5, f"{name}: {seconds:.1f} s"
    assert peak < 64 * 2**20, f"{name}: {peak / 2**20:.0f} MB"


def test_the_shipped_packs_pass_the_guard_as_exported(tmp_path):
    for folder in sorted((ROOT / "content").iterdir()):
        if not (folder / "pack.yaml").is_file():
            continue
        pack = load_pack(folder).pack
        target = write_workbook(pack, tmp_path / f"{folder.name}.xlsx")
        check_workbook(target.read_bytes(), target)
        assert load_table_pack(target).pack == pack


def test_a_workbook_just_within_the_limits_is_read(tmp_path):
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><sst {hostile.MAIN}><si><t>field</t></si><si><t>'
               + "x" * MAX_STRING_CHARS + "</t></si></sst>").encode()
    row = "".join(f'<c r="{c}1" t="s"><v>0</v></c>' for c in ("A", "ALL"))  # ALL: column 1000
    data = hostile.workbook(strings=strings, sheet=hostile.SHEET.format(rows=f'<row r="1">{row}</row>').encode())
    check_workbook(data, "ok.xlsx")


@pytest.mark.parametrize("name", ["one 200 MB shared string", "a sheet to column XFD without <dimension>",
                                  "billion laughs", "duplicate entry"])
def test_the_command_line_refuses_with_one_line_and_exit_2(name, tmp_path):
    path = tmp_path / "findings.xlsx"
    path.write_bytes(hostile.bad_workbook(name))
    started = time.perf_counter()
    run = subprocess.run([sys.executable, str(ROOT / "generate.py"), "--content", str(path), "--out",
                          str(tmp_path / "out"), "--only", "poster"], capture_output=True, text=True, timeout=120)
    seconds = time.perf_counter() - started
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and EXPECTED[name] in lines[0] and str(path) in lines[0], run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))
    assert seconds < 60, seconds  # the interpreter's start and imports; the check itself takes milliseconds


def _refuse(message):
    raise KitError(message)


def _refused(infos, **limits) -> str:
    with pytest.raises(KitError) as refused:
        check_entries(infos, _refuse, **limits)
    return refused.value.detail


def _infos(data: bytes) -> list[zipfile.ZipInfo]:
    import io

    return zipfile.ZipFile(io.BytesIO(data)).infolist()


@pytest.mark.parametrize("name, says", [
    ("duplicate entry", "twice"),
    ("file and folder", "'q' both as a file and as a folder"),
    ("300-character name", "a name of 300 characters"),
    ("5,000-character name", "a name of 5,000 characters"),
    ("2,100 levels deep", "characters"),
    ("encrypted entry", "encrypted"),
])
def test_zip_entries_that_cannot_be_unpacked_are_named(name, says):
    assert says in _refused(_infos(hostile.bad_zips()[name]))


def test_zip_entry_limits():
    pack = hostile.pack_entries()
    assert "entries" in _refused(_infos(hostile.zip_of(pack)), max_entries=2)
    deep = hostile.zip_of([("/".join(["d"] * 20) + "/f", b"x")])
    assert "folders deep" in _refused(_infos(deep))
    assert "both as a file and as a folder" in _refused(_infos(hostile.zip_of([("q/", b""), ("q", b"x")])))
    assert "unpacks to" in _refused(_infos(hostile.zip_of([("big", b"x" * 2000)])), max_part=1000)
    assert "more than" in _refused(_infos(hostile.zip_of([("a", b"x" * 600), ("b", b"x" * 600)])),
                                   max_part=1000, max_total=1000)
    check_entries(_infos(hostile.zip_of(pack + [("sub/", b""), ("sub/readme.txt", b"x")])), _refuse)


def test_a_misspelt_field_is_named_with_the_known_one(tmp_path):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, pack)
    main = pack / "pack.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace("\ntitle:", "\ntitel:", 1), encoding="utf-8")
    with pytest.raises(KitError) as refused:
        load_pack(pack)
    assert refused.value.detail == "unknown field 'titel' (did you mean 'title'?)"
    assert refused.value.file == str(main) and refused.value.line
