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
    marked = any(s.source.value != "report" for s in pack.statements)
    title = ctx.labels["answer_key"]
    built = build_document(
        ctx,
        "answer-key",
        title,
        ctx.options.paper,
        fit=TITLE_FIT,
        categories=categories,
        marked=marked,
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
