"""Poster series: one recommendation per sheet, for a wall or a gallery walk.

Each sheet carries its number ("3 / 15"), the recommendation's title in type
read from across a room and its text read from a step away, and at its foot
the QR code to the report and the citation. A recommendation without a title
is set with a large first line instead.

Sizes are for A4 and scale with the sheet's width (A3 = A4 x 1.41). The
title is twice the text's size; both shrink together, sheet by sheet, from
their start to their floor (24 pt text, 48 pt title on A4), and every sheet
of the series in the same size, as a row of them hangs side by side. A
recommendation that does not fit at the floor stops the build naming it.
"""

from __future__ import annotations

from .. import imposition
from ..context import Built, Context, Options, Product
from ..documents import build_document
from ..fitting import Fit
from . import poster

BASE_WIDTH_MM = 210.0  # A4
TEXT_START_PT = 30.0
TEXT_FLOOR_PT = 24.0  # the floor: text read from a step or two away
TITLE_EM = 2.0  # the title (or a titleless text's first line) in the text's em: 48 pt at the floor
MARGIN_MM = 16.0
QR_MM = 30.0
LARGER_PAPER = "a3"


def series_paper(options: Options) -> str:
    """A sheet per recommendation: the --paper sheet, or --poster-paper when given."""
    return options.poster_paper or options.paper


def build(ctx: Context) -> Built:
    paper = series_paper(ctx.options)
    scale = imposition.parse_sheet(paper)[0] / BASE_WIDTH_MM
    recs = ctx.pack.recommendations
    # One fit box per sheet, named by the recommendation's id (an error names
    # it); the sheets of a series share one size, as they hang side by side.
    fit = Fit(start=round(TEXT_START_PT * scale * 4) / 4, floor=round(TEXT_FLOOR_PT * scale * 4) / 4,
              shared={rec.id: "deck:series" for rec in recs})
    built = build_document(
        ctx,
        "poster-series",
        ctx.labels["poster_series"],
        paper,
        fit=fit,
        what="sheet",
        scale=scale,
        margin_mm=MARGIN_MM * scale,
        qr_mm=QR_MM * min(scale, 1.2),
        title_em=TITLE_EM,
        sheets=[{"number": n, "total": len(recs), "rec": rec} for n, rec in enumerate(recs, start=1)],
    )
    built.note = f"{paper}, {len(recs)} sheet{'s' if len(recs) != 1 else ''}"
    return built


PRODUCT = Product(
    id="poster-series",
    kind="document",
    needs=("recommendations",),
    build=build,
    promised=poster.promised,  # the same recommendations and title, one to a sheet
    order=35,
    default=False,  # on request: a sheet per recommendation
    paper_option="poster_paper",
    sheet_of=series_paper,
    prints_values=("school", "team", "date"),
)
