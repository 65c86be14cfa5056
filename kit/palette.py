"""Category coding: colour, shape and word together, never colour alone.

The colours go from light to dark, so their order survives a black-and-white
printer; the shapes tell categories apart for colour-blind readers and on
low-ink prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Category, Pack


@dataclass(frozen=True)
class Style:
    colour: str  # face colour
    ink: str  # text on that colour
    shape: str  # name of a shape in layouts/common/shapes.html.j2


# Light to dark (relative luminance strictly falling); tested.
PALETTE = (
    Style("#f2c14e", "#1d1d1b", "circle"),
    Style("#7cc6b8", "#1d1d1b", "square"),
    Style("#3f8fc0", "#ffffff", "triangle"),
    Style("#2f4b7c", "#ffffff", "diamond"),
    Style("#6b2d5c", "#ffffff", "hexagon"),
    Style("#2b2b2b", "#ffffff", "star"),
)


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def category_style(pack: Pack, category: Category) -> Style:
    index = [c.id for c in pack.categories].index(category.id)
    base = PALETTE[index % len(PALETTE)]
    if category.colour:
        ink = "#1d1d1b" if luminance(category.colour) > 0.3 else "#ffffff"
        return Style(category.colour, ink, base.shape)
    return base
