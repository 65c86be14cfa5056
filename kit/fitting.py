"""Text fitting, measurement and the layout audit: the one module that reads
WeasyPrint's laid-out box tree (a private API; the version is pinned in
pyproject). Importing it loads no renderer; `render` lays out and writes.

Fitting shrinks the text of boxes a template marks `data-fit` until it fits,
down to a floor; titles and labels then break long words as a last resort.
The audit (`audit`) then checks every laid-out page against invariants that
do not depend on what a template marked: glyphs inside the card's safe area
or the page's printable area, no glyph across a cut line, no line printed
over another, the QR code whole and every promised item on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .design import SAFE_MM
from .errors import KitError

PX_PER_MM = 96 / 25.4
SLACK_MM = 0.5  # a glyph's box is its font's, a little larger than its ink
QR_SLACK_MM = 0.2


@dataclass
class Fit:
    """One font size per fit id, in points, from `start` down to `floor`.

    `limits` gives other (start, floor) pairs by the part of a fit id before
    its colon ('title', 'label:c1'). `page_budget`
    fits a whole document to a number of pages by shrinking `page_fit_id`.
    """

    start: float
    floor: float
    page_budget: int | None = None
    page_fit_id: str | None = None
    limits: dict[str, tuple[float, float]] = field(default_factory=dict)

    def bounds(self, fit_id: str) -> tuple[float, float]:
        return self.limits.get(fit_id.split(":")[0], (self.start, self.floor))


def sizes_for(fit: Fit | None, sizes: dict, default: float = 10.0) -> Callable[[str], float]:
    """The templates' `fs(fit_id)`: the size in points the fitting chose."""

    def fs(fit_id: str) -> float:
        if fit_id in sizes:
            return sizes[fit_id]
        return fit.bounds(fit_id)[0] if fit else default

    return fs


@dataclass
class Overflow:
    fit_id: str
    ratio: float  # needed / available, on the axis that overflows most
    axis: str = "y"  # 'x': a word wider than its box (shrinks linearly)
    # Per axis, 1.0 where it fits. Downwards only the text counts: a QR code
    # or a picture in the box keeps its size whatever the text's size.
    ratio_x: float = 1.0
    ratio_y: float = 1.0

    def __post_init__(self):
        if self.ratio_x == 1.0 and self.ratio_y == 1.0:
            if self.axis == "x":
                self.ratio_x = self.ratio
            else:
                self.ratio_y = self.ratio


def smaller(size: float, overflow: Overflow, fit: Fit) -> float:
    """The next size to try, from both axes at once: text area grows with the
    square of the size, a too-long word linearly. Lines wrap in steps and some
    of a card (its margins, a code) keeps its size, so half a point below that
    estimate: one more layout costs more than the half point is seen."""
    floor = fit.bounds(overflow.fit_id)[1]
    estimate = size
    if overflow.ratio_y > 1.0:
        estimate = min(estimate, size / max(overflow.ratio_y, 1.02) ** 0.5)
    if overflow.ratio_x > 1.0:
        estimate = min(estimate, size / max(overflow.ratio_x, 1.02))
    return max(floor, min(size - 0.25, int((estimate - 0.5) * 4) / 4))


# --- reading the box tree -------------------------------------------------


def _walk(box):
    """Every box below `box`, absolutely placed ones included (WeasyPrint
    wraps those in placeholders that `descendants()` skips)."""
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(getattr(child, "_box", child))


def _kind(box) -> str:
    return type(box).__name__


