"""How text is fitted to its boxes (plain data: importing it loads no renderer)."""

from __future__ import annotations

from dataclasses import dataclass

PX_PER_MM = 96 / 25.4


@dataclass
class Fit:
    """One font size per fit id, in points, from `start` down to `floor`.

    `page_budget` fits a whole document to a number of pages (a poster) by
    shrinking the fit id `page_fit_id`.
    """

    start: float
    floor: float
    page_budget: int | None = None
    page_fit_id: str | None = None


@dataclass
class Overflow:
    fit_id: str
    ratio: float  # needed / available


def smaller(size: float, overflow: Overflow, fit: Fit) -> float:
    """The next size to try: text area grows with the square of the size, and
    a quarter point more than that estimate saves most second tries."""
    estimate = size / max(overflow.ratio, 1.02) ** 0.5 - 0.25
    return max(fit.floor, min(size - 0.25, int(estimate * 4) / 4))
