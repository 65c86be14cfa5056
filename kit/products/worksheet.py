"""Worksheet: an A4 handout per participant for the pack's reflection
questions. Per category: its question (its own prompt, or one the labels
make of its label), its framing, and each statement with two tick boxes and
a line for an example; then room for notes."""

from __future__ import annotations

from markupsafe import Markup

from .. import promises
from ..context import Built, Context, Product
from ..documents import build_document, running
from ..fitting import Fit
from ..palette import category_style

# The title shrinks from its layout size to 12 pt, then breaks long words.
TITLE_FIT = Fit(start=10.0, floor=10.0, limits={"title": (17.0, 12.0)})
QR_MM = 22.0
EMPTY_LINES = 6  # writing lines under a question that has no statements
NOTE_LINES = 7


def default_prompt(ctx: Context, label: str) -> Markup:
    """'Which drivers do you recognise?': the label in running text, lower
    case where the language writes its nouns so (not German, not acronyms)."""
    word = label
    if ctx.language.split("-")[0] != "de" and not label[1:2].isupper():
        word = label[:1].lower() + label[1:]
    # The label is isolated (<bdi>): a right-to-left label in a left-to-right
    # sentence, or the other way round, keeps its own order and punctuation.
    before, _, after = ctx.labels["worksheet_prompt"].partition("{label}")
    return Markup("{}<bdi>{}</bdi>{}").format(before, word, after)  # format() escapes all three


def build(ctx: Context) -> Built:
    pack = ctx.pack
    # Every category gets a section: one without its own prompt asks the
    # labels' question about its label.
    blocks = [
        {
            "category": category,
            "style": category_style(ctx, category),
            "heading": category.prompt or default_prompt(ctx, category.label),
            "statements": pack.statements_of(category.id),
        }
        for category in pack.categories
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
        running=running(ctx, bottom=f"{title} – {pack.citation.short}"),
    )


def promised(pack) -> list:
    return promises.statements(pack) + promises.categories(pack, definitions=False) + promises.title(pack)


PRODUCT = Product(
    id="worksheet",
    kind="document",
    needs=("categories",),
    build=build,
    promised=promised,
    order=50,
    prints_values=("name", "school", "team", "date"),
)
