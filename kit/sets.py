"""Numbered sets (`--sets N`): a deck per group, each card marked with its
set's letter and a symbol of its own (so that black-and-white prints tell
sets apart too), so that cards of groups that got mixed can be sorted back."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import KitError

# Outlined, never filled: a set's symbol must not read as a category's shape.
SYMBOLS = ("circle", "square", "triangle", "diamond", "hexagon", "star", "pentagon", "cross", "half-disc", "ring")
MAX_SETS = len(SYMBOLS)


@dataclass(frozen=True)
class SetMark:
    number: int  # from 1
    letter: str
    symbol: str  # a shape of layouts/common/shapes.html.j2

    @property
    def suffix(self) -> str:
        """Added to a card's anchor ids: the same card in every set has its own."""
        return f"~{self.letter.lower()}"


def check(count: int) -> int:
    if not 1 <= count <= MAX_SETS:
        raise KitError(f"--sets takes 1 to {MAX_SETS} (one set per group), not {count}")
    return count


def marks(count: int) -> list[SetMark | None]:
    """One entry per set; a single set carries no mark."""
    check(count)
    if count == 1:
        return [None]
    return [SetMark(i + 1, chr(ord("A") + i), SYMBOLS[i]) for i in range(count)]
