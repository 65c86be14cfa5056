"""Errors the command line turns into one line and an exit status."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM, as shells report SIGINT


@dataclass(frozen=True)
class Where:
    """Where in the user's files a value comes from: a YAML file's line, or a
    spreadsheet's sheet, row and column. What every `where()` returns."""

    file: Path
    line: int | None = None
    sheet: str | None = None  # a workbook's sheet; a CSV pack has one file a sheet
    row: int | None = None  # as the spreadsheet numbers it (the header is row 1)
    column: str | None = None  # a field name, or a letter where row 1 names none
    field: str | None = None  # a field of the pack sheet that no row gives

    def text(self) -> str:
        """The file as an error names it; a YAML line is added by `KitError`."""
        return str(self.file) + self.place()

    def place(self) -> str:
        """The cell in the file, as an error names it after the file: ': sheet s, row r, column c'."""
        out = ""
        if self.sheet is not None:
            out += f": sheet {self.sheet}"
        if self.row is not None:
            out += f", row {self.row}"
        if self.column is not None:
            out += f", column {self.column}"
        if self.field is not None:
            out += f", field {self.field}"
        return out


class KitError(Exception):
    """Bad input: the user can fix it. Printed as one line, exit status 2.

    `file` is a path, or a `Where` naming the line or the cell; `where` keeps
    it whole for the web page, `file` and `line` as the line prints them.
    `item` is the id of the pack item the message names, when it names one.
    """

    def __init__(self, message: str, file: Where | Path | str | None = None, line: int | None = None, *,
                 item: str | None = None):
        if isinstance(file, Where):
            self.where: Where | None = file
            file, line = file.text(), file.line
        else:
            self.where = Where(Path(file), line) if file is not None else None
        self.file = str(file) if file is not None else None
        self.line = line
        self.detail = message
        self.item = item
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return printable((where + self.detail).replace("\n", " "))


class Interrupted(KeyboardInterrupt):
    """A build stopped by Ctrl-C or SIGTERM; `written` are the PDFs it wrote (each whole)."""

    def __init__(self, written: list[str]):
        super().__init__()
        self.written = written


def printable(text: str) -> str:
    """`text` with control and bidi-formatting characters escaped (\\x1b, \\u202e),
    so that a file name or pack text cannot move the cursor, recolour or
    reorder what the terminal shows."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char == " " or unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    return "".join(out)

