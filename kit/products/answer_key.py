"""Answer key: the solution of the sort exercise for the trainer. Per
category its definition and its statements by code, so that a pile can be
checked at a glance, with a summary of the codes at the top."""

from __future__ import annotations

from .. import promises
from ..codes import sort_codes
from ..context import Built, Context, Product
from ..documents import build_document, running
from ..fitting import Fit
from ..palette import category_style

# The title shrinks from its layout size to 12 pt, then breaks long words.
TITLE_FIT = Fit(start=10.0, floor=10.0, limits={"title": (20.0, 12.0)})
QR_MM = 25.0


def build(ctx: Context) -> Built:
    pack = ctx.pack
    codes = sort_codes(pack)
    categories = []
    for category in pack.categories:
        statements = sorted(pack.statements_of(category.id), key=lambda s: codes[s.id])
        categories.append(
            {
                "category": category,
                "style": category_style(ctx, category),
                "rows": [{"code": codes[s.id], "statement": s} for s in statements],
            }
        )
    # provenance: the kinds of source that are marked, and the source notes, numbered in reading order
    used = {s.source.value for s in pack.statements} | {c.source.value for c in pack.categories}
    sources_used = [kind for kind in ctx.labels["source_marks"] if kind in used]
    notes, note_numbers = [], {}
    for entry in categories:
        for row in entry["rows"]:
            statement = row["statement"]
            if statement.source_note:
                note_numbers[statement.id] = len(notes) + 1
                notes.append({"number": len(notes) + 1, "code": row["code"], "note": statement.source_note})
    title = ctx.labels["answer_key"]
    built = build_document(
        ctx,
        "answer-key",
        title,
        ctx.options.paper,
        fit=TITLE_FIT,
        categories=categories,
        sources_used=sources_used,
        notes=notes,
        note_numbers=note_numbers,
        qr_mm=QR_MM,
        running=running(ctx, bottom=pack.citation.short, top=f"{title} – {pack.title}"),
    )
    return built


def promised(pack) -> list:
    return promises.statements(pack) + promises.categories(pack) + promises.title(pack)


PRODUCT = Product(
    id="answer-key",
    kind="document",
    needs=("categories", "statements"),
    build=build,
    promised=promised,
    order=40,
    prints_values=("school", "team", "date"),
)
