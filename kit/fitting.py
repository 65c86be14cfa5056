"""Text fitting and measurement on WeasyPrint's laid-out box tree (read
through `boxes`). Importing it loads no renderer; `render` lays out and writes.

Fitting shrinks the text of boxes a template marks `data-fit` until it fits,
down to a floor; titles and labels then break long words as a last resort.
The layout audit (`audit`, with the page checks of `boxes`) then checks
every laid-out page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .boxes import PX_PER_MM, classes, box_kind, line_overlaps, walk
from .errors import KitError


@dataclass
class Fit:
    """One font size per fit id, in points, from `start` down to `floor`.

    `limits` gives other (start, floor) pairs by the part of a fit id before
    its colon ('title', 'label:c1').
    """

    start: float
    floor: float
    limits: dict[str, tuple[float, float]] = field(default_factory=dict)
    # Fit id -> the key of a size it shares ('deck:body'): every card of a
    # deck is set in one body size, the largest at which all of them fit, as a
    # typesetter fits a deck rather than a card. Errors still name the card.
    shared: dict[str, str] = field(default_factory=dict)

    def bounds(self, fit_id: str) -> tuple[float, float]:
        return self.limits.get(fit_id.split(":")[0], (self.start, self.floor))

    def key(self, fit_id: str) -> str:
        """Where the size of this fit id is kept: its shared size, or its own."""
        return self.shared.get(fit_id, fit_id)


def sizes_for(fit: Fit | None, sizes: dict, default: float = 10.0) -> Callable[[str], float]:
    """The templates' `fs(fit_id)`: the size in points the fitting chose."""

    def fs(fit_id: str) -> float:
        key = fit.key(fit_id) if fit else fit_id
        if key in sizes:
            return sizes[key]
        return fit.bounds(key)[0] if fit else default

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
    floor = fit.bounds(fit.key(overflow.fit_id))[1]
    estimate = size
    if overflow.ratio_y > 1.0:
        estimate = min(estimate, size / max(overflow.ratio_y, 1.02) ** 0.5)
    if overflow.ratio_x > 1.0:
        estimate = min(estimate, size / max(overflow.ratio_x, 1.02))
    return max(floor, min(size - 0.25, int((estimate - 0.5) * 4) / 4))


def overflows(document) -> dict[str, Overflow]:
    """Boxes marked `data-fit` whose content runs past their own box.

    A box in the flow with no height of its own cannot overflow downwards,
    but a word can still be wider than it.
    """
    found: dict[str, Overflow] = {}
    for page in document.pages:
        for box in walk(page._page_box):
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
            for child in walk(box):
                if child is box or not hasattr(child, "position_y"):
                    continue
                kind = box_kind(child)
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
        for box in walk(page._page_box):
            if getattr(box, "element_tag", None) == tag and css_class in classes(box):
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
    max_rounds: int = 8,
    pages_of: Callable[[set[str] | None], list[int]] | None = None,
    sizes: dict[str, float] | None = None,
    first: set[str] | None = None,
    alone: Callable[[dict[str, float], set[str]], tuple[str, list[int | None]]] | None = None,
):
    """Lay out, shrink what overflows, lay out again; fail where the floor is reached.

    `make_html(sizes, pages)` gives the document with those sizes (points by
    fit id). When the product can say which pages hold a set of fit ids
    (`pages_of(fit_ids)`, every page for None), `make_html(sizes, pages)`
    gives just the pages with those indexes: they are laid out again and put
    in place of the old ones, so fitting a few cards costs a few pages, not
    the deck. A line printed over another inside a fitted box (a label
    running into the text below it) counts as overflow of the first of the
    two. A word wider than its box at the floor is broken anywhere
    (hyphenated where the language allows) as a last resort. Fit ids that
    share a size (`Fit.shared`) shrink together: the worst of them sets the
    size of all. `sizes`, when given, holds the sizes to start from and is
    left holding the sizes chosen.

    `first` names the fit ids likeliest to set a shared size (a deck's
    cards with the most text): the pages holding them are laid out first, on
    their own. When they overflow, the size is shrunk from them before the
    rest of the deck is laid out at all, so a deck that must shrink is laid
    out about once, not twice; when they fit, the other pages are laid out
    at the same sizes and the pages already laid out are kept. The sizes
    chosen are those of laying out the whole deck first whenever the card
    that needs the smallest size is among them.

    `alone(sizes, first)`, when given, makes that probe cheaper: the HTML of
    the pages holding those boxes with nothing else on them, and per page
    the index of the deck's page it is whole (it held nothing else), or None.
    Only whole pages are kept when nothing shrank; the sizes chosen are the
    same (each box is laid out where it is, by itself).
    """
    from . import render  # WeasyPrint loads only when something is rendered

    sizes = {} if sizes is None else sizes
    broken: set[str] = set()

    def html(pages):
        return _break_words(make_html(sizes, pages), broken)

    head = pages_of(first) if first and fit is not None and pages_of is not None else []
    if head:
        max_rounds += 1  # the probe's shrink is a round of its own
        if alone is not None:
            probe_html, whole = alone(sizes, first)
            ahead = render._layout(_break_words(probe_html, broken))
        else:
            ahead, whole = render._layout(html(head)), head
        found = _found(ahead)
        if found:
            _shrink(found, sizes, fit, broken, describe)
        # kept: the probe's pages that are the deck's own, when nothing shrank
        ahead_laid = {} if found else {i: page for i, page in zip(whole, ahead.pages, strict=True) if i is not None}
        head = list(ahead_laid)  # the others are laid out with the rest (at the new sizes)
    if head:  # the likeliest cards fit as they are: the rest at the same sizes
        every = pages_of(None)
        rest = [index for index in every if index not in ahead_laid]
        document = render._layout(html(rest)) if rest else ahead
        laid = ahead_laid | dict(zip(rest, document.pages if rest else [], strict=True))
        pages = [laid[index] for index in every]
        probe = document.copy(pages)
    else:
        document = probe = render._layout(html(None))
        pages = list(document.pages)
    if fit is None:
        return render.final(document, lambda: html(None))
    for _ in range(max_rounds):
        found = _found(probe)
        if not found:
            return render.final(document if probe is document else document.copy(pages), lambda: html(None))
        _shrink(found, sizes, fit, broken, describe)
        if pages_of is None:
            document = probe = render._layout(html(None))
            pages = list(document.pages)
        else:
            only = set(found) | {fit.key(fit_id) for fit_id in found}  # the product knows which pages hold them
            indexes = pages_of(only)
            probe = render._layout(html(indexes))
            for index, page in zip(indexes, probe.pages, strict=True):
                pages[index] = page
    first_found = next(iter(found.values()))
    raise describe(first_found.fit_id, first_found, fit.bounds(first_found.fit_id)[1])


