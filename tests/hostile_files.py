"""Small files that once cost the server gigabytes, minutes or a 500: each
made in a few lines, the same for the command line's and the web's tests."""

from __future__ import annotations

import functools
import io
import warnings
import zipfile

from conftest import ENGLISH_PACK

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="pack" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {MAIN}><sheetData>{{rows}}</sheetData></worksheet>'
ONE_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'


def workbook(strings=None, sheet=None) -> bytes:
    """An .xlsx: `strings` and `sheet` are the sharedStrings.xml and sheet1.xml
    parts, as bytes or as an iterable of byte chunks (written as they come)."""
    if strings is None:
        strings = f'<?xml version="1.0" encoding="UTF-8"?><sst {MAIN}><si><t>field</t></si></sst>'.encode()
    if sheet is None:
        sheet = SHEET.format(rows=ONE_ROW).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, part in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", strings)):
            if isinstance(part, bytes):
                zf.writestr(name, part)
            else:
                with zf.open(name, "w", force_zip64=True) as out:
                    for chunk in part:
                        out.write(chunk)
    return buffer.getvalue()


def huge_string(megabytes: int) -> bytes:
    """One shared string of `megabytes` MB (the probe's: 1,100)."""
    def chunks():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst {MAIN}><si><t>'.encode()
        block = b"a" * 2**20
        for _ in range(megabytes):
            yield block
        yield b"</t></si></sst>"
    return workbook(strings=chunks())


def many_strings(count: int) -> bytes:
    """`count` one-letter shared strings (the probe's: 6 million)."""
    def chunks():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst {MAIN}>'.encode()
        block = b"<si><t>a</t></si>" * 10000
        for _ in range(count // 10000):
            yield block
        yield b"</sst>"
    return workbook(strings=chunks())


def wide_sheet(rows: int = 6000) -> bytes:
    """Rows that end in column XFD, with no <dimension> to say so."""
    body = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="XFD{n}" t="s"><v>0</v></c></row>'
                   for n in range(1, rows + 1))
    return workbook(sheet=SHEET.format(rows=body).encode())


def wide_sheet_without_references(columns: int = 1500) -> bytes:
    """One row of cells without `r` attributes: the column is counted."""
    body = "<row>" + '<c t="s"><v>0</v></c>' * columns + "</row>"
    return workbook(sheet=SHEET.format(rows=body).encode())


def billion_laughs() -> bytes:
    entities = '<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    strings = f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst {MAIN}><si><t>&l9;</t></si></sst>'
    return workbook(strings=strings.encode())


def external_entity() -> bytes:
    strings = (f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               f"<sst {MAIN}><si><t>&x;</t></si></sst>")
    return workbook(strings=strings.encode())


def nul_strings() -> bytes:
    return workbook(strings=b"\0" * 100_000)


def zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip with exactly these entries, duplicates included."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name, which is the point
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return buffer.getvalue()


def pack_entries() -> list[tuple[str, bytes]]:
    return [(name, text.encode()) for name, text in ENGLISH_PACK.items()]


def encrypted(data: bytes) -> bytes:
    """`data` (a zip) with every entry marked encrypted, as a password-protected zip says."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := out.find(signature, start)) != -1:
            out[at + offset] |= 0x01
            start = at + 4
    return bytes(out)


def bad_zips() -> dict[str, bytes]:
    """Zipped packs that once answered 500."""
    pack = pack_entries()
    return {
        "duplicate entry": zip_of(pack + [pack[0]]),
        "file and folder": zip_of(pack + [("q", b"x"), ("q/r", b"y")]),
        "300-character name": zip_of(pack + [("n" * 300, b"x")]),
        "5,000-character name": zip_of(pack + [("n" * 5000, b"x")]),
        "2,100 levels deep": zip_of(pack + [("d/" * 2100 + "f", b"x")]),
        "encrypted entry": encrypted(zip_of(pack)),
    }


# Made when a test asks (`bad_workbook`), not when the tests are collected: every
# pytest-xdist worker collects every module, and compressing the 200 MB string
# took three seconds of each worker's start.
BAD_WORKBOOKS = {  # workbooks that once cost gigabytes, minutes or a 500
    "one 200 MB shared string": lambda: huge_string(200),
    "one 10 MB shared string": lambda: huge_string(10),
    "6 million shared strings": lambda: many_strings(6_000_000),
    "300,000 shared strings": lambda: many_strings(300_000),
    "a sheet to column XFD without <dimension>": wide_sheet,
    "1,500 cells in a row without references": wide_sheet_without_references,
    "billion laughs": billion_laughs,
    "external entity": external_entity,
    "shared strings of NUL bytes": nul_strings,
    "encrypted entry": lambda: encrypted(workbook()),
    "duplicate entry": lambda: zip_of([("xl/workbook.xml", WORKBOOK.encode())] * 2),
    "file and folder": lambda: zip_of([("xl", b"x"), ("xl/workbook.xml", WORKBOOK.encode())]),
}


@functools.cache
def bad_workbook(name: str) -> bytes:
    """The hostile workbook `name` of `BAD_WORKBOOKS`, made once per process."""
    return BAD_WORKBOOKS[name]()
