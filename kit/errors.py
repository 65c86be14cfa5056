"""Errors the command line turns into one line and an exit status."""

from __future__ import annotations

import unicodedata
from pathlib import Path

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM, as shells report SIGINT


class KitError(Exception):
    """Bad input: the user can fix it. Printed as one line, exit status 2."""

    def __init__(self, message: str, file: Path | str | None = None, line: int | None = None):
        self.file = str(file) if file is not None else None
        self.line = line
        self.detail = message
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

