"""The kit's look in numbers, in one place: its colours and the card's safe area.

The stylesheets get them as CSS custom properties (`stylesheet()`, put in
every document's head before `common/base.css`), the layout checks of
`fitting` read `SAFE_MM`, and the templates read `scheme()` for the inline
SVG drawings, which do not see the page's CSS in WeasyPrint. Low ink is
decided here and by the `.low-ink` rules of the stylesheets, never in a
template. Category colours are `kit/palette.py`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

SAFE_MM = 3.0  # text stays this far inside a card's trim or a page's edge
COLOURS = {
    "ink": "#1d1d1b",
    "muted": "#5b5b57",
    "line": "#9a9a96",
    "paper": "#ffffff",
    "accent": "#2f4b7c",
    "tint": "#eef2f7",
}
# Low ink: white faces, outlines and dark text, for a class set on a laser printer.
LOW_INK = {"accent": "#000", "tint": "#fff", "muted": "#333"}
# The running heads and footers of the page products: the same grey in low ink.
RUNNING = COLOURS["muted"]


@dataclass(frozen=True)
class Scheme:
    """The colours a template draws its SVG shapes with, in colour or in low ink."""

    low_ink: bool
    ink: str
    muted: str
    line: str
    paper: str
    accent: str
    tint: str

    def fill(self, colour: str) -> str:
        """A shape's fill: its colour, or none in low ink (where it is an outline)."""
        return "none" if self.low_ink else colour

    def on_face(self, colour: str) -> str:
        """A mark drawn on a coloured face in `colour`: black in low ink, where the face is white."""
        return "#000" if self.low_ink else colour

    @property
    def outline(self) -> str:
        """The stroke of a shape drawn on a coloured face: black in low ink, none in colour."""
        return "#000" if self.low_ink else "none"


def scheme(low_ink: bool) -> Scheme:
    return Scheme(low_ink, **{**COLOURS, **(LOW_INK if low_ink else {})})


def _properties(values: dict[str, str]) -> str:
    return " ".join(f"--{name}: {value};" for name, value in values.items())


@lru_cache(maxsize=1)
def stylesheet() -> Markup:
    """The numbers above as CSS: custom properties, and the colour of the running heads."""
    css = (
        f":root {{ {_properties(COLOURS)} --safe: {SAFE_MM:g}mm; }}\n"
        f".low-ink {{ {_properties(LOW_INK)} }}\n"
        f"@page {{ @top-left {{ color: {RUNNING}; }} @bottom-left {{ color: {RUNNING}; }} "
        f"@bottom-right {{ color: {RUNNING}; }} }}\n"
    )
    return Markup(css)  # the kit's own numbers: no pack text reaches this


def page_css(sheet: tuple[float, float], *, name: str | None = None, margin_mm: float | None = None,
             bleed_mm: float = 0.0) -> Markup:
    """The @page rules of one document: the sheet's size; for a named page of
    its own (the poster's), its margin, and a bleed with crop marks for a print shop."""
    width, height = sheet
    rules = [f"@page {{ size: {width}mm {height}mm; }}"]
    if name and margin_mm is not None:
        rules.append(f"@page {name} {{ margin: {margin_mm:.3f}mm; }}")
    if name and bleed_mm:
        rules.append(f"@page {name} {{ bleed: {bleed_mm}mm; marks: crop; }}")
    return Markup("\n".join(rules))  # numbers of the kit and the options: no pack text reaches this
