"""Worksheet: an A4 handout per participant for the pack's reflection
questions. Per category with a prompt: the question, its framing, and each
statement with two tick boxes and a line for an example; then room for notes."""

from __future__ import annotations

from ..context import Built, Context, Product
from ..documents import build_document, css_string, page_of_css
from ..fitting import Fit
from ..palette import category_style

# The title shrinks from its layout size to 12 pt, then breaks long words.
TITLE_FIT = Fit(start=10.0, floor=10.0, limits={"title": (17.0, 12.0)})
QR_MM = 22.0
EMPTY_LINES = 6  # writing lines under a question that has no statements
NOTE_LINES = 7


def build(ctx: Context) -> Built:
    pack = ctx.pack
    asked = [c for c in pack.categories if c.prompt]
    # A pack whose categories have no prompts still gets a worksheet: then
    # each category's own label is the heading.
    chosen = asked or list(pack.categories)
    blocks = [
        {
            "category": category,
            "style": category_style(pack, category),
            "heading": category.prompt or category.label,
            "statements": pack.statements_of(category.id),
        }
        for category in chosen
    ]
    title = ctx.labels["worksheet"]
    return build_document(
        ctx,
        "worksheet",
        title,
        ctx.options.paper,
        fit=TITLE_FIT,
        blocks=blocks,
        qr_mm=QR_MM,
        empty_lines=EMPTY_LINES,
        note_lines=NOTE_LINES,
        page_of=page_of_css(ctx.labels["page_of"]),
        running_left=css_string(f"{title} – {pack.citation.short}"),
    )


PRODUCT = Product(id="worksheet", title_label="worksheet", needs=("categories",), build=build)
