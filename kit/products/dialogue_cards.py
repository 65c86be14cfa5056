"""Dialogue deck: one numbered card per dialogue prompt, a back behind each,
and a first card that says what the deck is, with the QR code."""

from __future__ import annotations

from .. import imposition, promises, sets
from ..context import Built, Context, Product
from ..fitting import Fit
from ..sheets import Card, CardGroup, build_cards

DEFAULT_SIZE = "dialogue"
FIT = Fit(start=13.0, floor=8.0, limits={"pack": (15.0, 10.0)})  # the title on the backs: 15 pt down to 10


def _cards(ctx: Context, mark=None) -> list[Card]:
    pack, labels = ctx.pack, ctx.labels
    total = len(pack.dialogue)
    back = lambda number: {"number": number, "total": total, "mark": mark}  # noqa: E731
    cards = [Card("about-dialogue", "about", {"mark": mark}, back(None), mark=mark)]
    for number, item in enumerate(pack.dialogue, start=1):
        sources = [labels["sources"][item.source.value]]
        if item.question and item.question_source and item.question_source != item.source:
            sources.append(f"{labels['question_for_team'].lower()}: {labels['sources'][item.question_source.value]}")
        cards.append(
            Card(
                item.id,
                item.kind.value,
                {"item": item, "number": number, "total": total, "source_line": " · ".join(sources),
                 "text": pack.dialogue_text(item), "mark": mark},
                back(number),
                mark=mark,
            )
        )
    return cards


def build(ctx: Context) -> Built:
    size = imposition.parse_card_size(ctx.options.card_size or DEFAULT_SIZE)
    title = ctx.labels["dialogue_deck"]
    # each set on sheets of its own, so that a set is cut and packed whole
    groups = [CardGroup(size, _cards(ctx, mark)) for mark in sets.marks(ctx.options.sets)]
    return build_cards(ctx, "dialogue-cards", title, groups, FIT)


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
