"""Facilitator guide as a run sheet: the session's steps with their minutes
(and clock times from `--set start=13:30`), one step for each product used
during the session; what to bring and how many; what to do before the day;
how to use the answer key; and the study itself (description, definitions,
citation, contacts, links, QR code). Steps, times and materials fit on one
or two pages."""

from __future__ import annotations

import re

from ..context import Built, Context, Product
from ..documents import build_document, running
from ..errors import KitError
from ..fitting import Fit
from . import DEFAULT_PRODUCTS, get

# The title shrinks from its layout size to 12 pt, then breaks long words.
TITLE_FIT = Fit(start=10.0, floor=10.0, limits={"title": (20.0, 12.0)})
QR_MM = 25.0
COVER_FIELDS = ("school", "team", "date", "facilitator")
BLANK_FIELDS = ("school", "date", "facilitator")  # a line to fill in when not given
CARD_PRODUCTS = ("dialogue-cards", "sort-cards")
CUT_PRODUCTS = CARD_PRODUCTS + ("case-cards",)
START = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:.hH]\s*([0-5]\d)\s*$")


def paper_name(paper: str) -> str:
    """'a4' -> 'A4', 'letter' -> 'Letter': a sheet as the guide and the web page name it."""
    return paper.upper() if paper[:1].lower() == "a" else paper.capitalize()


def made(ctx: Context) -> list[str]:
    """The products this build makes that the pack can have, in build order.

    A build of the guide alone (refreshing it) follows what the pack can
    produce by default.
    """
    chosen = [p for p in ctx.options.products if p not in (PRODUCT.id, "alignment")]
    if not chosen:
        chosen = list(DEFAULT_PRODUCTS)
    return [p for p in DEFAULT_PRODUCTS if p in chosen and p != PRODUCT.id and not get(p).missing(ctx.pack)]


def start_minutes(ctx: Context) -> int | None:
    """`--set start=13:30` (or 13.30, 13h30) as minutes after midnight; None when not given."""
    value = ctx.values.get("start")
    if not value:
        return None
    match = START.match(value)
    if not match:
        raise KitError(f"--set start={value[:20]!r} is not a time of day; write it as 13:30")
    return int(match[1]) * 60 + int(match[2])


def clock(ctx: Context, minutes: int) -> str:
    h, m = divmod(minutes % (24 * 60), 60)
    return ctx.labels["time_format"].format(h=h, m=f"{m:02d}")


def _steps(ctx: Context, products: list[str]) -> list[dict]:
    """The pack's own steps, else the labels' default ones.

    A default step may name the pack sections it is about (`needs:
    statements` or a list), the product it uses (`product: dialogue-cards`)
    and a product it stands in for (`without: results-sheet`); it is left
    out when the pack or this build lacks what it needs. The sort step says
    to sort onto the mat when the build makes one (`text_mat`).
    """
    if ctx.pack.guide:
        steps = [{"title": s.title, "minutes": s.minutes, "text": s.text} for s in ctx.pack.guide]
    else:
        steps = []
        for step in ctx.labels["default_guide"]:
            needs = step.get("needs") or ()
            needs = (needs,) if isinstance(needs, str) else needs
            if step.get("product") and step["product"] not in products:
                continue
            if step.get("without") and step["without"] in products:
                continue
            if all(getattr(ctx.pack, section, None) for section in needs):
                text = step.get("text_mat") if "sort-mat" in products and step.get("text_mat") else step["text"]
                steps.append({"title": step["title"], "minutes": step["minutes"], "text": text})
    begin = start_minutes(ctx)
    elapsed = 0
    for step in steps:
        step["clock"] = clock(ctx, begin + elapsed) if begin is not None else None
        elapsed += int(step["minutes"])
    return steps


def _print_items(ctx: Context, products: list[str]) -> list[str]:
    """One line per product of this build, from `guide_print_items`."""
    lines = ctx.labels.get("guide_print_items") or {}
    items = []
    for product_id in products:
        if product_id in lines:
            paper = getattr(ctx.options, get(product_id).paper_option)
            if product_id == "sort-mat":
                from .sort_mat import mat_sheet

                paper = mat_sheet(ctx.options)[1]
            items.append(lines[product_id].replace("{paper}", paper_name(paper)))
    return items


def _materials(ctx: Context, products: list[str]) -> list[str]:
    """What to bring to the session and how many, for what this build makes."""
    labels, n = ctx.labels, ctx.options.sets
    items = []
    for product_id, title in (("dialogue-cards", "dialogue_deck"), ("sort-cards", "sort_deck")):
        if product_id in products:
            line = labels["material_sets"] if n > 1 else labels["material_set"]
            items.append(line.format(product=labels[title], n=n))
    if "sort-mat" in products:
        items.append(labels["material_mats"].format(n=n))
    if "case-cards" in products:
        items.append(labels["material_cases"].format(n=len(ctx.pack.cases)))
    if "results-sheet" in products:
        items.append(labels["material_results"].format(n=n))
    if "worksheet" in products:
        items.append(labels["material_worksheets"])
    if "poster" in products:
        items.append(labels["material_poster"])
    if "answer-key" in products:
        items.append(labels["material_answer_key"])
    items.append(labels["material_tools"].format(n=n))
    return items


def _before(ctx: Context, products: list[str]) -> list[str]:
    """What to do before the day: print, check the ruler, the alignment sheet once, cut."""
    labels = ctx.labels
    steps = [labels["before_print"]]
    cards = any(p in products for p in CARD_PRODUCTS)
    if cards:
        steps.append(labels["print_tip_cards"])
        if ctx.options.duplex in ("long", "short", "fold"):
            steps.append(labels[f"duplex_{ctx.options.duplex}"])
        steps.append(labels["before_ruler"])
        if ctx.options.duplex in ("long", "short"):
            steps.append(labels["print_tip_alignment"])
        steps.append(labels["print_tip_cut"])
    if any(p in products for p in CUT_PRODUCTS):
        steps.append(labels["before_cut"])
    return steps


def build(ctx: Context) -> Built:
    products = made(ctx)
    steps = _steps(ctx, products)
    total = sum(int(s["minutes"]) for s in steps)
    begin = start_minutes(ctx)
    title = ctx.labels["guide"]
    return build_document(
        ctx,
        "guide",
        title,
        ctx.options.paper,
        fit=TITLE_FIT,
        steps=steps,
        total_minutes=total,
        end_clock=clock(ctx, begin + total) if begin is not None else None,
        print_items=_print_items(ctx, products),
        materials=_materials(ctx, products),
        before=_before(ctx, products),
        worksheet_when="sort-cards" in products and "worksheet" in products and bool(ctx.pack.guide),
        answer_key="answer-key" in products,
        cover_fields=[k for k in COVER_FIELDS if ctx.values.get(k) or k in BLANK_FIELDS],
        qr_mm=QR_MM,
        running=running(ctx, bottom=f"{title} – {ctx.pack.citation.short}"),
    )


PRODUCT = Product(id="guide", title_label="guide", needs=(), build=build, prints_values=COVER_FIELDS + ("start",))
