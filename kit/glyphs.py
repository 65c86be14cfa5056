"""Refuse text the shipped fonts cannot print.

The kit renders with its own fonts only (kit/fonts/fonts.conf), so a
character none of them has would print as an empty box. Rather than print
that, a build stops and names the item and the characters. Any font file put
in kit/fonts/ counts (that is how a user adds, say, a CJK font).
"""

from __future__ import annotations

import unicodedata
from enum import Enum
from functools import lru_cache

from pydantic import BaseModel

from .errors import KitError
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


def check(ctx) -> None:
    """Raise KitError for the first pack text or --set value with characters
    the shipped fonts do not have."""
    pack = ctx.pack
    for path, text in _texts(pack, ()):
        chars = missing(text)
        if chars:
            item = _item_name(pack, path)
            raise KitError(f"{item} has characters the kit's fonts cannot print: {_describe(chars)}; {HOW_TO_ADD}",
                           ctx.loaded.where(path))
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
