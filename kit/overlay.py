"""A stamped document written as its common pages with the row's words laid
over them, so that a batch draws and writes the common pages once.

A document whose stamps (`kit.stamps`) were moved onto its pages is written
in three steps:

1. the *common PDF*: every page as laid out with its stamps blank, with the
   named destinations, links and bookmarks of the stamped pages. It is the
   same for every row of a batch, so a batch writes it once per process
   (kept by the page cache, `kit.pagecache`);
2. the *words PDF*: for each stamped page, a page of the same size holding
   only the stamps' laid-out lines (no background, no border: the common
   page draws those);
3. each page of the words PDF laid over its page of the common PDF, as a
   form XObject drawn after the page's own content (qpdf, through pikepdf).

The words stay text (a PDF reader finds them and their font is embedded, as
a subset of its own), and the page looks as the stamped page drawn whole
would (tests/test_stamps.py compares the rasters). A single kit takes the
same path, so a batch row's PDF is the bytes of a single build. Not for a
PDF variant (a tagged page's content belongs to its structure tree), nor
for a page where a box above a stamp transforms or fades what it holds
(its lines drawn alone would land elsewhere): such pages are drawn whole.
Importing this module loads no renderer.
"""

from __future__ import annotations

import copy
import io
from collections import OrderedDict
from dataclasses import dataclass, field

KEPT = 8  # common PDFs kept per page cache (one per stamped product, a few products)
SIDES = ("top", "right", "bottom", "left")


@dataclass(eq=False)
class Stamps:
    """A stamped page's boxes: `blank` as laid out for every row, `full` with
    this row's words (what the audit reads), and the stamps on it (`boxes`)."""

    blank: object
    full: object
    boxes: list = field(default_factory=list)


def drawn_alone(page_box, path) -> bool:
    """Whether the stamp at `path` below `page_box` draws the same alone:
    neither it nor a box above it transforms or fades what it holds."""
    node = page_box
    for position in path:
        node = node.children[position]
        node = getattr(node, "_box", node)  # an absolutely placed box sits in a placeholder
        style = node.style
        if style["transform"] or style["opacity"] < 1:
            return False
    return True


def write(document, out, options: dict, repeats: dict[int, int] | None = None,
          store: OrderedDict | None = None) -> bool:
    """Write `document` to the binary file `out` as its common pages with its
    stamps laid over them; False (nothing written) for a document without
    stamps to lay over. `options`: WeasyPrint's, for the common pages (the
    finisher that draws `repeats`, its pages drawn hollow: `kit.repeats`);
    `store` keeps common PDFs for the next row."""
    found = [getattr(page, "kit_stamps", None) for page in document.pages]
    if not any(found):
        return False
    pages = []
    for page, stamps in zip(document.pages, found):
        if stamps is not None and page._page_box is stamps.full:
            page = copy.copy(page)  # its destinations, links and bookmarks; the blank boxes drawn
            page._page_box = stamps.blank
        pages.append(page)  # a repeat drawn hollow stays hollow (`kit.repeats`): it shows its first page
    common = _common_pdf(document.copy(pages), options, repeats or {}, store)
    words = io.BytesIO()
    document.copy([_words_page(stamps) for stamps in found if stamps is not None]).write_pdf(words)
    _lay_over(common, words.getvalue(), [i for i, stamps in enumerate(found) if stamps is not None], out)
    return True


def _common_pdf(document, options: dict, repeats: dict[int, int], store) -> bytes:
    key = _key(document, repeats)
    if store is not None and key is not None and key[0] in store:
        store.move_to_end(key[0])
        return store[key[0]][1]
    pdf = io.BytesIO()
    document.write_pdf(pdf, **options)
    if store is not None and key is not None:
        store[key[0]] = (key[1], pdf.getvalue())  # the boxes kept, so that their ids stay theirs
        while len(store) > KEPT:
            store.popitem(last=False)
    return pdf.getvalue()


