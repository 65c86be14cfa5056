"""Facilitator guide: one or two A4 pages with what to print, the steps of the
session with their minutes, how to use the answer key, and the study itself
(description, definitions, citation, contacts, links, QR code)."""

from __future__ import annotations

from ..context import Built, Context, Product
from ..documents import build_document, running
from ..fitting import Fit
from . import DEFAULT_PRODUCTS, get

# The title shrinks from its layout size to 12 pt, then breaks long words.
TITLE_FIT = Fit(start=10.0, floor=10.0, limits={"title": (20.0, 12.0)})
QR_MM = 25.0
COVER_FIELDS = ("school", "team", "date", "facilitator")
BLANK_FIELDS = ("school", "date", "facilitator")  # a line to fill in when not given


def paper_name(paper: str) -> str:
    """'a4' -> 'A4', 'letter' -> 'Letter': a sheet as the guide and the web page name it."""
    return paper.upper() if paper[:1].lower() == "a" else paper.capitalize()


CARD_PRODUCTS = ("dialogue-cards", "sort-cards")


def made(ctx: Context) -> list[str]:
    """The products this build makes that the pack can have, in build order.

    A build of the guide alone (refreshing it) follows what the pack can
    produce by default.
    """
    chosen = [p for p in ctx.options.products if p not in (PRODUCT.id, "alignment")]
    if not chosen:
        chosen = list(DEFAULT_PRODUCTS)
    return [p for p in DEFAULT_PRODUCTS if p in chosen and p != PRODUCT.id and not get(p).missing(ctx.pack)]


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
        if step.get("without") and step["without"] in products:
            continue
        if all(getattr(ctx.pack, section, None) for section in needs):
            steps.append(step)
    return steps


def _print_items(ctx: Context, products: list[str]) -> list[str]:
    """One line per product of this build, from `guide_print_items`."""
    lines = ctx.labels.get("guide_print_items") or {}
    items = []
    for product_id in products:
        if product_id in lines:
            paper = getattr(ctx.options, get(product_id).paper_option)
            items.append(lines[product_id].replace("{paper}", paper_name(paper)))
    return items


def _tips(ctx: Context, products: list[str]) -> list[str]:
    """Printing advice for what this build makes: cards, duplex, cutting."""
    labels, tips = ctx.labels, []
    if any(p in products for p in CARD_PRODUCTS):
        tips.append(labels["print_tip_cards"])
        duplex = ctx.options.duplex
        if duplex in ("long", "short", "fold"):
            tips.append(labels[f"duplex_{duplex}"])
        if duplex in ("long", "short"):
            tips.append(labels["print_tip_alignment"])
        tips.append(labels["print_tip_cut"])
    if "sort-cards" in products and "worksheet" in products:
        tips.append(labels["guide_worksheet_when"])
    return tips


def build(ctx: Context) -> Built:
    products = made(ctx)
    steps = _steps(ctx, products)
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
        answer_key="answer-key" in products,
        cover_fields=[k for k in COVER_FIELDS if ctx.values.get(k) or k in BLANK_FIELDS],
        qr_mm=QR_MM,
        running=running(ctx, bottom=f"{title} – {ctx.pack.citation.short}"),
    )


PRODUCT = Product(id="guide", title_label="guide", needs=(), build=build, prints_values=COVER_FIELDS)
