"""Facilitator guide as a run sheet: the session's steps with their minutes
(and clock times from `--set start=13:30`), one step for each product used
during the session; what to bring and how many; what to do before the day;
how to use the answer key; and the study itself (description, definitions,
citation, contacts, links, QR code). Steps, times and materials fit on one
or two pages."""

from __future__ import annotations

from .. import promises
from ..context import Built, Context, Product
from ..direction import direction
from ..documents import build_document, running
from ..fitting import Fit
from ..imposition import paper_name
from ..labels import set_apart
from ..options import START, check_start
from . import all_products

# The title shrinks from its layout size to 12 pt, then breaks long words.
TITLE_FIT = Fit(start=10.0, floor=10.0, limits={"title": (20.0, 12.0)})
QR_MM = 25.0
COVER_FIELDS = ("school", "team", "date", "facilitator")
BLANK_FIELDS = ("school", "date", "facilitator")  # a line to fill in when not given
CARD_PRODUCTS = ("dialogue-cards", "sort-cards")
CUT_PRODUCTS = CARD_PRODUCTS + ("case-cards",)


def made(ctx: Context) -> list:
    """The products this build makes that the pack can have, in build order.

    Products built by default, and those asked for that carry the QR code,
    are printed for the session (the alignment sheet is not); a build of the guide alone (refreshing it) follows what
    the pack can produce by default.
    """
    asked = set(ctx.options.products)
    # a product made on request for the session (the poster series) counts
    # when asked for; a test sheet for the printer (no QR code) does not
    others = [p for p in all_products() if p.id != PRODUCT.id and (p.default or (p.id in asked and p.qr))]
    chosen = asked & {p.id for p in others} or {p.id for p in others if p.default}
    return [p for p in others if p.id in chosen and not p.missing(ctx.pack)]


def start_minutes(ctx: Context) -> int | None:
    """`--set start=13:30` (or 13.30, 13h30) as minutes after midnight; None when not given."""
    value = ctx.values.get("start")
    if not value:
        return None
    check_start(value)
    match = START.match(value)
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
                title = step["title"]
                if "default_guide" in ctx.set_apart:  # English steps on a right-to-left page
                    title, text = set_apart(title), set_apart(text)
                steps.append({"title": title, "minutes": step["minutes"], "text": text})
    begin = start_minutes(ctx)
    elapsed = 0
    for step in steps:
        step["clock"] = clock(ctx, begin + elapsed) if begin is not None else None
        elapsed += int(step["minutes"])
    return steps


def _print_items(ctx: Context, products: list) -> list[str]:
    """One line per product of this build: its own `print_item`, or the pack's
    wording of it (its labels' `guide_print_items`), on the sheet it is printed on."""
    own = ctx.labels.get("guide_print_items") or {}
    worded_right_to_left = direction(ctx.language) == "rtl"
    items = []
    for p in products:
        paper = p.paper(ctx.options)
        if p.id in own:
            items.append(own[p.id].replace("{paper}", paper_name(paper)))
            continue
        line = p.print_item(ctx.language, paper)
        if line and ctx.right_to_left and not (worded_right_to_left and p.has_words_in(ctx.language)):
            line = set_apart(line)  # left to right in a right-to-left guide (see `set_apart_labels` in kit/labels.py)
        items.append(line)
    return [item for item in items if item]


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
    cards = any(p in products for p in CARD_PRODUCTS)  # product ids
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
    made_now = made(ctx)
    products = [p.id for p in made_now]
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
        print_items=_print_items(ctx, made_now),
        materials=_materials(ctx, products),
        before=_before(ctx, products),
        worksheet_when="sort-cards" in products and "worksheet" in products and bool(ctx.pack.guide),
        answer_key="answer-key" in products,
        cover_fields=[k for k in COVER_FIELDS if ctx.values.get(k) or k in BLANK_FIELDS],
        qr_mm=QR_MM,
        running=running(ctx, bottom=f"{title} – {ctx.pack.citation.short}"),
    )


def promised(pack) -> list:
    """The study's definitions, the pack's own steps, its contacts and links, and its title."""
    items = [(d.id, "its term", d.term) for d in pack.definitions] + [(d.id, "its text", d.text) for d in pack.definitions]
    for number, step in enumerate(pack.guide, start=1):
        items += [(f"guide:{number}", "its title", step.title), (f"guide:{number}", "its text", step.text)]
    items += [("contacts", "a contact", c.name) for c in pack.contacts]
    items += [("links", "a link", text) for link in pack.links for text in (link.label, link.url)]
    return promises.given(items) + promises.title(pack)


PRODUCT = Product(
    id="guide",
    kind="document",
    needs=(),
    build=build,
    promised=promised,
    order=60,
    prints_values=COVER_FIELDS + ("start",),
)