def _classes(box) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def overflows(document) -> dict[str, Overflow]:
    """Boxes marked `data-fit` whose content runs past their own box.

    A box in the flow with no height of its own cannot overflow downwards,
    but a word can still be wider than it.
    """
    found: dict[str, Overflow] = {}
    for page in document.pages:
        for box in _walk(page._page_box):
            element = getattr(box, "element", None)
            if element is None or box.element_tag is None:
                continue
            fit_id = element.get("data-fit")
            if not fit_id or not hasattr(box, "content_box_y"):
                continue
            flowing = box.style["position"] == "static" and box.style["height"] == "auto"
            top, left = box.content_box_y(), box.content_box_x()
            bottom, right = top + box.height, left + box.width
            need_bottom, need_right, fixed = bottom, right, 0.0
            for child in _walk(box):
                if child is box or not hasattr(child, "position_y"):
                    continue
                kind = _kind(child)
                if kind == "TextBox":
                    need_right = max(need_right, child.position_x + child.width)
                if not flowing and kind in ("LineBox", "TextBox", "BlockBox", "InlineReplacedBox", "BlockReplacedBox"):
                    need_bottom = max(need_bottom, child.position_y + child.margin_height())
                if kind in ("InlineReplacedBox", "BlockReplacedBox"):
                    fixed += child.margin_height()
            over_y, over_x = need_bottom - bottom - 0.5, need_right - right - 0.5
            if over_y > 0 or over_x > 0:
                ratio_x = (need_right - left) / max(box.width, 1) if over_x > 0 else 1.0
                ratio_y = (need_bottom - top) / max(box.height, 1) if over_y > 0 else 1.0
                fixed = min(fixed, box.height * 0.8)  # a box mostly picture still shrinks its text
                text_y = (need_bottom - top - fixed) / max(box.height - fixed, 1) if over_y > 0 else 1.0
                overflow = Overflow(fit_id, max(ratio_x, ratio_y), "x" if ratio_x >= ratio_y else "y",
                                    ratio_x, max(text_y, ratio_y))
                previous = found.get(fit_id)
                if previous is None or overflow.ratio > previous.ratio:
                    found[fit_id] = overflow
    return found


def measure(document, tag: str, css_class: str) -> list[tuple[float, float, float, float]]:
    """(page index, top, height, width) in mm of each box of `tag.css_class`."""
    out = []
    for index, page in enumerate(document.pages):
        for box in _walk(page._page_box):
            if getattr(box, "element_tag", None) == tag and css_class in _classes(box):
                out.append((index, box.position_y / PX_PER_MM, box.margin_height() / PX_PER_MM, box.width / PX_PER_MM))
    return out


def page_area_mm(document, index: int = 0) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a page's content area, in mm."""
    box = document.pages[index]._page_box
    x, y = box.content_box_x(), box.content_box_y()
    return tuple(v / PX_PER_MM for v in (x, y, x + box.width, y + box.height))


# --- fitting --------------------------------------------------------------


def render_fitted(
    make_html: Callable[..., str],
    fit: Fit | None,
    describe: Callable[[str, Overflow, float], KitError],
    stylesheets=(),
    max_rounds: int = 8,
    pages_of: Callable[[set[str]], list[int]] | None = None,
):
    """Lay out, shrink what overflows, lay out again; fail where the floor is reached.

    `make_html(sizes, only)` gives the document with those sizes (points by
    fit id). When the product can say which pages hold a set of fit ids
    (`pages_of(fit_ids)`), `make_html(sizes, fit_ids)` gives just those pages: they are
    laid out again and put in place of the old ones, so fitting a few cards
    costs a few pages, not the deck. A line printed over another inside a
    fitted box (a label running into the text below it) counts as overflow
    of the first of the two. A word wider than its box at the floor is
    broken anywhere (hyphenated where the language allows) as a last resort.
    """
    from . import render  # WeasyPrint loads only when something is rendered

    sizes: dict[str, float] = {}
    broken: set[str] = set()

    def html(only):
        return _break_words(make_html(sizes, only), broken)

    document = probe = render._layout(html(None), stylesheets)
    if fit is None:
        return render.final(document, lambda: html(None))
    pages = list(document.pages)
    for _ in range(max_rounds):
        found = overflows(probe)
        for fit_id in _overlapping_fits(probe):
            found.setdefault(fit_id, Overflow(fit_id, 1.15))
        if fit.page_budget and len(probe.pages) > fit.page_budget:
            ratio = len(probe.pages) / fit.page_budget
            found[fit.page_fit_id] = Overflow(fit.page_fit_id, ratio)
        if not found:
            return render.final(document if probe is document else document.copy(pages), lambda: html(None))
        for fit_id, overflow in found.items():
            start, floor = fit.bounds(fit_id)
            size = sizes.get(fit_id, start)
            if overflow.ratio_x > 1.0 and fit_id not in broken and size / overflow.ratio_x < floor:
                sizes[fit_id] = floor  # a word too wide even at the floor: break it now
                broken.add(fit_id)
            elif size > floor:
                sizes[fit_id] = smaller(size, overflow, fit)
            elif overflow.ratio_x > 1.0 and fit_id not in broken:
                broken.add(fit_id)
            else:
                raise describe(fit_id, overflow, floor)
        if pages_of is None:
            document = probe = render._layout(html(None), stylesheets)
            pages = list(document.pages)
        else:
            only = set(found)  # fit ids: the product knows which pages hold them
            probe = render._layout(html(only), stylesheets)
            for index, page in zip(pages_of(only), probe.pages, strict=True):
                pages[index] = page
    first = next(iter(found.values()))
    raise describe(first.fit_id, first, fit.bounds(first.fit_id)[1])


