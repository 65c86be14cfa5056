"""Codes printed on sort cards and looked up in the answer key.

A code must not give the category away (that is the exercise), so cards are
numbered in an order fixed by a hash of their ids rather than pack order:
the same pack always gives the same codes, and the categories are mixed.
"""

from __future__ import annotations

import hashlib

from .model import Pack


def sort_codes(pack: Pack) -> dict[str, str]:
    """Statement id -> code, e.g. 'rv-03' -> '17'."""
    order = sorted(pack.statements, key=lambda s: hashlib.sha256(f"{pack.id}/{s.id}".encode()).hexdigest())
    width = max(2, len(str(len(order))))
    return {statement.id: str(number).zfill(width) for number, statement in enumerate(order, start=1)}
