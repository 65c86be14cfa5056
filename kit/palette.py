"""Category coding: colour, shape and word together, never colour alone.

This is the one source of the category colours (the layouts get them from
here, never from CSS). Every category of a pack gets a shape and a colour of
its own, up to `MAX_CATEGORIES`: the shapes tell categories apart for
colour-blind readers and on low-ink prints, and the colours fall in
lightness, so that a black-and-white printer still prints each category in
its own grey.
"""

from __future__ import annotations

from dataclasses import dataclass

from .design import COLOURS
from .errors import KitError

DARK_INK = COLOURS["ink"]
LIGHT_INK = "#ffffff"
MIN_CONTRAST = 4.5  # WCAG AA for body text: the definition on a header card is body text
# Two colours closer than this (distance in sRGB, 0-255 a channel) read as one
# colour on an office printer.
MIN_COLOUR_DISTANCE = 24.0


@dataclass(frozen=True)
class Style:
    colour: str  # face colour
    ink: str  # text on that colour
    shape: str  # name of a shape in layouts/common/shapes.html.j2


# Light to dark: relative luminance strictly falling, and grey levels (as a
# printer's colour-to-grey conversion makes them) at least 18 of 255 apart;
# the text colour on each has at least 4.5:1 contrast. Tested.
COLOURS = (
    "#fbeaaa",  # pale yellow
    "#c3e0ae",  # pale green
    "#f2aa62",  # orange
    "#68b4d9",  # sky blue
    "#d3688b",  # pink
    "#7160c3",  # violet
    "#b53926",  # brick red
    "#0b6565",  # dark teal
    "#54235d",  # aubergine
    "#242424",  # near black
)
# In the order categories get them; each is drawn differently in outline too (low ink).
SHAPES = ("circle", "square", "triangle", "diamond", "hexagon", "star", "pentagon", "cross", "half-disc", "ring")
MAX_CATEGORIES = min(len(COLOURS), len(SHAPES))


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(hex_colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def grey(hex_colour: str) -> float:
    """The grey level (0-255) a printer's colour-to-grey conversion prints."""
    r, g, b = _rgb(hex_colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_for(colour: str) -> str:
    """Dark or white text, whichever reads better on `colour`."""
    return DARK_INK if contrast(colour, DARK_INK) >= contrast(colour, LIGHT_INK) else LIGHT_INK


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def _distance(a: str, b: str) -> float:
    return sum((x - y) ** 2 for x, y in zip(_rgb(a), _rgb(b))) ** 0.5


# Every default style, lightest first (a pack of ten categories gets them all).
PALETTE = tuple(Style(colour, ink_for(colour), shape) for colour, shape in zip(COLOURS, SHAPES))


def default_colours(count: int) -> list[str]:
    """`count` colours from light to dark, spread over the whole range so
    that a small pack gets greys as far apart as possible."""
    if count <= 1:
        return list(COLOURS[:count])
    last = len(COLOURS) - 1
    return [COLOURS[round(i * last / (count - 1))] for i in range(count)]


def pack_styles(pack, where=None) -> dict[str, Style]:
    """Category id -> Style for every category of the pack, checked.

    `where(path)` gives the `kit.errors.Where` of a pack path, for the error message.
    Raises KitError when the pack has more categories than the kit can tell
    apart, or when a `colour` override repeats another category's colour or
    leaves its text below WCAG AA contrast.
    """
    categories = list(pack.categories)

    def fail(message: str, path: tuple) -> KitError:
        return KitError(message, where(path) if where else "categories.yaml")

    if len(categories) > MAX_CATEGORIES:
        raise fail(
            f"the pack has {len(categories)} categories; the kit can tell at most {MAX_CATEGORIES} apart "
            f"by shape, colour and grey: merge some categories",
            ("categories",),
        )
    colours = default_colours(len(categories))
    chosen = [c.colour.lower() if c.colour else colours[i] for i, c in enumerate(categories)]
    styles: dict[str, Style] = {}
    for index, category in enumerate(categories):
        colour = chosen[index]
        ink = ink_for(colour)
        if category.colour:
            path = ("categories", index, "colour")
            ratio = contrast(colour, ink)
            if ratio < MIN_CONTRAST:
                raise fail(
                    f"category {category.id!r}: colour {category.colour} leaves its text at {ratio:.1f}:1 contrast, "
                    f"below {MIN_CONTRAST}:1 (WCAG AA); choose a lighter or darker colour",
                    path,
                )
            for other_index, other in enumerate(categories):
                if other_index != index and _distance(colour, chosen[other_index]) < MIN_COLOUR_DISTANCE:
                    raise fail(
                        f"category {category.id!r}: colour {category.colour} is the same as (or too close to) "
                        f"the colour {chosen[other_index]} of category {other.id!r}; choose another colour",
                        path,
                    )
        styles[category.id] = Style(colour, ink, SHAPES[index])
    return styles


def category_style(ctx, category) -> Style:
    """The style of one category of the context's pack (checked as a whole)."""
    return pack_styles(ctx.pack, ctx.loaded.where)[category.id]
