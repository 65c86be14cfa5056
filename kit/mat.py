"""The sorting mat's geometry: one zone per category, each large enough to
take that category's statement cards at the deck's card size, laid side by
side on shingled columns (each card a strip lower than the one before, so
that its first lines stay readable), packed onto as few mat sheets as fit.

All lengths in mm; a zone's `cards` box is where its cards go, below its
header.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import KitError

STRIP_MM = 16.0  # of each card under the next, this much stays in view: its first two lines
HEADER_MM = 19.0  # a zone's header: shape, question word and label
PAD_MM = 3.0  # around the cards inside a zone, and between neighbouring columns
GAP_MM = 3.0  # between zones
TITLE_MM = 9.0  # the mat's own line at the top: what it is, its set, its part
INSET_MM = 8.0  # from the sheet's edge: a printer's 5 mm unprintable border and 3 mm of air


@dataclass(frozen=True)
class Zone:
    category: object
    count: int  # statement cards it takes
    x: float
    y: float
    w: float
    h: float
    columns: int
    part: int = 1  # a category with more cards than a mat page takes has several zones
    parts: int = 1

    @property
    def cards(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the area its cards go in."""
        return (self.x + PAD_MM, self.y + HEADER_MM + PAD_MM, self.x + self.w - PAD_MM, self.y + self.h - PAD_MM)


def column_height(card_h: float, rows: int) -> float:
    return card_h + max(rows - 1, 0) * STRIP_MM


def _need(count: int, card: tuple[float, float], columns: int) -> tuple[float, float]:
    w, h = card
    rows = max(1, math.ceil(count / columns))
    return columns * w + (columns - 1) * PAD_MM + 2 * PAD_MM, HEADER_MM + column_height(h, rows) + 2 * PAD_MM


def _size(count: int, card: tuple[float, float], area: tuple[float, float]) -> tuple[float, float, int] | None:
    """(width, height, columns) of the narrowest zone that fits the area; None if none does."""
    width, height = area
    for columns in range(1, max(count, 1) + 1):
        w, h = _need(count, card, columns)
        if w > width:
            return None
        if h <= height:
            return w, h, columns
    return None


def _largest(card: tuple[float, float], area: tuple[float, float]) -> int:
    """The most cards one zone on an empty page takes."""
    count = 1
    while _size(count + 1, card, area) is not None:
        count += 1
    return count


def plan(categories: list[tuple[object, int]], card: tuple[float, float], sheet: tuple[float, float]) -> list[list[Zone]]:
    """Zones (category, number of cards) on mat pages of `sheet` size, in
    category order: shelves of zones left to right, pages as needed; each
    shelf's zones share out its spare width, each page's shelves its spare
    height. A category with more cards than a page takes gets a zone per part."""
    area_w = sheet[0] - 2 * INSET_MM
    area_h = sheet[1] - 2 * INSET_MM - TITLE_MM
    if _size(1, card, (area_w, area_h)) is None:
        raise KitError(f"a {card[0]:g} x {card[1]:g} mm card does not fit on a {sheet[0]:g} x {sheet[1]:g} mm mat; "
                       "use a smaller --card-size")
    most = None
    parts: list[tuple] = []
    for category, count in categories:
        if _size(count, card, (area_w, area_h)) is None:
            most = most or _largest(card, (area_w, area_h))
            pieces = math.ceil(count / most)
            shares = [count // pieces + (1 if i < count % pieces else 0) for i in range(pieces)]
            parts += [(category, share, i + 1, pieces) for i, share in enumerate(shares)]
        else:
            parts.append((category, count, 1, 1))
    pages: list[list[list[tuple]]] = [[[]]]  # pages -> shelves -> (category, count, w, h, columns, part, parts)
    for category, count, part, total in parts:
        w, h, columns = _size(count, card, (area_w, area_h))
        shelves = pages[-1]
        shelf = shelves[-1]
        used_w = sum(z[2] for z in shelf) + GAP_MM * len(shelf)
        if shelf and used_w + w > area_w:
            shelf = []
            shelves.append(shelf)
        heights = [max((z[3] for z in s), default=0) for s in shelves]
        heights[-1] = max(heights[-1], h)
        if len(shelves) > 1 and sum(heights) + GAP_MM * (len(shelves) - 1) > area_h:
            shelves.pop()
            shelf = []
            pages.append([shelf])
        shelf.append((category, count, w, h, columns, part, total))
    return [_place(page, area_w, area_h) for page in pages]


def _place(shelves: list[list[tuple]], area_w: float, area_h: float) -> list[Zone]:
    heights = [max(z[3] for z in shelf) for shelf in shelves]
    spare_h = area_h - sum(heights) - GAP_MM * (len(shelves) - 1)
    zones, y = [], INSET_MM + TITLE_MM
    for shelf, height in zip(shelves, heights):
        height += spare_h * height / sum(heights)
        natural = sum(z[2] for z in shelf)
        spare_w = area_w - natural - GAP_MM * (len(shelf) - 1)
        x = INSET_MM
        for category, count, w, _, columns, part, parts in shelf:
            width = w + spare_w * w / natural
            zones.append(Zone(category, count, x, y, width, height, columns, part, parts))
            x += width + GAP_MM
        y += height + GAP_MM
    return zones
