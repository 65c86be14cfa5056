"""Back pages a deck repeats, laid out once.

Every full sheet of a sort deck has the same back: the same backs in the
same slots, only the cards' names differ. Laying each out again was half of
a deck's layout time. A chunk is laid out with each distinct back page once
(`distinct`); the laid-out page is then repeated in its places (`expand`), each
repeat carrying the named destinations of its own cards.

Drawing each repeat again was a fifth of a deck's time: a repeat is drawn
hollow (its page box without children: only its named destinations are
written), and the PDF page then shows the content stream of the page it
repeats (`stamp`, WeasyPrint's finisher), so each back is drawn once per
part and the PDF's pages still look as a layout of every page would draw
them. Not for a PDF variant: a tagged page's content belongs to that page.
Importing this module loads no renderer.
"""

from __future__ import annotations

import copy

from .destinations import BOTTOM_RIGHT, TOP_LEFT


def _back_key(page) -> tuple | None:
    """What a back page's layout depends on, but for its cards' names; None for a front."""
    if page.side != "back":
        return None
    return tuple((place.slot, place.side, place.card.kind, repr(place.card.back), place.bleed, place.card_w,
                  place.card_h) for place in page.places)


def distinct(pages: list) -> tuple[list, list[int]]:
    """The pages to lay out (every front, each distinct back once), and for
    each of `pages` the index of the laid-out page that prints it."""
    kept: list = []
    where: list[int] = []
    seen: dict[tuple, int] = {}
    for page in pages:
        key = _back_key(page)
        if key is not None and key in seen:
            where.append(seen[key])
            continue
        if key is not None:
            seen[key] = len(kept)
        where.append(len(kept))
        kept.append(page)
    return kept, where


def expand(document, pages: list, kept: list, where: list[int], hollow: bool = True):
    """`document` (the laid-out `kept` pages) with a page for each of `pages`:
    a repeated back is the same laid-out page, its named destinations
    (`<side>-<card>-tl`, `-br`) renamed for the cards it stands behind; with
    `hollow`, drawn empty and listed in the result's `kit_repeats`
    ({page index: index of the page it repeats}) for `stamp`."""
    if len(kept) == len(pages):
        return document
    laid = []
    first: dict[int, int] = {}  # kept index -> the first page that prints it
    repeats: dict[int, int] = {}
    for number, (page, index) in enumerate(zip(pages, where, strict=True)):
        source, out = kept[index], document.pages[index]
        if source is not page:
            names = {}
            for mine, theirs in zip(page.places, source.places, strict=True):
                for corner in (TOP_LEFT, BOTTOM_RIGHT):
                    names[f"{theirs.side}-{theirs.card.anchor}{corner}"] = f"{mine.side}-{mine.card.anchor}{corner}"
            out = copy.copy(out)
            out.anchors = {names.get(name, name): point for name, point in out.anchors.items()}
            if hollow and index in first:
                box = copy.copy(out._page_box)
                box.children = []  # nothing to draw: `stamp` shows the first one's drawing
                out._page_box = box
                repeats[number] = first[index]
        first.setdefault(index, number)
        laid.append(out)
    expanded = document.copy(laid)
    expanded.kit_repeats = repeats
    return expanded


def stamp(repeats: dict[int, int]):
    """WeasyPrint's finisher for a document whose repeated pages were drawn
    hollow: each shows the content stream of the page it repeats (every page
    of a document shares one resource dictionary)."""

    def finisher(document, pdf) -> None:
        kids = pdf.pages["Kids"]  # flat: number, 0, 'R' per page
        page_objects = [pdf.objects[number] for number in kids[::3]]
        for page, source in repeats.items():
            page_objects[page]["Contents"] = page_objects[source]["Contents"]

    return finisher
