"""Every item of a pack reaches paper: which items no product of a build
prints. Each product says what it promises (`Product.promised`), and the
audit checks each promise on the laid-out pages; an item that no product of
a full build promises is named here, so the build can say so."""

from __future__ import annotations

from .boxes import squash
from .products import get


def pack_items(pack) -> list[tuple[str, str]]:
    """(name, text) of every piece of an item that must be printed somewhere."""
    out: list[tuple[str, str]] = []

    def add(name: str, text: str | None):
        if text:
            out.append((name, text))

    for d in pack.definitions:
        add(f"definition {d.id!r}", d.term)
        add(f"definition {d.id!r}", d.text)
    for c in pack.categories:
        add(f"category {c.id!r} label", c.label)
        add(f"category {c.id!r} definition", c.definition)
    for s in pack.statements:
        add(f"statement {s.id!r}", s.text)
    for r in pack.recommendations:
        add(f"recommendation {r.id!r} title", r.title)
        add(f"recommendation {r.id!r}", r.text)
    for d in pack.dialogue:
        add(f"dialogue card {d.id!r}", pack.dialogue_text(d))
        add(f"dialogue card {d.id!r} question", d.question)
    for case in pack.cases:
        add(f"case {case.id!r} title", case.title)
        add(f"case {case.id!r}", case.text)
        for number, question in enumerate(case.questions, start=1):
            add(f"case {case.id!r} question {number}", question)
    for number, step in enumerate(pack.guide, start=1):
        add(f"guide step {number}", step.title)
        add(f"guide step {number}", step.text)
    for contact in pack.contacts:
        add(f"contact {contact.name!r}", contact.name)
    for link in pack.links:
        add(f"link {link.label!r}", link.label)
        add(f"link {link.label!r}", link.url)
    return out


def unprinted(pack, products) -> list[str]:
    """The items (by name, each once, in pack order) that none of `products` prints."""
    printed = {squash(text).casefold() for product_id in products for _, _, text in get(product_id).promised(pack)}
    missing: list[str] = []
    for name, text in pack_items(pack):
        if squash(text).casefold() not in printed and name not in missing:
            missing.append(name)
    return missing


def after_build(pack, products, results) -> list[str]:
    """The items a full build (every default product asked for) left
    unprinted; [] for a partial build or one that failed (its error is said)."""
    from .products import default_ids

    if not set(default_ids()) <= set(products) or any(r.status in ("error", "internal") for r in results):
        return []
    return unprinted(pack, [r.product for r in results if r.status in ("built", "cached")])
