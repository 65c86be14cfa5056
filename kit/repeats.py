"""Back pages a deck repeats, laid out once.

Every full sheet of a sort deck has the same back: the same backs in the
same slots, only the cards' names differ. Laying each out again was half of
a deck's layout time. A chunk is laid out with each distinct back page once
(`distinct`); the laid-out page is then repeated in its places (`expand`), each
repeat carrying the named destinations of its own cards. The pages drawn are
the same boxes, so the PDF's pages are what a layout of every page gives.
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


def expand(document, pages: list, kept: list, where: list[int]):
    """`document` (the laid-out `kept` pages) with a page for each of `pages`:
    a repeated back is the same laid-out page, its named destinations
    (`<side>-<card>-tl`, `-br`) renamed for the cards it stands behind."""
    if len(kept) == len(pages):
        return document
    laid = []
    for page, index in zip(pages, where, strict=True):
        source, out = kept[index], document.pages[index]
        if source is not page:
            names = {}
            for mine, theirs in zip(page.places, source.places, strict=True):
                for corner in (TOP_LEFT, BOTTOM_RIGHT):
                    names[f"{theirs.side}-{theirs.card.anchor}{corner}"] = f"{mine.side}-{mine.card.anchor}{corner}"
            out = copy.copy(out)
            out.anchors = {names.get(name, name): point for name, point in out.anchors.items()}
        laid.append(out)
    return document.copy(laid)
