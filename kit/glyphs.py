"""Refuse text the shipped fonts cannot print.

The kit renders with its own fonts only (kit/fonts/fonts.conf), so a
character none of them has would print as an empty box. Rather than print
that, a build stops and names the item and the characters. Any font file put
in kit/fonts/ counts (that is how a user adds, say, a CJK font).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache

from pydantic import BaseModel

from .errors import KitError, Where
from .paths import FONTS

# Characters that print nothing of their own: controls, and format marks such
# as the right-to-left mark and the zero-width joiner, which only steer shaping.
_INVISIBLE = {"Cc", "Cf"}
_SHOWN = 8  # characters named in the message at most
# Latin (with Latin Extended-A and -B) and general punctuation: the shipped
# fonts have every assigned character there (tested), so most packs are
# checked without reading a font.
_ALWAYS = (0x250, 0x2000, 0x2070)  # below the first; from the second to the third


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Every code point some shipped font has a glyph for."""
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    chars: set[int] = set()
    for path in sorted(FONTS.iterdir()):
        if path.suffix.lower() in (".ttf", ".otf"):
            font = TTFont(path, lazy=True)
            try:
                chars.update(font.getBestCmap() or ())
            finally:
                font.close()
    return frozenset(chars)


def missing(text: str) -> list[str]:
    """The characters of `text` no shipped font can print, each once, in order."""
    found: dict[str, None] = {}
    if text.isascii():
        return []
    below, start, end = _ALWAYS
    for char in text:
        code = ord(char)
        if code < below or start <= code < end:
            continue
        if code not in covered() and not char.isspace() and unicodedata.category(char) not in _INVISIBLE:
            found[char] = None
    return list(found)


def _texts(value, path: tuple):
    """(path, text) for every text of a pack model, paths as the loader keys them."""
    if isinstance(value, Enum):
        return
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), path + (name,))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _texts(item, path + (index,))


def _describe(chars: list[str]) -> str:
    shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars[:_SHOWN])
    more = f" and {len(chars) - _SHOWN} more" if len(chars) > _SHOWN else ""
    return f"{shown}{more}"


HOW_TO_ADD = "add an open-licence font that has them (a .ttf or .otf) to the kit's fonts folder, see kit/fonts/README.md"
# The fields of a pack each product prints; an item only stops the products
# that print it. (The pack's own labels print on every product.)
PRINTED_BY = {
    "dialogue-cards": {"title", "subtitle", "citation", "links", "dialogue"},
    "sort-cards": {"title", "citation", "categories", "statements"},
    "poster": {"title", "citation", "links", "recommendations"},
    "answer-key": {"title", "citation", "links", "categories", "statements"},
    "worksheet": {"title", "citation", "categories", "statements"},
    "guide": {"title", "subtitle", "description", "citation", "contacts", "links", "definitions", "guide"},
    "alignment": {"citation"},
}


@dataclass(frozen=True)
class Unprintable:
    """An item of the pack with characters no shipped font has."""

    field: str  # the pack field it is in: 'statements', 'title', 'labels'
    item: str  # "statements[3] 'st-04' text"
    chars: tuple[str, ...]
    where: Where  # the file and line (or cell) it is written in

    def error(self) -> KitError:
        return KitError(f"{self.item} has characters the kit's fonts cannot print: {_describe(list(self.chars))}; "
                        f"{HOW_TO_ADD}", self.where)

    def printed_by(self, product_id: str) -> bool:
        return self.field == "labels" or self.field in PRINTED_BY.get(product_id, {self.field})


def unprintable(loaded) -> list[Unprintable]:
    """Every item of the pack (and of its own labels) with characters no
    shipped font has, once each with all of its characters; read once per pack."""
    cached = getattr(loaded, "_unprintable", None)
    if cached is not None:
        return cached
    pack = loaded.pack
    found: dict[tuple, Unprintable] = {}
    texts = list(_texts(pack, ())) + [(("labels",) + path, text) for path, text in _label_texts(loaded.labels, ())]
    for path, text in texts:
        chars = missing(text)
        if not chars:
            continue
        # an item of a list is one item, whichever of its fields holds the characters
        key = path[:2] if len(path) > 1 and isinstance(path[1], int) and path[0] != "labels" else path
        if key in found:
            known = found[key]
            found[key] = replace(known, chars=tuple(dict.fromkeys(known.chars + tuple(chars))))
            continue
        if path[0] == "labels":
            item = f"label {'.'.join(str(p) for p in path[1:])!r}"
        else:
            item = _item_name(pack, path)
        found[key] = Unprintable(str(path[0]), item, tuple(chars), loaded.where(path))
    loaded._unprintable = list(found.values())
    return loaded._unprintable


def _label_texts(value, path: tuple):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _label_texts(inner, path + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _label_texts(inner, path + (index,))


def blocking(loaded, product_id: str) -> list[Unprintable]:
    """The unprintable items this product prints: each stops it."""
    return [u for u in unprintable(loaded) if u.printed_by(product_id)]


def check(ctx, product_id: str) -> None:
    """Raise KitError for the first text this product prints (pack text or
    --set value) with characters the shipped fonts do not have."""
    problems = blocking(ctx.loaded, product_id)
    if problems:
        raise problems[0].error()
    for key, value in ctx.options.values:
        chars = missing(value)
        if chars:
            raise KitError(f"--set {key}= has characters the kit's fonts cannot print: {_describe(chars)}; {HOW_TO_ADD}")


def _item_name(pack, path: tuple) -> str:
    """'statements[3] 'st-04' text' or 'title'."""
    if len(path) >= 2 and isinstance(path[1], int):
        entry = getattr(pack, path[0])[path[1]]
        ident = getattr(entry, "id", None)
        rest = ".".join(str(p) for p in path[2:])
        name = f"{path[0]}[{path[1]}]" + (f" {ident!r}" if ident else "")
        return f"{name} {rest}".strip()
    return ".".join(str(p) for p in path)
