"""What a printed sheet must never show, read from the PDF itself (pypdfium2):
a character outside its card or page, a character across a cut line, one
line of text printed over another. Card areas come from the cut lines drawn
on the sheet, not from anything the kit says about where it put the cards."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import pypdfium2 as pdfium
from pypdfium2 import raw

from kit.design import SAFE_MM  # the one source of the safe area: the stylesheets get it from there too

MM = 72 / 25.4
SLACK_MM = 0.6  # a glyph's box against the 3 mm line: glyph outlines, rounding
SKIP = {" ", "\r", "\n", "\t", "\x02", "\ufffe", "\u00ad"}


@dataclass
class Char:
    index: int
    text: str
    left: float  # mm from the page's left edge
    top: float  # mm from the page's top edge
    right: float
    bottom: float


def chars(page) -> list[Char]:
    height = page.get_height()
    textpage = page.get_textpage()
    out = []
    for i in range(textpage.count_chars()):
        ch = textpage.get_text_range(i, 1)
        if not ch or ch in SKIP:
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=False)
        if right - left <= 0.01 and top - bottom <= 0.01:
            continue
        out.append(Char(i, ch, left / MM, (height - top) / MM, right / MM, (height - bottom) / MM))
    return out


def cut_lines(page) -> tuple[list[tuple], list[tuple]]:
    """(vertical, horizontal) cut lines as (position, start, end) in mm: thin
    drawn lines that run to an edge of the sheet (crop marks do, by design)."""
    width, height = page.get_width() / MM, page.get_height() / MM
    vertical, horizontal = [], []
    for obj in page.get_objects(max_depth=6):
        if obj.type != raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = (v / MM for v in obj.get_bounds())
        top, bottom = height - top, height - bottom
        if right - left < 0.6 and bottom - top > 5 and (top < 0.5 or bottom > height - 0.5):
            vertical.append(((left + right) / 2, top, bottom))
        elif bottom - top < 0.6 and right - left > 5 and (left < 0.5 or right > width - 0.5):
            horizontal.append(((top + bottom) / 2, left, right))
    return vertical, horizontal


def cells(vertical, horizontal) -> list[tuple[float, float, float, float]]:
    xs = sorted({round(x, 1) for x, _, _ in vertical})
    ys = sorted({round(y, 1) for y, _, _ in horizontal})
    return [(x1, y1, x2, y2) for x1, x2 in pairwise(xs) for y1, y2 in pairwise(ys)]


def _inside(c: Char, left, top, right, bottom, inset: float) -> bool:
    limit = inset - SLACK_MM
    return c.left >= left + limit and c.top >= top + limit and c.right <= right - limit and c.bottom <= bottom - limit


def problems(path) -> list[str]:
    """Everything wrong with the printed pages of one PDF, as sentences."""
    pdf = pdfium.PdfDocument(str(path))
    found: list[str] = []
    front_cells: list[tuple] = []
    front_lines: tuple = ([], [])
    try:
        for number, page in enumerate(pdf, start=1):
            width, height = page.get_width() / MM, page.get_height() / MM
            glyphs = chars(page)
            vertical, horizontal = cut_lines(page)
            if vertical and horizontal:
                front_cells, front_lines = cells(vertical, horizontal), (vertical, horizontal)
                page_cells = front_cells
            elif front_cells and number > 1:
                # a back: its cards sit behind the front's, mirrored left to right
                page_cells = [(width - x2, y1, width - x1, y2) for x1, y1, x2, y2 in front_cells]
                vertical = [(width - x, a, b) for x, a, b in front_lines[0]]
                horizontal = front_lines[1]
            else:
                page_cells = []
            grid = None
            if page_cells:
                grid = (min(c[0] for c in page_cells), min(c[1] for c in page_cells),
                        max(c[2] for c in page_cells), max(c[3] for c in page_cells))
            for c in glyphs:
                where = f"page {number}: {c.text!r} at ({c.left:.1f}, {c.top:.1f}) mm"
                if not _inside(c, 0, 0, width, height, SAFE_MM):
                    found.append(f"{where} is within {SAFE_MM:g} mm of the sheet's edge or off it")
                    continue
                if grid and c.right > grid[0] and c.left < grid[2] and c.bottom > grid[1] and c.top < grid[3]:
                    if not any(_inside(c, *cell, SAFE_MM) for cell in page_cells):
                        found.append(f"{where} is not inside a card's safe area")
                    for x, a, b in vertical:
                        if c.left < x < c.right and a < (c.top + c.bottom) / 2 < b:
                            found.append(f"{where} crosses the cut line x = {x:.1f} mm")
                    for y, a, b in horizontal:
                        if c.top < y < c.bottom and a < (c.left + c.right) / 2 < b:
                            found.append(f"{where} crosses the cut line y = {y:.1f} mm")
            found += [f"page {number}: {o}" for o in overlaps(glyphs)]
    finally:
        pdf.close()
    return found


def overlaps(glyphs: list[Char]) -> list[str]:
    """Characters printed over characters of other text (not their neighbours)."""
    buckets: dict[tuple[int, int], list[Char]] = {}
    for c in glyphs:
        for bx in range(int(c.left // 4), int(c.right // 4) + 1):
            for by in range(int(c.top // 4), int(c.bottom // 4) + 1):
                buckets.setdefault((bx, by), []).append(c)
    seen, out = set(), []
    for group in buckets.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if abs(a.index - b.index) <= 2 or (a.index, b.index) in seen:
                    continue
                share_x = min(a.right, b.right) - max(a.left, b.left)
                share_y = min(a.bottom, b.bottom) - max(a.top, b.top)
                if share_x <= 0 or share_y <= 0:
                    continue
                smaller = min((a.right - a.left) * (a.bottom - a.top), (b.right - b.left) * (b.bottom - b.top))
                if share_x * share_y > 0.25 * smaller:
                    seen.add((a.index, b.index))
                    out.append(f"{a.text!r} at ({a.left:.1f}, {a.top:.1f}) mm is printed over {b.text!r}")
    return out
