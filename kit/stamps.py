"""A row's own words (school, team, date) laid out apart from the pages that
carry them, so that a batch lays out those pages once for all its rows.

A template marks an element that prints only such words `data-stamp`: a block
whose width does not depend on its words (a block in the flow, a table cell
of a fixed table, an absolutely placed box with left and right), holding text
and inline spans only. A document holding stamps is laid out in three steps:

1. the *common* pages: the document with every stamp's words replaced by one
   space, which does not change from row to row (the page cache keeps it);
2. the *stamp layer*: a small document with the same head (stylesheets, page
   size) holding only each stamp inside copies of its ancestors (so that it
   inherits the same type), at the width its box has on the common pages;
3. each stamp's laid-out lines moved onto its box on the common pages.

A stamp whose words take another height than the one space (two lines) has
the common pages laid out again with that height given to its box, so the
pages are the ones the words would have made in the flow. A single kit takes
the same path as a batch row, so a row's PDF is the bytes of a single build.
The lines stay text, and the audit and the fitting read them like any other
box. Importing this module loads no renderer.
"""

from __future__ import annotations

import re
from html import escape

# `<p class="event" data-stamp>words</p>`: the stamp's own tag closes it
# (its words are escaped text and inline spans, never a tag of its kind).
STAMP = re.compile(r"<(?P<tag>[a-z][a-z0-9]*)(?P<attrs>[^<>]*?) data-stamp(?P<rest>[^<>]*)>(?P<words>.*?)</(?P=tag)>",
                   re.S)
MARK = "data-stamp"
SAME_PX = 0.001  # a height or width laid out in two documents: the same up to rounding
BLANK = "&#160;"  # one line of the stamp's type, no words
# Ancestors in the stamp layer only pass their type on: nothing of their box
# may move or break the stamp, whose width is given.
NEUTRAL = ("; position: static; display: block; float: none; transform: none; width: auto; height: auto;"
           " min-width: 0; max-width: none; min-height: 0; max-height: none; margin: 0; padding: 0; border: 0;"
           " break-before: auto; break-after: auto; break-inside: auto; columns: auto")
# What an ancestor's own style says about where it is, which the layer leaves out.
PLACING = {"left", "top", "right", "bottom", "inset", "width", "height", "transform", "transform-origin", "margin",
           "padding", "position"}


def has_stamps(html: str) -> bool:
    return f" {MARK}" in html and STAMP.search(html) is not None


def lay_out(html: str, layout, layout_layer):
    """The document of `html`: its common pages from `layout` (which may take
    them from a cache), its stamps from one small layout by `layout_layer`.
    A document whose stamps cannot be moved (one split across pages, hidden,
    or laid out at another width) is laid out whole by `layout`."""
    found = list(STAMP.finditer(html))
    if not found:
        return layout(html)
    base = layout(_common(html, found))
    boxes = _stamp_boxes(base, len(found))
    if boxes is None:
        return layout(html)
    layer_html, laid = _layer_html(html, found, boxes)
    layer = _stamp_boxes(layout_layer(layer_html), None)
    if layer is None or set(layer) != set(laid.values()):
        return layout(html)
    lines = {index: layer[laid[index]][2] for index in laid}
    heights = {i: lines[i].height for i in laid if not _same(boxes[i][2].height, lines[i].height)}
    if heights:  # the common pages again, with the heights the words take (kept for the next row too)
        base = layout(_common(html, found, heights))
        boxes = _stamp_boxes(base, len(found))
        if boxes is None or not all(_same(boxes[i][2].height, lines[i].height) for i in laid):
            return layout(html)
    if not all(_same(boxes[i][2].width, lines[i].width) for i in laid):
        return layout(html)
    return _stamped(base, boxes, lines)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_PX


def _common(html: str, found, heights: dict[int, float] | None = None) -> str:
    """`html` with each stamp numbered and its words replaced by one space
    (and given its height, when known)."""
    out, last = [], 0
    for index, match in enumerate(found):
        out.append(html[last:match.start()])
        tag, attrs, rest = match["tag"], match["attrs"], match["rest"]
        if "style=" in attrs + rest:
            raise ValueError(f"a stamp has a style of its own: {match.group(0)[:80]!r}")
        style = f' style="height: {heights[index]!r}px"' if heights and index in heights else ""
        out.append(f'<{tag}{attrs} {MARK}="{index}"{rest}{style}>{BLANK}</{tag}>')
        last = match.end()
    out.append(html[last:])
    return "".join(out)


def _stamp_boxes(document, count: int | None):
    """{stamp index: (page index, path of child indexes from the page box, box,
    elements above it)}, one box per stamp; None when a stamp is split or
    (`count` given) missing."""
    found: dict[int, tuple] = {}
    for page_index, page in enumerate(document.pages):
        for path, box, chain in _marked(page._page_box, (), ()):
            index = int(box.element.get(MARK))
            if index in found or not hasattr(box, "content_box_x"):
                return None
            found[index] = (page_index, path, box, chain)
    return found if count is None or len(found) == count else None


