"""Named destinations a card sheet carries without an element of its own.

Every card slot is named at its top-left corner by its id (`<side>-<card>-tl`,
as WeasyPrint names any element with an id). Its bottom-right corner
(`<side>-<card>-br`) used to be a zero-size, absolutely placed element in every
slot: one more box to lay out per card. It is now added to the laid-out
pages, which WeasyPrint writes into the PDF's name tree like any other
anchor. Importing this module loads no renderer.
"""

from __future__ import annotations

from .boxes import classes

TOP_LEFT, BOTTOM_RIGHT = "-tl", "-br"


def _slots(box):
    """The card slots below `box` (not looking inside a slot)."""
    for child in getattr(box, "children", ()):
        child = getattr(child, "_box", child)  # an absolutely placed box sits in a placeholder
        if "slot" in classes(child):
            yield child
        else:
            yield from _slots(child)


def add_corners(document) -> None:
    """Name the bottom-right corner of every card slot of a laid-out document,
    where the zero-size element at `right: 0; bottom: 0` of the slot stood."""
    for page in document.pages:
        for slot in _slots(page._page_box):
            name = slot.element.get("id") or ""
            if name.endswith(TOP_LEFT):
                x = slot.padding_box_x() + slot.padding_width()
                y = slot.padding_box_y() + slot.padding_height()
                page.anchors.setdefault(name[: -len(TOP_LEFT)] + BOTTOM_RIGHT, (x, y, x, y))
