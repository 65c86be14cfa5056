"""What products promise to print, as the audit checks it: (item reference,
what it is, its text) for every item with text. Products compose their
`Product.promised` from these."""

from __future__ import annotations

from .context import Promise
from .model import Pack


def given(items) -> list[Promise]:
    """The promises whose text is not empty (an optional field left out promises nothing)."""
    return [(ref, what, text) for ref, what, text in items if text]


def statements(pack: Pack) -> list[Promise]:
    return given((s.id, "its text", s.text) for s in pack.statements)


def categories(pack: Pack, definitions: bool = True) -> list[Promise]:
    """Each category's label and (with `definitions`) its definition."""
    items = []
    for c in pack.categories:
        items.append((f"label:{c.id}", "its label", c.label))
        if definitions:
            items.append((c.id, "its definition", c.definition))
    return given(items)


def title(pack: Pack) -> list[Promise]:
    return given([("title", "the title", pack.title)])


def recommendations(pack) -> list:
    """Each recommendation's title (when it has one) and text."""
    return given(item for r in pack.recommendations for item in ((r.id, "its title", r.title), (r.id, "its text", r.text)))
