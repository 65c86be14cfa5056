"""Facilitator guide: one or two A4 pages with what to print, the steps of the
session with their minutes, how to use the answer key, and the study itself
(description, definitions, citation, contacts, links, QR code)."""

from __future__ import annotations

from .. import promises
from ..context import Built, Context, Product
from ..documents import build_document, running
from ..fitting import Fit
from ..imposition import paper_name
from . import all_products

# The title shrinks from its layout size to 12 pt, then breaks long words.
TITLE_FIT = Fit(start=10.0, floor=10.0, limits={"title": (20.0, 12.0)})
QR_MM = 25.0
COVER_FIELDS = ("school", "team", "date", "facilitator")
BLANK_FIELDS = ("school", "date", "facilitator")  # a line to fill in when not given


def made(ctx: Context) -> list:
    """The products this build makes that the pack can have, in build order.

    Only products built by default are printed in a session (the alignment
    sheet is not); a build of the guide alone (refreshing it) follows what
    the pack can produce by default.
    """
    others = [p for p in all_products() if p.default and p.id != PRODUCT.id]
    chosen = set(ctx.options.products) & {p.id for p in others} or {p.id for p in others}
    return [p for p in others if p.id in chosen and not p.missing(ctx.pack)]


def _steps(ctx: Context, products: list[str]) -> list[dict]:
    """The pack's own steps, else the labels' default ones.

    A default step may name the pack sections it is about (`needs:
    statements` or a list) and the product it uses (`product:
    dialogue-cards`); it is left out when the pack or this build lacks them.
    """
    if ctx.pack.guide:
        return [{"title": s.title, "minutes": s.minutes, "text": s.text} for s in ctx.pack.guide]
    steps = []
    for step in ctx.labels["default_guide"]:
        needs = step.get("needs") or ()
        needs = (needs,) if isinstance(needs, str) else needs
        if step.get("product") and step["product"] not in products:
            continue
        if all(getattr(ctx.pack, section, None) for section in needs):
            steps.append(step)
    return steps


def _print_items(ctx: Context, products: list) -> list[str]:
    """One line per product of this build: its own `print_item`, or the pack's
    wording of it (its labels' `guide_print_items`)."""
    own = ctx.labels.get("guide_print_items") or {}
    items = (
        own[p.id].replace("{paper}", paper_name(getattr(ctx.options, p.paper_option))) if p.id in own
        else p.print_item(ctx.language, getattr(ctx.options, p.paper_option))
        for p in products
    )
    return [item for item in items if item]


def _tips(ctx: Context, products: list) -> list[str]:
    """Printing advice for what this build makes: cards, duplex, cutting."""
    labels, tips = ctx.labels, []
    if any(p.kind == "cards" for p in products):
        tips.append(labels["print_tip_cards"])
        duplex = ctx.options.duplex
        if duplex in ("long", "short", "fold"):
            tips.append(labels[f"duplex_{duplex}"])
        if duplex in ("long", "short"):
            tips.append(labels["print_tip_alignment"])
        tips.append(labels["print_tip_cut"])
    ids = {p.id for p in products}
    if "sort-cards" in ids and "worksheet" in ids:  # the guide's own advice on the session
        tips.append(labels["guide_worksheet_when"])
    return tips


def build(ctx: Context) -> Built:
    products = made(ctx)
    steps = _steps(ctx, [p.id for p in products])
    title = ctx.labels["guide"]
    return build_document(
        ctx,
        "guide",
        title,
        ctx.options.paper,
        fit=TITLE_FIT,
        steps=steps,
        total_minutes=sum(int(s["minutes"]) for s in steps),
        print_items=_print_items(ctx, products),
        tips=_tips(ctx, products),
        answer_key=any(p.id == "answer-key" for p in products),
        cover_fields=[k for k in COVER_FIELDS if ctx.values.get(k) or k in BLANK_FIELDS],
        qr_mm=QR_MM,
        running=running(ctx, bottom=f"{title} – {ctx.pack.citation.short}"),
    )


def promised(pack) -> list:
    return promises.given((d.id, "its text", d.text) for d in pack.definitions) + promises.title(pack)


PRODUCT = Product(
    id="guide",
    kind="document",
    needs=(),
    build=build,
    promised=promised,
    order=60,
    prints_values=COVER_FIELDS,
)
