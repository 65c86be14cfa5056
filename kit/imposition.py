"""Placing cards on sheets: grid, cut lines and duplex backs.

All lengths are millimetres, origin at the sheet's top-left corner.
Sheets and card sizes are data; the grid is computed, centred on the sheet,
and never comes closer to the edge than the printer's unprintable margin.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import KitError

SHEETS: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "letter": (215.9, 279.4),
    "a3": (297.0, 420.0),
    "tabloid": (279.4, 431.8),  # 11 x 17 in: the US A3, two Letter sheets, the large sheet of US offices
    "a2": (420.0, 594.0),  # posters only
}
CARD_PAPERS = ("a4", "letter", "a3")  # --paper: cards, answer key, worksheet, guide
POSTER_PAPERS = ("a3", "a2", "tabloid")  # --poster-paper

CARD_SIZES: dict[str, tuple[float, float]] = {
    "dialogue": (95.0, 130.0),  # 4 per A4 and per Letter inside a 5 mm margin
    "a6": (105.0, 148.0),
    "a7": (74.0, 105.0),
    "poker": (63.0, 88.0),
    "square": (70.0, 70.0),
}

UNPRINTABLE_MM = 5.0
BACK_EXTRA_BLEED_MM = 2.0  # covers the 1-4 mm an office printer shifts the back
DUPLEX_MODES = ("long", "short", "none", "fold")
BACK_STYLES = ("light", "solid")  # --backs


def paper_name(paper: str) -> str:
    """'a4' -> 'A4', 'letter' -> 'Letter': a sheet as the guide and the web page name it."""
    return paper.upper() if paper[:1].lower() == "a" else paper.capitalize()


def larger_card_size(chosen: str) -> str | None:
    """The smallest preset that gives a card's text clearly more room than
    `chosen` and is no narrower: what to offer when a card does not fit."""
    w, h = parse_card_size(chosen)
    roomier = [(pw * ph, name) for name, (pw, ph) in CARD_SIZES.items()
               if pw * ph > 1.1 * w * h and min(pw, ph) >= min(w, h)]
    return min(roomier)[1] if roomier else None


def parse_card_size(text: str) -> tuple[float, float]:
    key = text.strip().lower()
    if key in CARD_SIZES:
        return CARD_SIZES[key]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)(?:\s*mm)?", key)
    if not match:
        raise KitError(
            f"unknown card size {text!r}; use one of {', '.join(CARD_SIZES)} or WxH in mm (e.g. 63x88)"
        )
    w, h = float(match[1]), float(match[2])
    if not (20 <= w <= 400 and 20 <= h <= 400):
        raise KitError(f"card size {text!r} must be between 20 and 400 mm a side")
    return w, h


def parse_sheet(name: str) -> tuple[float, float]:
    try:
        return SHEETS[name.lower()]
    except KeyError:
        raise KitError(f"unknown paper {name!r}; use one of {', '.join(SHEETS)}") from None


def parse_offset(text: str) -> tuple[float, float]:
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*", text or "")
    if not match:
        raise KitError(f"--back-offset takes X,Y in mm (e.g. 1.5,-0.5), not {text!r}")
    x, y = float(match[1]), float(match[2])
    if abs(x) > 10 or abs(y) > 10:
        raise KitError("--back-offset is meant for a printer's few millimetres; keep X and Y within 10 mm")
    return x, y


@dataclass(frozen=True)
class Slot:
    """One card's place on a sheet: its trim box and how it is turned."""

    x: float
    y: float
    w: float  # as placed on the sheet (after rotation)
    h: float
    rotation: int  # degrees the card's content is turned, clockwise



