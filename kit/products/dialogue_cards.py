"""Dialogue deck: one numbered card per dialogue prompt, a back behind each,
and a first card that says what the deck is, with the QR code."""

from __future__ import annotations

from dataclasses import replace

from .. import imposition, promises, sets
from ..context import Built, Context, Product
from ..fitting import Fit
from ..sheets import Card, CardGroup, build_cards

DEFAULT_SIZE = "dialogue"
FIT = Fit(start=13.0, floor=8.0, limits={"pack": (15.0, 10.0)})  # the title on the backs: 15 pt down to 10


# The about card prints the full citation and the links on a card at least
# this large (the dialogue size, A6); on a smaller one the short citation.
FULL_ABOUT_MM2 = 95.0 * 125.0
QR_MM, SMALL_QR_MM = 30.0, 22.0
SMALL_SIDE_MM = 74.0
SMALL_BACK_MM = 80.0


def about_card(ctx: Context) -> dict:
    """What the kit's own first card holds at this card size: its words are the
    kit's, so a small card leaves parts out rather than fail the deck."""
    w, h = imposition.parse_card_size(ctx.options.card_size or DEFAULT_SIZE)
    full = w * h >= FULL_ABOUT_MM2
    # on a card narrower than A7 (poker, square) the subtitle goes too, and on
    # one lower than 80 mm (square) the sentence on how to use the deck (the guide has it)
    return {"full": full, "small": min(w, h) < SMALL_SIDE_MM, "brief": h < SMALL_BACK_MM,
            "qr_mm": QR_MM if min(w, h) >= 80 else SMALL_QR_MM}


def source_line(item, labels: dict) -> str:
    """Where a card's words come from, as its foot prints it (the screen version too)."""
    sources = [labels["sources"][item.source.value]]
    if item.question and item.question_source and item.question_source != item.source:
        sources.append(f"{labels['question_for_team'].lower()}: {labels['sources'][item.question_source.value]}")
    return " · ".join(sources)


def _cards(ctx: Context, mark=None) -> list[Card]:
    pack, labels = ctx.pack, ctx.labels
    total = len(pack.dialogue)
    w, h = imposition.parse_card_size(ctx.options.card_size or DEFAULT_SIZE)
    small = min(w, h) < SMALL_BACK_MM  # the back's words in smaller type
    back = lambda number: {"number": number, "total": total, "mark": mark, "small": small}  # noqa: E731
    cards = [Card("about-dialogue", "about", {**about_card(ctx), "mark": mark}, back(None), mark=mark)]
    for number, item in enumerate(pack.dialogue, start=1):
        cards.append(
            Card(
                item.id,
                item.kind.value,
                {"item": item, "number": number, "total": total, "source_line": source_line(item, labels),
                 "text": pack.dialogue_text(item), "mark": mark},
                back(number),
                mark=mark,
                weight=sum(len(t or "") for t in (item.title, item.text, item.question)),
            )
        )
    return cards


def build(ctx: Context) -> Built:
    size = imposition.parse_card_size(ctx.options.card_size or DEFAULT_SIZE)
    title = ctx.labels["dialogue_deck"]
    # each set on sheets of its own, so that a set is cut and packed whole
    groups = [CardGroup(size, _cards(ctx, mark)) for mark in sets.marks(ctx.options.sets)]
    # every prompt card of the deck in one body size (the about card is the kit's own)
    fit = replace(FIT, shared={item.id: "deck:body" for item in ctx.pack.dialogue})
    return build_cards(ctx, "dialogue-cards", title, groups, fit)


def promised(pack) -> list:
    return promises.given(
        item for d in pack.dialogue
        for item in ((d.id, "its text", pack.dialogue_text(d)), (d.id, "its question", d.question))
    )


PRODUCT = Product(
    id="dialogue-cards",
    kind="cards",
    needs=("dialogue",),
    build=build,
    promised=promised,
    order=10,
    prints_values=("school", "team", "date"),
)
