"""Bounds on a zip archive and on a workbook's XML, checked before anything
unpacks or parses them.

openpyxl trusts a workbook: a 1 MB .xlsx can hold a 1 GB shared string,
millions of tiny strings, a sheet reaching column XFD with no `<dimension>`
to say so, or a DTD whose entities expand without end. Here every part is
streamed once through expat with counters (bytes, elements, strings, text
length, cells, columns) and refused at the first limit passed, so a hostile
file costs a fraction of a second and a few MB, whatever it claims to hold.
The same entry checks guard a zipped pack before it is unpacked.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pyexpat import ExpatError, ParserCreate
from pyexpat import XML_PARAM_ENTITY_PARSING_NEVER as NO_PARAM_ENTITIES

from .errors import KitError

# An .xlsx of a full pack (1,200 items) has about 40 parts; room for many sheets and comments.
MAX_ENTRIES = 1000
MAX_NAME_CHARS = 255
MAX_NAME_PARTS = 16
# Uncompressed: a full pack's biggest sheet is a few MB.
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_ELEMENTS = 1_000_000  # all XML parts together
MAX_DEPTH = 64
MAX_STRINGS = 50_000  # shared strings; a full pack (1,200 items) has about ten thousand
MAX_STRING_CHARS = 32_767  # what one Excel cell can hold
MAX_TEXT_CHARS = 1_000_000  # one text run elsewhere (a comment, a style)
MAX_CELLS = 100_000  # all sheets together; a full pack (1,200 items) has a few tens of thousands
MAX_COLUMNS = 1000  # as kit.pack.table_loader
CHUNK = 64 * 1024
SUPPORTED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
XML_SUFFIXES = (".xml", ".rels", ".vml")


def check_entries(infos: list[zipfile.ZipInfo], refuse, max_entries: int = MAX_ENTRIES,
                  max_part: int = MAX_PART_BYTES, max_total: int = MAX_TOTAL_BYTES) -> None:
    """Refuse (by calling `refuse(message)`, which raises) an archive whose
    entries could not be unpacked or read as they claim: too many, names too
    long or too deep, a name twice, a file that is also a folder, encrypted or
    unknown compression, or more bytes than the limits."""
    if len(infos) > max_entries:
        refuse(f"the zip has {len(infos):,} entries; at most {max_entries:,} are read")
    files: set[str] = set()
    folders: set[str] = set()
    total = 0
    for info in infos:
        raw = info.filename
        shown = raw if len(raw) <= 80 else raw[:60] + "..."
        name = raw.replace("\\", "/")
        if len(name) > MAX_NAME_CHARS or any(len(p.encode()) > 255 for p in name.split("/")):
            refuse(f"the zip holds a name of {len(name):,} characters ({shown!r}); at most {MAX_NAME_CHARS}")
        parts = [p for p in name.split("/") if p]
        if len(parts) > MAX_NAME_PARTS:
            refuse(f"the zip holds a path {len(parts):,} folders deep ({shown!r}); at most {MAX_NAME_PARTS}")
        if any(not c.isprintable() for c in name):
            refuse(f"the zip holds a name with control characters ({shown!r})")
        if info.flag_bits & 0x1:
            refuse(f"{shown!r} in the zip is encrypted (password-protected); save it without a password")
        if info.compress_type not in SUPPORTED:
            refuse(f"{shown!r} in the zip is compressed in a way that cannot be read (method {info.compress_type})")
        key = "/".join(parts)
        if name.endswith("/"):
            if key in files:
                refuse(f"the zip holds {key!r} both as a file and as a folder")
            folders.add(key)
            continue
        if key in files:
            refuse(f"the zip holds {shown!r} twice")
        if key in folders:
            refuse(f"the zip holds {key!r} both as a file and as a folder")
        files.add(key)
        for n in range(1, len(parts)):
            folder = "/".join(parts[:n])
            if folder in files:
                refuse(f"the zip holds {folder!r} both as a file and as a folder")
            folders.add(folder)
        if info.file_size > max_part:
            refuse(f"{shown!r} in the zip unpacks to {info.file_size / 1e6:,.0f} MB; at most {max_part // 2**20} MB")
        total += info.file_size
        if total > max_total:
            refuse(f"the zip unpacks to more than {max_total // 2**20} MB")


def check_workbook(data: bytes, where) -> None:
    """Raise KitError (naming `where`) for an .xlsx that is not a zip, breaks a
    limit above, or holds XML that is malformed or declares a DTD or entities."""

    def refuse(message):
        raise KitError(f"not a readable .xlsx workbook: {message}", where)

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        refuse(f"not a zip file ({exc})")
    with archive:
        infos = archive.infolist()
        check_entries(infos, refuse)
        budget = _Budget()
        for info in infos:
            if info.is_dir() or not info.filename.lower().endswith(XML_SUFFIXES):
                _drain(archive, info, refuse)  # sizes and checksum only
                continue
            _scan(archive, info, budget, refuse)


class _Budget:
    """Counts over the whole workbook."""

    def __init__(self):
        self.elements = 0
        self.cells = 0
        self.bytes = 0


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, refuse):
    seen = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                seen += len(chunk)
                if seen > MAX_PART_BYTES or seen > info.file_size:
                    refuse(f"{info.filename} holds more than its size says or than {MAX_PART_BYTES // 2**20} MB")
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError, ValueError) as exc:
        refuse(f"{info.filename} cannot be unpacked ({exc})")


def _drain(archive, info, refuse) -> None:
    for _ in _chunks(archive, info, refuse):
        pass


def _column(ref: str) -> int:
    """The column number of a cell reference ('XFD12' -> 16384); 0 when it has none."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
        if number > 20000:  # longer than any column name
            break
    return number


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, refuse) -> None:
    part = info.filename
    lower = part.lower()
    strings_part = lower.endswith("sharedstrings.xml")
    sheet_part = "worksheets/" in lower and lower.endswith(".xml")
    parser = ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(NO_PARAM_ENTITIES)
    parser.buffer_text = True
    state = {"depth": 0, "strings": 0, "text": 0, "limit": MAX_TEXT_CHARS, "column": 0}

    def no_dtd(*_):
        refuse(f"{part} declares a DTD or entities; a workbook has none")

    def opened():
        budget.elements += 1
        if budget.elements > MAX_ELEMENTS:
            refuse(f"more than {MAX_ELEMENTS:,} XML elements")
        state["depth"] += 1
        if state["depth"] > MAX_DEPTH:
            refuse(f"{part} is nested more than {MAX_DEPTH} levels deep")

    # One handler per kind of part: expat calls it for every element, so it does only its part's counting.
    def start_string(name, attrs):
        opened()
        if name.endswith("si") and name[name.rfind(" ") + 1:] == "si":
            state["strings"] += 1
            if state["strings"] > MAX_STRINGS:
                refuse(f"more than {MAX_STRINGS:,} shared strings; a pack has far fewer")
            state["text"] = 0

    def start_cell(name, attrs):
        opened()
        if name.endswith("c") and name[name.rfind(" ") + 1:] == "c":
            budget.cells += 1
            if budget.cells > MAX_CELLS:
                refuse(f"more than {MAX_CELLS:,} cells; a pack has far fewer")
            ref = attrs.get("r")
            state["column"] = _column(ref) if ref else state["column"] + 1
            if state["column"] > MAX_COLUMNS:
                refuse(f"{part} has a cell beyond column {MAX_COLUMNS} ({ref or state['column']}); "
                       f"a sheet has at most {MAX_COLUMNS} columns")
            state["text"] = 0
        elif name.endswith("row") and name[name.rfind(" ") + 1:] == "row":
            state["column"] = 0

    def start_other(name, attrs):
        opened()
        state["text"] = 0

    def end(name):
        state["depth"] -= 1

    def text(data):
        state["text"] += len(data)
        if state["text"] > state["limit"]:
            refuse(f"{part} holds a text of more than {state['limit']:,} characters")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    parser.ExternalEntityRefHandler = no_dtd
    if strings_part or sheet_part:
        state["limit"] = MAX_STRING_CHARS
    parser.StartElementHandler = start_string if strings_part else start_cell if sheet_part else start_other
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        for chunk in _chunks(archive, info, refuse):
            budget.bytes += len(chunk)
            if budget.bytes > MAX_TOTAL_BYTES:
                refuse(f"the workbook unpacks to more than {MAX_TOTAL_BYTES // 2**20} MB")
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except ExpatError as exc:
        refuse(f"{part} is not well-formed XML ({exc})")