@dataclass(frozen=True)
class Grid:
    sheet: tuple[float, float]
    card: tuple[float, float]  # upright card size
    cols: int
    rows: int
    rotated: bool
    bleed: float
    slots: tuple[Slot, ...]
    cuts_x: tuple[float, ...]
    cuts_y: tuple[float, ...]
    margin: float

    @property
    def per_sheet(self) -> int:
        return len(self.slots)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Outer edge of the grid including bleed: left, top, right, bottom."""
        xs = [s.x for s in self.slots] + [s.x + s.w for s in self.slots]
        ys = [s.y for s in self.slots] + [s.y + s.h for s in self.slots]
        b = self.bleed
        return min(xs) - b, min(ys) - b, max(xs) + b, max(ys) + b


def _count(card_w, card_h, sheet_w, sheet_h, margin, bleed):
    pitch_w, pitch_h = card_w + 2 * bleed, card_h + 2 * bleed
    cols = math.floor((sheet_w - 2 * margin + 1e-9) / pitch_w)
    rows = math.floor((sheet_h - 2 * margin + 1e-9) / pitch_h)
    return max(cols, 0), max(rows, 0)


def grid(
    card: tuple[float, float],
    sheet: tuple[float, float],
    *,
    bleed: float = 0.0,
    margin: float = UNPRINTABLE_MM,
    allow_rotation: bool = True,
) -> Grid:
    """As many cards as fit, turned sideways when that fits more."""
    w, h = card
    sw, sh = sheet
    upright = _count(w, h, sw, sh, margin, bleed)
    turned = _count(h, w, sw, sh, margin, bleed) if allow_rotation and w != h else (0, 0)
    rotated = turned[0] * turned[1] > upright[0] * upright[1]
    cols, rows = turned if rotated else upright
    if cols * rows == 0:
        raise KitError(
            f"a {w:g} x {h:g} mm card (with {bleed:g} mm bleed) does not fit on a {sw:g} x {sh:g} mm sheet "
            f"inside its {margin:g} mm unprintable margin"
        )
    pw, ph = (h, w) if rotated else (w, h)
    pitch_w, pitch_h = pw + 2 * bleed, ph + 2 * bleed
    x0 = (sw - cols * pitch_w) / 2 + bleed
    y0 = (sh - rows * pitch_h) / 2 + bleed
    slots = tuple(
        Slot(x0 + c * pitch_w, y0 + r * pitch_h, pw, ph, 90 if rotated else 0)
        for r in range(rows)
        for c in range(cols)
    )
    # Without bleed neighbours share one cut; with bleed each trim edge is cut.
    if bleed:
        cuts_x = tuple(sorted({round(x0 + c * pitch_w + d, 3) for c in range(cols) for d in (0, pw)}))
        cuts_y = tuple(sorted({round(y0 + r * pitch_h + d, 3) for r in range(rows) for d in (0, ph)}))
    else:
        cuts_x = tuple(round(x0 + c * pw, 3) for c in range(cols + 1))
        cuts_y = tuple(round(y0 + r * ph, 3) for r in range(rows + 1))
    return Grid(sheet, card, cols, rows, rotated, bleed, slots, cuts_x, cuts_y, margin)


def back_slot(front: Slot, sheet: tuple[float, float], duplex: str, offset=(0.0, 0.0)) -> Slot:
    """Where the back of the card at `front` goes on the back page.

    Flipping on the long edge of a portrait sheet mirrors left-right; on the
    short edge, top-bottom. The content turns so that the back reads upright
    when the cut card is turned over like a page: -r (long) or 180-r (short).
    The offset corrects a printer's measured shift of the back side.
    """
    sw, sh = sheet
    dx, dy = offset
    if duplex == "long":
        return Slot(sw - front.x - front.w + dx, front.y + dy, front.w, front.h, (-front.rotation) % 360)
    if duplex == "short":
        return Slot(front.x + dx, sh - front.y - front.h + dy, front.w, front.h, (180 - front.rotation) % 360)
    raise ValueError(f"no back page in duplex mode {duplex!r}")


def fold_card(card: tuple[float, float]) -> tuple[float, float]:
    """Front and back side by side, folded along the shared vertical edge."""
    return card[0] * 2, card[1]


def chunk(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]