def _break_words(html: str, fit_ids: set[str]) -> str:
    """The document with words in these fitted boxes breakable anywhere."""
    if not fit_ids:
        return html
    selectors = ", ".join(
        f'[data-fit="{_css_escape(fit_id)}"], [data-fit="{_css_escape(fit_id)}"] *' for fit_id in sorted(fit_ids)
    )
    rule = f"<style>{selectors} {{ overflow-wrap: anywhere !important; hyphens: auto !important; }}</style>"
    return html.replace("</head>", rule + "</head>", 1)


def _css_escape(value: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_:." else f"\\{ord(ch):x} " for ch in value)


def _overlapping_fits(document) -> list[str]:
    ids = []
    for problem in _line_overlaps(document):
        fit_id = problem.first.fit_id
        if fit_id and fit_id not in ids:
            ids.append(fit_id)
    return ids


# --- the audit ------------------------------------------------------------


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
            if "card" in _classes(box) and element.get("data-card"):
                card = box
                item = element.get("data-card")
            fit_id = element.get("data-fit") or fit_id
            item = element.get("data-item") or element.get("data-fit") or item
        kind = _kind(box)
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


def _line_overlaps(document) -> list[Overlap]:
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


def _inside(run: Glyphs, left, top, right, bottom) -> bool:
    slack = SLACK_MM * PX_PER_MM
    return (
        run.x >= left - slack
        and run.y >= top - slack
        and run.x + run.w <= right + slack
        and run.y + run.h <= bottom + slack
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
            for box in _walk(page_box)
            if "slot" in _classes(box) and getattr(box, "element_tag", None) == "div"
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
    for overlap in _line_overlaps(document):
        a, b = overlap.first, overlap.second
        problems.append(Problem(a.item or b.item, f"text {_excerpt(a.text)!r} is printed over {_excerpt(b.text)!r}", a.text if a.item else b.text))
    return problems


def _crosses(run: Glyphs, rect) -> bool:
    left, top, right, bottom = rect
    return run.x < right and run.x + run.w > left and run.y < bottom and run.y + run.h > top


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
            if "card" in _classes(box) and element.get("data-card"):
                card = box
            if str(box.element_tag).endswith("svg") and "qr" in _classes(box) and hasattr(box, "width"):
                yield box, card
                return
        for child in getattr(box, "children", ()):
            yield from visit(getattr(child, "_box", child), card)

    yield from visit(page_box, None)


def squash(text: str) -> str:
    """Text compared without spaces, line breaks and hyphens: layout may hyphenate."""
    return re.sub(r"[\s\-\u2010\u00ad]+", "", text)


def printed_text(document) -> str:
    return "".join(run.text for page in document.pages for run in _runs(page._page_box))


def check_items(document, promised: list[tuple[str, str, str]]) -> list[Problem]:
    """(item, what, text) promised to be printed: each must be in the laid-out text."""
    text = squash(printed_text(document))
    return [Problem(item, f"{what} is missing") for item, what, text_ in promised if squash(text_) not in text]


def audit(document, promised: list[tuple[str, str, str]] = (), qr: bool = True) -> list[Problem]:
    """Everything the audit finds wrong with one laid-out document (or chunk)."""
    problems = check_pages(document)
    if qr:
        problems += check_qr(document)
    if promised:
        problems += check_items(document, promised)
    return problems
