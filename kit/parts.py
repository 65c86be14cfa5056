"""Writing PDFs atomically, and joining the parts of a large deck in order.

Loads no renderer: the main process joins the parts its workers laid out.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack, contextmanager
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
    """Append the PDFs `parts` (paths or binary files) in order, with their
    named destinations; returns the page count (see `Joiner`)."""
    with Joiner() as joiner:
        for part in parts:
            joiner.add(part)
        return joiner.save(out)


class Joiner:
    """PDFs appended one at a time (`add`, in order) and written as one (`save`).

    The first part is the base, so the joined file keeps its metadata and
    language and reads like one document. qpdf (pikepdf) copies the other
    parts' pages as they are, without parsing their content streams. A deck's
    parts are added as they come in (`build.deck.join_parts`), while the later
    ones still render: entering each part's named destinations in the name
    tree is most of a join's time, and only the last part's is left to do
    once all are in. The parts stay open until the joiner is closed (qpdf
    reads a copied page's streams when it saves).
    """

    def __init__(self):
        self._open = ExitStack()
        self._joined = None
        self._names = None

    def __enter__(self) -> Joiner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add(self, part) -> None:
        import pikepdf

        pdf = self._open.enter_context(pikepdf.open(part))
        if self._joined is None:
            self._joined, self._names = pdf, _dests(pdf)
            return
        joined = self._joined
        start = len(joined.pages)
        joined.pages.extend(pdf.pages)
        copies = {page.obj.objgen: copy.obj for page, copy in zip(pdf.pages, joined.pages[start:], strict=True)}
        for name, dest in _dests(pdf).items():  # [page /XYZ left top zoom], on the page's copy
            self._names[name] = pikepdf.Array([copies[dest[0].objgen], *dest[1:]])

    def save(self, out) -> int:
        # the same bytes for the same parts: no /ID from the clock
        self._joined.save(out, deterministic_id=True)
        return len(self._joined.pages)

    def close(self) -> None:
        self._open.close()


def _dests(pdf):
    """The document's name tree of named destinations (made when it has none)."""
    import pikepdf

    root = pdf.Root
    if "/Names" not in root:
        root.Names = pdf.make_indirect(pikepdf.Dictionary())
    if "/Dests" not in root.Names:
        root.Names.Dests = pikepdf.NameTree.new(pdf).obj
    return pikepdf.NameTree(root.Names.Dests)


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
