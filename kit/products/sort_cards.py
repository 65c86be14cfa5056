"""Sort exercise: a poker-size card per statement (text and code only, never
its category) and a header card per category with its definition, at least
as large as the statement cards."""

from __future__ import annotations

from .. import imposition, promises, sets
from ..codes import sort_codes
from ..context import Built, Context, Product
from ..fitting import Fit
from ..palette import category_style
from ..sheets import Card, CardGroup, build_cards

STATEMENT_SIZE = "poker"
# The smallest header card: larger than poker statements, so the headers
# stand out on the table; with larger statement cards the headers grow too.
MIN_HEADER_SIZE = "a7"
# header labels: 17 pt down to 9; the title on the backs: 10 pt down to 7
FIT = Fit(start=12.0, floor=8.0, limits={"label": (17.0, 9.0), "pack": (10.0, 7.0)})


def header_size(statement_size: tuple[float, float]) -> tuple[float, float]:
    """At least A7 and at least as wide and as tall as a statement card."""
    w, h = imposition.parse_card_size(MIN_HEADER_SIZE)
    return max(w, statement_size[0]), max(h, statement_size[1])


def _set_groups(ctx: Context, size: tuple[float, float], mark) -> list[CardGroup]:
    """One set's header cards and statements, every card carrying the set's mark."""
    pack = ctx.pack
    codes = sort_codes(pack)
    back = {"back": True, "mark": mark}  # one back for every card: the deck's name
    headers = [Card("about-sort", "about", {"mark": mark}, back, mark=mark)]
    for category in pack.categories:
        style = category_style(ctx, category)
        headers.append(Card(category.id, "header", {"category": category, "style": style, "mark": mark}, back,
                            face=style.colour, mark=mark))
    # Cards are printed in code order, so a dealt deck is already mixed.
    statements = sorted(pack.statements, key=lambda s: codes[s.id])
    cards = [Card(s.id, "statement", {"statement": s, "code": codes[s.id], "mark": mark}, back, mark=mark)
             for s in statements]
    return [CardGroup(header_size(size), headers, "header cards"), CardGroup(size, cards, "statements")]


def build(ctx: Context) -> Built:
    size = imposition.parse_card_size(ctx.options.card_size or STATEMENT_SIZE)
    # each set on sheets of its own, so that a set is cut and packed whole
    groups = [group for mark in sets.marks(ctx.options.sets) for group in _set_groups(ctx, size, mark)]
    return build_cards(ctx, "sort-cards", ctx.labels["sort_deck"], groups, FIT)


def promised(pack) -> list:
    return promises.statements(pack) + promises.categories(pack)


PRODUCT = Product(
    id="sort-cards",
    kind="cards",
    needs=("categories", "statements"),
    build=build,
    promised=promised,
    order=20,
    prints_values=(),
)
