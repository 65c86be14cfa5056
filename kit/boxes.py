"""Reading WeasyPrint's laid-out box tree (a private API; the version is
pinned in pyproject), and the page checks of the layout audit that read it.
Importing it loads no renderer.

The checks hold every laid-out page to invariants that do not depend on what
a template marked: glyphs inside the card's safe area or the page's
printable area, no glyph across a cut line, no line printed over another,
the QR code whole. `fitting` shrinks text with the same reading; `audit`
knows the products and the pack and names what a problem is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .design import SAFE_MM

PX_PER_MM = 96 / 25.4
SLACK_MM = 0.5  # a glyph's box is its font's, a little larger than its ink
QR_SLACK_MM = 0.2


def walk(box):
    """Every box below `box`, absolutely placed ones included (WeasyPrint
    wraps those in placeholders that `descendants()` skips)."""
    yield box
    for child in getattr(box, "children", ()):
        yield from walk(getattr(child, "_box", child))


def box_kind(box) -> str:
    return type(box).__name__


def classes(box) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


@dataclass
class Glyphs:
    """A run of text as laid out: its box (px), its line, its card and its item."""

    text: str
    x: float
    y: float
    w: float
    h: float
    line: int
    card: object | None  # the card box it sits on, None on a page
    fit_id: str | None
    item: str | None
    margin: bool  # in a page's margin box (a running footer)
    order: int = 0  # in the document
    line_y: float = 0.0  # the line box's top and height: a glyph box is the font's, taller than
    line_h: float = 0.0  # its line when the line height is tight or a fallback font has odd metrics


@dataclass
class Overlap:
    first: Glyphs
    second: Glyphs


def _glyph_runs(page_box) -> Iterable[Glyphs]:
    def visit(box, line, card, fit_id, item, margin, line_box=None):
        element = getattr(box, "element", None)
        if element is not None and getattr(box, "element_tag", None):
            if "card" in classes(box) and element.get("data-card"):
                card = box
                item = element.get("data-card")
            fit_id = element.get("data-fit") or fit_id
            item = element.get("data-item") or element.get("data-fit") or item
        kind = box_kind(box)
        if kind == "MarginBox":
            margin = True
        if kind == "LineBox":
            line, line_box = id(box), box
        if kind == "TextBox" and box.text.strip():
            counter[0] += 1
            top, height = (line_box.position_y, line_box.height) if line_box is not None else (box.position_y, box.height)
            yield Glyphs(
                box.text, box.position_x, box.position_y, box.width, box.height, line, card, fit_id, item, margin,
                counter[0], top, height,
            )
        for child in getattr(box, "children", ()):
            yield from visit(getattr(child, "_box", child), line, card, fit_id, item, margin, line_box)

    counter = [0]
    yield from visit(page_box, 0, None, None, None, False)


def _runs(page_box) -> list[Glyphs]:
    """A page's glyph runs, read once: fitting and each check of the audit ask again."""
    runs = page_box.__dict__.get("_kit_runs")
    if runs is None:
        runs = page_box._kit_runs = list(_glyph_runs(page_box))
    return runs


def line_overlaps(document) -> list[Overlap]:
    """Pairs of runs of two different lines printed over each other.

    Compared per card (a turned card has its own frame) and per page, by
    their line boxes (the height each line takes); a pair counts when they
    share more than a third of the smaller line's height.
    """
    found = []
    for page in document.pages:
        groups: dict[int, list[Glyphs]] = {}
        for run in _runs(page._page_box):
            groups.setdefault(id(run.card), []).append(run)
        for runs in groups.values():
            runs.sort(key=lambda r: r.line_y)
            for i, a in enumerate(runs):
                for b in runs[i + 1 :]:
                    if b.line_y >= a.line_y + a.line_h:
                        break
                    if a.line == b.line:
                        continue
                    share_y = min(a.line_y + a.line_h, b.line_y + b.line_h) - max(a.line_y, b.line_y)
                    share_x = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
                    if share_y > min(a.line_h, b.line_h) / 3 and share_x > PX_PER_MM * 0.3:
                        # the first in the document is the one that ran on into the other
                        found.append(Overlap(a, b) if a.order < b.order else Overlap(b, a))
    return found


@dataclass
class Problem:
    item: str | None  # an item id, a field of the pack ('title'), or None
    message: str
    text: str = ""  # the text at fault, to find its item when no box names it


def _extent_y(run: Glyphs) -> tuple[float, float]:
    """Top and bottom of a run as its line holds it: a glyph box is as tall as
    its font's ascent and descent, which for some scripts' fonts (Noto Sans
    Arabic: 2.1 em) reach far past the ink of a line and past the line box
    itself. The line box is what layout gave the line; lines are compared by
    it elsewhere too (`line_overlaps`)."""
    if not run.line_h:
        return run.y, run.y + run.h
    return max(run.y, run.line_y), min(run.y + run.h, run.line_y + run.line_h)


def _inside(run: Glyphs, left, top, right, bottom) -> bool:
    slack = SLACK_MM * PX_PER_MM
    run_top, run_bottom = _extent_y(run)
    return (
        run.x >= left - slack
        and run_top >= top - slack
        and run.x + run.w <= right + slack
        and run_bottom <= bottom + slack
    )


def _border_rect(box, inset_mm: float = 0.0):
    inset = inset_mm * PX_PER_MM
    x, y = box.border_box_x(), box.border_box_y()
    return (x + inset, y + inset, x + box.border_width() - inset, y + box.border_height() - inset)