def _key(document, repeats: dict[int, int]):
    """(What the common PDF's bytes depend on, the boxes it names by id), or
    None for a document that is not kept (one with form fields)."""
    boxes, parts = [], [repr(sorted(vars(document.metadata).items(), key=lambda item: item[0]))]
    for index, page in enumerate(document.pages):
        if any(page.forms.values()) or set(page.forms) != {None}:
            return None
        box = page._page_box
        boxes.append(box)
        drawn = ("repeat", repeats[index]) if index in repeats else id(box)  # a repeat's hollow box is new each time
        parts.append((drawn, page.width, page.height, repr(sorted(page.bleed.items())),
                      repr(sorted(page.anchors.items())), repr([link[:3] for link in page.links]),
                      repr(page.bookmarks)))
    parts.append(repr(sorted(repeats.items())))
    return repr(parts), boxes


def _words_page(stamps: Stamps):
    """A page of the stamped page's size holding only its stamps' lines."""
    from weasyprint.document import Page  # noqa: PLC0415 (the renderer is loaded by now)

    page_box = _bare(stamps.full)
    page_box.canvas_background = None
    page_box.children = [_bare(box) for box in stamps.boxes]  # each keeps its lines
    return Page(page_box)


def _bare(box):
    """A copy of `box` that draws no background and no border."""
    bare = box.copy()
    bare.background = None
    for side in SIDES:
        setattr(bare, f"border_{side}_width", 0)
    return bare


def _lay_over(common: bytes, words: bytes, where: list[int], out) -> None:
    """Write `common` with page i of `words` drawn over its page `where[i]`."""
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(io.BytesIO(common)) as pdf, pikepdf.open(io.BytesIO(words)) as layer:
        _retag(layer)
        for index, page in zip(where, layer.pages, strict=True):
            form = page.as_form_xobject()
            form.BBox = page.MediaBox  # the same page size: drawn where it was laid out
            target = pdf.pages[index]
            # named by its page (WeasyPrint's pages share one resource dictionary); not at random, for the same bytes
            name = target.add_resource(pdf.copy_foreign(form), pikepdf.Name.XObject, pikepdf.Name(f"/KitWords{index}"))
            # the page's own content may leave its coordinates changed: the words start from the page's
            target.contents_add(b"q\n", prepend=True)
            target.contents_add(b"\nQ\nq " + str(name).encode() + b" Do Q\n")
        pdf.save(out, deterministic_id=True)  # the same bytes for the same pages: no /ID from the clock


def _retag(layer) -> None:
    """Give the words' font subsets tags of their own: WeasyPrint tags a
    subset by its font, so the words' subset of a font would carry the tag
    of the common pages' subset of it, and two subsets in one PDF must
    differ in tag. The new tag comes from the subset itself (the same bytes
    every time)."""
    import hashlib  # noqa: PLC0415

    import pikepdf  # noqa: PLC0415

    done = set()
    for page in layer.pages:
        for font in (page.obj.get("/Resources", {}).get("/Font") or {}).values():
            if font.objgen in done or "/DescendantFonts" not in font:
                continue
            done.add(font.objgen)
            descendant = font.DescendantFonts[0]
            descriptor = descendant.get("/FontDescriptor")
            old, plus, name = str(font.BaseFont).lstrip("/").partition("+")
            if not plus or descriptor is None:
                continue
            program = next((descriptor[key] for key in ("/FontFile2", "/FontFile3", "/FontFile") if key in descriptor),
                           None)
            digest = hashlib.blake2b(program.read_raw_bytes() if program is not None else name.encode(),
                                     digest_size=6).digest()
            tag = "".join(chr(ord("A") + byte % 26) for byte in digest)
            if tag == old:
                tag = tag[::-1] if tag[::-1] != old else "K" + tag[1:]
            new = pikepdf.Name(f"/{tag}+{name}")
            font.BaseFont = descendant.BaseFont = descriptor.FontName = new
