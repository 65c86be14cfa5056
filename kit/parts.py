"""Writing PDFs atomically, and joining the parts of a large deck in order.

Loads no renderer: the main process joins the parts its workers laid out.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic(target: Path):
    """A file to write `target` through: a failure leaves the previous file as it was."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".pdf.part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes it private; a PDF is for sharing
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def part_path(out: Path, product_id: str, index: int) -> Path:
    """Where a worker leaves part `index` (from 1) of a deck; a stale one is
    removed with the other half-written files of a killed build."""
    return out / f".{product_id}.part-{index:03d}.pdf.part"


def join(parts, out) -> int:
    """Append the PDFs `parts` (paths or binary files) in order; returns the page count.

    Metadata and language come from the first part, so the joined file reads
    like one document.
    """
    import pypdf

    writer = pypdf.PdfWriter()
    metadata = language = None
    for part in parts:
        reader = pypdf.PdfReader(part)
        metadata = metadata or reader.metadata
        language = language or reader.trailer["/Root"].get("/Lang")
        writer.append(reader)
    if metadata:
        writer.add_metadata(dict(metadata))
    if language:
        writer._root_object[pypdf.generic.NameObject("/Lang")] = pypdf.generic.TextStringObject(language)
    writer.write(out)
    return len(writer.pages)


class Parts:
    """A product's pages as parts, each laid out when it is asked for (`lay_out`):
    what every product builds (`Built.document`).

    A page product is one part, laid out while it was fitted. A deck is cut
    into parts of at most `sheets.CHUNK_PAGES` sheets: WeasyPrint keeps every
    laid-out page in memory, so one document would grow with a large deck.
    Nothing of a deck is laid out until a part is asked for, so the number of
    parts is known cheaply and each part can be laid out by another process.
    """

    def __init__(self, count: int, lay_out, card_ids=None):
        self._count, self._lay_out, self._card_ids = count, lay_out, card_ids

    @classmethod
    def laid(cls, document) -> Parts:
        """A document already laid out, as one part."""
        return cls(1, lambda index: document)

    def __len__(self) -> int:
        return self._count

    def lay_out(self, index: int):
        """Part `index` (from 0) as a laid-out WeasyPrint document."""
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._lay_out(index)

    def card_ids(self, index: int) -> set[str] | None:
        """The ids of the cards in part `index`; None when it is not a deck."""
        return self._card_ids(index) if self._card_ids else None
