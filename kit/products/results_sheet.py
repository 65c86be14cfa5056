"""Results sheet: one A4 or Letter sheet per group to capture the outcome of
the session: per category what the group recognises most, the
recommendation the team starts with, one agreement with who and by when,
and the group's names; personalised with school, team and date like the
worksheet, and marked with its set when there are several."""

from __future__ import annotations

from .. import sets
from ..context import Built, Context, Product
from ..documents import build_document, running
from ..fitting import Fit
from ..palette import category_style

# The title shrinks from its layout size to 12 pt, then breaks long words;
# the sheet is one page per group.
TITLE_FIT = Fit(start=10.0, floor=10.0, limits={"title": (17.0, 12.0)})
QR_MM = 22.0


def lines_per_category(count: int) -> int:
    """Writing lines under each category: fewer as there are more, so that
    ten categories still leave the sheet one page."""
    return 3 if count <= 3 else 2 if count <= 5 else 1


def build(ctx: Context) -> Built:
    pack = ctx.pack
    categories = [{"category": c, "style": category_style(ctx, c)} for c in pack.categories]
    title = ctx.labels["results_sheet"]
    return build_document(
        ctx,
        "results-sheet",
        title,
        ctx.options.paper,
        fit=TITLE_FIT,
        groups=sets.marks(ctx.options.sets),
        categories=categories,
        category_lines=lines_per_category(len(categories)),
        qr_mm=QR_MM,
        running=running(ctx, bottom=f"{title} – {pack.citation.short}"),
    )


PRODUCT = Product(id="results-sheet", title_label="results_sheet", needs=(), build=build,
                  prints_values=("school", "team", "date"))
