"""Which cards of a deck are fitted first, and how: `fitting.render_fitted`
lays out the cards likeliest to set the deck's size before the rest (its
`first`); when they are few, alone on their pages (its `alone`), so that a
deck that must shrink lays out a few cards twice, not whole sheets."""

from __future__ import annotations

from dataclasses import replace

from .fitting import Fit

# The likeliest cards (and those of a size of their own) are probed alone when
# they are at most one in this many of the deck's cards; more, and their pages
# are laid out whole and kept (a deck of cards that all hold about as much).
PROBED_ALONE = 4


def choose(pages: list, fit: Fit, likeliest: set[str]) -> tuple[set[str], bool]:
    """`render_fitted`'s `first` among a deck's pages (`sheets.Page`), and
    whether it is probed alone (`alone`).
    Probed alone, the cards of a size of their own (the kit's about card)
    come with the likeliest: one that must shrink then shrinks before the
    deck is laid out, not after it."""
    cards = [place.card.id for page in pages if page.side != "back" for place in page.places]
    own = {card for card in cards if card not in fit.shared}
    if not likeliest or (len(likeliest) + len(own)) * PROBED_ALONE > len(cards):
        return likeliest, False
    return likeliest | own, True


def alone(pages: list, fit_ids: set[str], make_html) -> tuple[str, list[int | None]]:
    """`render_fitted`'s `alone`: the HTML (`make_html(pages)`) of the front
    pages holding these cards with only them on each; and per page, its index
    among `pages` when it held nothing else (then it is that page, whole)."""
    cards = {fit_id.rpartition(":")[2] for fit_id in fit_ids}
    shown, whole = [], []
    for index, page in enumerate(pages):
        places = [place for place in page.places if place.card.id in cards]
        if page.side != "back" and places:
            shown.append(replace(page, places=places))
            whole.append(index if len(places) == len(page.places) else None)
    return make_html(shown), whole
