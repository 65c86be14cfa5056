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
from ..labels import FIRST_STRONG_ISOLATE, LEFT_TO_RIGHT_ISOLATE, POP_ISOLATE, is_set_apart
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
    sentence = ctx.labels["worksheet_prompt"]
    if is_set_apart(sentence):
        # English in a right-to-left page (`set_apart_labels` in kit/labels.py): the sentence is one
        # left-to-right isolate, the pack's word one of its own inside it, all in one
        # text run (WeasyPrint pairs isolates within a run, not across elements)
        before, _, after = sentence[1:-1].partition("{label}")
        return Markup("{}{}{}{}{}{}{}").format(
            LEFT_TO_RIGHT_ISOLATE, before, FIRST_STRONG_ISOLATE, word, POP_ISOLATE, after, POP_ISOLATE)
    before, _, after = sentence.partition("{label}")
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
    # provenance: one legend per page, in the running footer
    used = {s.source.value for s in pack.statements}
    legend = [f"{ctx.labels['source_marks'][k]} = {ctx.labels['sources'][k]}" for k in ctx.labels["source_marks"] if k in used]
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
        running=running(ctx, bottom=f"{title} – {pack.citation.short}", legend=" · ".join(legend)),
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