def _marked(box, path, chain):
    """(path, box, elements above it below <body>) of each stamp's box below `box`."""
    for position, child in enumerate(getattr(box, "children", ())):
        inner = getattr(child, "_box", child)
        element = getattr(inner, "element", None)
        if element is not None and element.get(MARK) is not None and getattr(inner, "element_tag", None):
            yield path + (position,), inner, chain
            continue
        below = chain
        if element is not None and _tag(element) not in ("html", "body") and (not chain or chain[-1] is not element):
            below = chain + (element,)
        yield from _marked(inner, path + (position,), below)


def _layer_html(html: str, found, boxes) -> tuple[str, dict[int, int]]:
    """The stamp layer: the document's head, then each stamp in copies of its
    ancestors, at the width of its box on the common pages; and for each
    stamp, the one laid out for it. Stamps alike in words, width and the type
    their ancestors give them (the school on every back of a deck) are laid
    out once."""
    body = html.find("<body")
    start = html.find(">", body) + 1
    chains: dict[str, int] = {}  # a stamp's HTML in the layer (its number left out) -> the stamp laid out
    laid: dict[int, int] = {}
    for index, match in enumerate(found):
        box, chain = boxes[index][2], boxes[index][3]
        style = (f"width: {box.width!r}px; box-sizing: content-box; position: static; float: none; height: auto;"
                 " min-height: 0; max-height: none; min-width: 0; max-width: none; break-inside: avoid")
        opened = "".join(_open(element) for element in chain)
        closed = "".join(f"</{_tag(element)}>" for element in reversed(chain))
        stamp = (f'<{match["tag"]}{match["attrs"]} {MARK}="{{}}"{match["rest"]} style="{style}">'
                 f'{match["words"]}</{match["tag"]}>')
        key = opened + stamp + closed
        laid[index] = chains.setdefault(key, index)
    text = "".join(key.replace(f'{MARK}="{{}}"', f'{MARK}="{index}"', 1) for key, index in chains.items())
    return html[:start] + text + "</body></html>", laid


def _tag(element) -> str:
    return str(element.tag).rpartition("}")[2]


def _open(element) -> str:
    """An ancestor's start tag in the layer: its attributes but those that
    name it (its id, the card it holds: the stylesheets select none of them;
    `data-fit` stays, which the fitting's rules select), its style without
    where it is placed."""
    attrs = []
    for name, value in element.attrib.items():
        name = str(name).rpartition("}")[2]
        if name not in ("style", "id") and (not name.startswith("data-") or name == "data-fit"):
            attrs.append(f' {name}="{escape(str(value), quote=True)}"')
    kept = [rule for rule in (element.get("style") or "").split(";")
            if rule.partition(":")[0].strip().lower() not in PLACING]
    style = escape(";".join(kept) + NEUTRAL, quote=True)
    return f'<{_tag(element)}{"".join(attrs)} style="{style}">'


def _stamped(base, boxes, lines):
    """The common pages with each stamp's laid-out lines moved onto its box."""
    from weasyprint.document import Page  # noqa: PLC0415 (the renderer is loaded by now)

    from . import overlay  # noqa: PLC0415

    roots, placed, apart = {}, {}, set()
    for index, (page_index, path, box, _) in boxes.items():
        line_box = lines[index]
        dx = box.content_box_x() - line_box.content_box_x()
        dy = box.content_box_y() - line_box.content_box_y()
        children = [child.deepcopy() for child in line_box.children]  # one laid-out stamp may serve several
        for child in children:
            child.translate(dx, dy)
        stamped = box.copy()
        stamped.children = children
        root = roots.get(page_index, base.pages[page_index]._page_box)
        roots[page_index] = _replace(root, path, stamped)
        placed.setdefault(page_index, []).append(stamped)
        if not overlay.drawn_alone(base.pages[page_index]._page_box, path):
            apart.add(page_index)
    pages = []
    for i, page in enumerate(base.pages):
        if i in roots:
            page = Page(roots[i])
            if i not in apart:  # written as the common page with its stamps laid over it (`kit.overlay`)
                page.kit_stamps = overlay.Stamps(blank=base.pages[i]._page_box, full=roots[i], boxes=placed[i])
        pages.append(page)
    return base.copy(pages)


def _replace(node, path, leaf):
    """A copy of `node` with the box at `path` replaced by `leaf`; the boxes
    off the path are shared, never changed (the common pages are kept)."""
    if not path:
        return leaf
    from weasyprint.layout.absolute import AbsolutePlaceholder  # noqa: PLC0415

    position, rest = path[0], path[1:]
    child = node.children[position]
    if isinstance(child, AbsolutePlaceholder):
        new_child = AbsolutePlaceholder(_replace(child._box, rest, leaf))
        object.__setattr__(new_child, "_layout_done", True)
    else:
        new_child = _replace(child, rest, leaf)
    copy = node.copy()
    copy.children = list(node.children)
    copy.children[position] = new_child
    return copy