def _sheet_rect(page_box, inset_mm: float):
    """The whole sheet (the page box's border box is only its content's frame)."""
    inset = inset_mm * PX_PER_MM
    x, y = page_box.position_x, page_box.position_y
    return (x + inset, y + inset, x + page_box.margin_width() - inset, y + page_box.margin_height() - inset)


def _trim_rect(card, inset_mm: float):
    """A card's trim: its declared size from its border edge (a card kind's
    padding or border must not make the card look larger than it is cut)."""
    inset = inset_mm * PX_PER_MM
    x, y = card.border_box_x(), card.border_box_y()
    w, h = (_px(card.style[name], fallback) for name, fallback in (("width", card.width), ("height", card.height)))
    return (x + inset, y + inset, x + w - inset, y + h - inset)


def _px(value, fallback: float) -> float:
    return value.value if getattr(value, "unit", None) == "px" else fallback


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def check_pages(document) -> list[Problem]:
    """Invariants of the laid-out pages that hold for every product."""
    problems: list[Problem] = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        edge = _sheet_rect(page_box, SAFE_MM)
        area = (
            page_box.content_box_x(),
            page_box.content_box_y(),
            page_box.content_box_x() + page_box.width,
            page_box.content_box_y() + page_box.height,
        )
        slots = [
            _border_rect(box)
            for box in walk(page_box)
            if "slot" in classes(box) and getattr(box, "element_tag", None) == "div"
        ]
        for run in _runs(page_box):
            if run.card is not None:
                if not _inside(run, *_trim_rect(run.card, SAFE_MM)):
                    problems.append(Problem(run.item, f"text {_excerpt(run.text)!r} runs past its card's safe area ({SAFE_MM:g} mm inside the cut) on page {number}", run.text))
                continue
            if run.margin or slots:
                # a running footer, or a card sheet's notes: near the edge, never on a card
                if not _inside(run, *edge):
                    problems.append(Problem(run.item, f"text {_excerpt(run.text)!r} runs off page {number}", run.text))
                elif any(_crosses(run, slot) for slot in slots):
                    problems.append(Problem(run.item, f"text {_excerpt(run.text)!r} is printed over a card on page {number}", run.text))
                continue
            if not _inside(run, *area):
                problems.append(Problem(run.item, f"text {_excerpt(run.text)!r} runs outside the printable area of page {number}", run.text))
    for overlap in line_overlaps(document):
        a, b = overlap.first, overlap.second
        problems.append(Problem(a.item or b.item, f"text {_excerpt(a.text)!r} is printed over {_excerpt(b.text)!r}", a.text if a.item else b.text))
    return problems


def _crosses(run: Glyphs, rect) -> bool:
    left, top, right, bottom = rect
    run_top, run_bottom = _extent_y(run)
    return run.x < right and run.x + run.w > left and run_top < bottom and run_bottom > top


def check_qr(document, min_count: int = 1) -> list[Problem]:
    """Every QR code at its full size on its white plate, inside the page or card, nothing over it."""
    problems = []
    count = 0
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        runs = _runs(page_box)
        for box, card in qr_boxes(page_box):
            count += 1
            element = box.element
            wanted = float(re.sub("mm$", "", element.get("width", "0")) or 0)
            got_w, got_h = box.width / PX_PER_MM, box.height / PX_PER_MM
            rect = _border_rect(box)
            limit = _trim_rect(card, SAFE_MM - 0.01) if card is not None else _sheet_rect(page_box, SAFE_MM)
            plate = any(child.tag.endswith("rect") and child.get("fill") == "#fff" for child in element)
            if abs(got_w - wanted) > QR_SLACK_MM or abs(got_h - wanted) > QR_SLACK_MM:
                problems.append(Problem("report_url", f"the QR code on page {number} is {got_w:.1f} mm, not {wanted:g} mm"))
            elif not (rect[0] >= limit[0] - 1 and rect[1] >= limit[1] - 1 and rect[2] <= limit[2] + 1 and rect[3] <= limit[3] + 1):
                problems.append(Problem("report_url", f"the QR code on page {number} is not inside the {'card' if card is not None else 'page'}"))
            elif not plate:
                problems.append(Problem("report_url", f"the QR code on page {number} has no white plate"))
            elif any(run.card is card and _crosses(run, rect) for run in runs):
                problems.append(Problem("report_url", f"text is printed over the QR code on page {number}"))
    if count < min_count:
        problems.append(Problem("report_url", "the QR code to the report is missing"))
    return problems


def qr_boxes(page_box):
    def visit(box, card):
        element = getattr(box, "element", None)
        if element is not None and getattr(box, "element_tag", None):
            if "card" in classes(box) and element.get("data-card"):
                card = box
            if str(box.element_tag).endswith("svg") and "qr" in classes(box) and hasattr(box, "width"):
                yield box, card
                return
        for child in getattr(box, "children", ()):
            yield from visit(getattr(child, "_box", child), card)

    yield from visit(page_box, None)


def squash(text: str) -> str:
    """Text compared without spaces, line breaks and hyphens: layout may hyphenate
    (and a break opportunity, <wbr>, is a zero-width space in the laid-out text)."""
    return re.sub(r"[\s\-\u2010\u00ad\u200b]+", "", text)


def printed_text(document) -> str:
    return "".join(run.text for page in document.pages for run in _runs(page._page_box))