def _found(document) -> dict[str, Overflow]:
    """What overflows in a layout: boxes whose content runs past them, and lines printed over others."""
    found = overflows(document)
    for fit_id in _overlapping_fits(document):
        found.setdefault(fit_id, Overflow(fit_id, 1.15))
    return found


def _shrink(found: dict[str, Overflow], sizes: dict[str, float], fit: Fit, broken: set[str], describe) -> None:
    """One step of fitting: each size with something overflowing goes down
    (by the worst of the fit ids sharing it), or its words break; at the
    floor with nothing left to try, the error."""
    worst: dict[str, Overflow] = {}  # by size key: the card that needs the smallest size
    for fit_id, overflow in found.items():
        key = fit.key(fit_id)
        size = sizes.get(key, fit.bounds(key)[0])
        if key not in worst or smaller(size, overflow, fit) < smaller(size, worst[key], fit):
            worst[key] = overflow
    for key, overflow in worst.items():
        fit_id = overflow.fit_id
        start, floor = fit.bounds(key)
        size = sizes.get(key, start)
        if overflow.ratio_x > 1.0 and fit_id not in broken and size / overflow.ratio_x < floor:
            sizes[key] = floor  # a word too wide even at the floor: break it now
            broken.add(fit_id)
        elif size > floor:
            sizes[key] = smaller(size, overflow, fit)
        elif overflow.ratio_x > 1.0 and fit_id not in broken:
            broken.add(fit_id)
        else:
            raise describe(fit_id, overflow, floor)


def _break_words(html: str, fit_ids: set[str]) -> str:
    """The document with words in these fitted boxes breakable anywhere."""
    if not fit_ids:
        return html
    selectors = ", ".join(
        f'[data-fit="{_css_escape(fit_id)}"], [data-fit="{_css_escape(fit_id)}"] *' for fit_id in sorted(fit_ids)
    )
    # an address, a date or a code still breaks only where it may, never with a hyphen added
    keep = ", ".join(f'[data-fit="{_css_escape(fit_id)}"] .nohy' for fit_id in sorted(fit_ids))
    rule = (f"<style>{selectors} {{ overflow-wrap: anywhere !important; hyphens: auto !important; }} "
            f"{keep} {{ hyphens: none !important; }}</style>")
    return html.replace("</head>", rule + "</head>", 1)


def _css_escape(value: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_:." else f"\\{ord(ch):x} " for ch in value)


def _overlapping_fits(document) -> list[str]:
    ids = []
    for problem in line_overlaps(document):
        fit_id = problem.first.fit_id
        if fit_id and fit_id not in ids:
            ids.append(fit_id)
    return ids
