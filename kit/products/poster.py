"""Poster: the pack's recommendations on one A3 (or A2) sheet for the staff
room, in type as large as fits, with the QR code and the citation.

The kit's fitter shrinks the list until the poster is one page. Counting
pages says only *that* it runs over, not by how much, so its steps are
coarse (a poster one line too long drops to about 70 % of the size, and an
overfull layout of huge type is slow). So this module asks the fitter for
the floor first (its error, if even that is too large), measures the room
left on the sheet, tries the larger size that room allows (each try is the
fitter with that size as start and floor; a miss halves the interval), and
finally moves the footer to the foot of the sheet.
"""

from __future__ import annotations

from .. import imposition
from ..context import Built, Context, Product
from ..documents import build_document
from ..errors import KitError
from ..fitting import PX_PER_MM, Fit

# Sizes are for A3 and scale with the sheet's width (A2 = A3 x 1.41).
BASE_WIDTH_MM = 297.0
START_PT = 32.0
FLOOR_PT = 13.0  # about the smallest body text still read from two metres on A3
QR_MM = 35.0
FIT_ID = "recommendations"
STEP_PT = 0.25  # the fitter's own step
MAX_TRIES = 5
CLOSE_ENOUGH = 0.08  # room left, as a share of the list's height, not worth another layout


def _quarter(value: float) -> float:
    return int(value / STEP_PT) * STEP_PT


def _measure(document) -> tuple[float, float, float]:
    """(list font size in pt, list height in mm, room left on the page in mm)."""
    page = document.pages[0]._page_box
    size = height = used = 0.0
    for box in page.descendants():
        tag = getattr(box, "element_tag", None)
        if tag == "html":
            used = box.margin_height()
        elif tag == "ol" and "recs" in (box.element.get("class") or "").split():
            size, height = box.style["font_size"] * 0.75, box.margin_height()
    return size, height / PX_PER_MM, (page.height - used) / PX_PER_MM


def build(ctx: Context) -> Built:
    paper = ctx.options.poster_paper
    scale = imposition.parse_sheet(paper)[0] / BASE_WIDTH_MM
    start, floor = _quarter(START_PT * scale), _quarter(FLOOR_PT * scale)

    def render(first: float, last: float, gap_mm: float = 0.0) -> Built:
        fit = Fit(start=first, floor=last, page_budget=1, page_fit_id=FIT_ID)
        return build_document(
            ctx, "poster", ctx.labels["poster"], paper, fit=fit, what="poster",
            scale=scale, qr_mm=QR_MM * min(scale, 1.2), gap_mm=gap_mm,
        )

    # First the floor: if even that is too large, this is the fitter's own
    # error (the pack has too much text for one sheet).
    best = render(floor, floor)
    size, height, room = _measure(best.document)
    fits, too_big = floor, start + STEP_PT
    failed = False
    for _ in range(MAX_TRIES):
        if too_big - fits <= STEP_PT or height <= 0:
            break
        if fits > floor and room < CLOSE_ENOUGH * height:
            break  # a larger size would win less than a line per column
        if failed:
            tried = _quarter((fits + too_big) / 2)
        else:
            # Two columns: the list's height grows with the square of its size.
            tried = _quarter(fits * ((height + room) / height) ** 0.5)
        tried = min(max(tried, fits + STEP_PT), too_big - STEP_PT)
        try:
            candidate = render(tried, tried)
        except KitError:
            too_big, failed = tried, True
            continue
        best, fits, failed = candidate, tried, False
        size, height, room = _measure(best.document)
    if room > 2:
        # Room left over (a short pack at the start size, or less than a
        # step): put it above the footer so the footer sits at the bottom.
        best = render(fits, fits, gap_mm=room - 1)
    best.note = f"{paper}, {fits:g} pt"
    return best


PRODUCT = Product(
    id="poster",
    title_label="poster",
    needs=("recommendations",),
    build=build,
    paper_option="poster_paper",
    prints_values=("school", "team", "date"),
)
