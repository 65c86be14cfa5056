"""Results sheet: one A4 or Letter sheet per group to capture the outcome of
the session: per category what the group recognises most, the
recommendation the team starts with, one agreement with who and by when,
and the group's names; personalised with school, team and date like the
worksheet, and marked with its set when there are several."""

from __future__ import annotations

import math

from .. import imposition, promises, sets
from ..context import Built, Context, Product
from ..documents import build_document, running
from ..fitting import Fit
from ..palette import category_style

# The title shrinks from its layout size to 12 pt, then breaks long words;
# the sheet is one page per group.
TITLE_FIT = Fit(start=10.0, floor=10.0, limits={"title": (17.0, 12.0)})
QR_MM = 22.0


# Page room, in mm, that everything but the category blocks takes (header,
# intro, recommendation, agreement, names), and what a block takes besides its lines.
FIXED_MM = 160.0
BLOCK_MM = 7.0
LINE_MM = 8.0
PAGE_MARGINS_MM = 33.0


def layout(count: int, sheet_h: float) -> tuple[int, int]:
    """(columns, writing lines) of the category blocks: two columns beyond four
    categories, and as many lines (1 to 3) as leave the sheet one page."""
    columns = 2 if count > 4 else 1
    rows = max(1, math.ceil(count / columns))
    room = (sheet_h - PAGE_MARGINS_MM - FIXED_MM) / rows - BLOCK_MM
    return columns, max(1, min(3, math.floor(room / LINE_MM)))


def build(ctx: Context) -> Built:
    pack = ctx.pack
    categories = [{"category": c, "style": category_style(ctx, c)} for c in pack.categories]
    title = ctx.labels["results_sheet"]
    columns, lines = layout(len(categories), imposition.parse_sheet(ctx.options.paper)[1])
    rows = [categories[i : i + columns] for i in range(0, len(categories), columns)]
    groups = sets.marks(ctx.options.sets)
    while True:
        built = build_document(
            ctx,
            "results-sheet",
            title,
            ctx.options.paper,
            fit=TITLE_FIT,
            groups=groups,
            category_rows=rows,
            category_lines=lines,
            qr_mm=QR_MM,
            running=running(ctx, bottom=f"{title} – {pack.citation.short}"),
        )
        # The room model (FIXED_MM) is a title and school of a line each: when they
        # take more, a group's sheet would spill its names onto a second page.
        # A writing line less per category is the room they need.
        if lines == 1 or len(built.document.lay_out(0).pages) <= len(groups):
            return built
        lines -= 1


def promised(pack) -> list:
    return promises.categories(pack, definitions=False) + promises.title(pack)


PRODUCT = Product(
    id="results-sheet",
    kind="document",
    needs=(),
    build=build,
    promised=promised,
    order=57,
    prints_values=("school", "team", "date"),
)
