"""Facilitator guide: one or two A4 pages with what to print, the steps of the
session with their minutes, how to use the answer key, and the study itself
(description, definitions, citation, contacts, links, QR code)."""

from __future__ import annotations

from ..context import Built, Context, Product
from ..documents import build_document, css_string, page_of_css
from ..fitting import Fit
from . import DEFAULT_PRODUCTS, get

# The title shrinks from its layout size to 12 pt, then breaks long words.
TITLE_FIT = Fit(start=10.0, floor=10.0, limits={"title": (20.0, 12.0)})
QR_MM = 25.0
COVER_FIELDS = ("school", "team", "date", "facilitator")
BLANK_FIELDS = ("school", "date", "facilitator")  # a line to fill in when not given


def _paper_name(paper: str) -> str:
    return paper.upper() if paper[:1].lower() == "a" else paper.capitalize()


def _steps(ctx: Context) -> list[dict]:
    """The pack's own steps, else the labels' default ones.

    A default step may name the pack sections it is about (`needs: statements`
    or a list); it is left out for a pack without them.
    """
    if ctx.pack.guide:
        return [{"title": s.title, "minutes": s.minutes, "text": s.text} for s in ctx.pack.guide]
    steps = []
    for step in ctx.labels["default_guide"]:
        needs = step.get("needs") or ()
        needs = (needs,) if isinstance(needs, str) else needs
        if all(getattr(ctx.pack, section, None) for section in needs):
            steps.append(step)
    return steps


def _print_items(ctx: Context) -> list[str]:
    """One line per product this pack can have, from `guide_print_items`."""
    lines = ctx.labels.get("guide_print_items") or {}
    items = []
    for product_id in DEFAULT_PRODUCTS:
        if product_id == PRODUCT.id or product_id not in lines:
            continue
        product = get(product_id)
        if product.missing(ctx.pack):
            continue
        paper = getattr(ctx.options, product.paper_option)
        items.append(lines[product_id].replace("{paper}", _paper_name(paper)))
    return items


def build(ctx: Context) -> Built:
    steps = _steps(ctx)
    title = ctx.labels["guide"]
    sorting = not get("sort-cards").missing(ctx.pack)
    return build_document(
        ctx,
        "guide",
        title,
        ctx.options.paper,
        fit=TITLE_FIT,
        steps=steps,
        total_minutes=sum(int(s["minutes"]) for s in steps),
        print_items=_print_items(ctx),
        sorting=sorting,
        cover_fields=[k for k in COVER_FIELDS if ctx.values.get(k) or k in BLANK_FIELDS],
        qr_mm=QR_MM,
        page_of=page_of_css(ctx.labels["page_of"]),
        running_left=css_string(f"{title} – {ctx.pack.citation.short}"),
    )


PRODUCT = Product(id="guide", title_label="guide", needs=(), build=build)
