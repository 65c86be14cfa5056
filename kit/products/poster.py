"""Poster: the pack's recommendations on one A3 (or A2) sheet for the staff
room, in type as large as fits, with the QR code and the citation."""

from __future__ import annotations

from .. import imposition
from ..documents import build_document
from ..render import Fit
from . import Built, Context, Product

# Sizes are for A3 and scale with the sheet's width (A2 = A3 x 1.41).
BASE_WIDTH_MM = 297.0
START_PT = 30.0
FLOOR_PT = 13.0  # about the smallest body text still read from two metres on A3
QR_MM = 35.0


def build(ctx: Context) -> Built:
    paper = ctx.options.poster_paper
    scale = imposition.parse_sheet(paper)[0] / BASE_WIDTH_MM
    fit = Fit(
        start=round(START_PT * scale * 4) / 4,
        floor=round(FLOOR_PT * scale * 4) / 4,
        page_budget=1,
        page_fit_id="recommendations",
    )
    built = build_document(
        ctx,
        "poster",
        ctx.labels["poster"],
        paper,
        fit=fit,
        what="poster",
        scale=scale,
        qr_mm=QR_MM * min(scale, 1.2),
    )
    return built


PRODUCT = Product(
    id="poster",
    title_label="poster",
    needs=("recommendations",),
    build=build,
    paper_option="poster_paper",
)
