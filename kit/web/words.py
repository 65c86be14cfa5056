"""The page's own words (words.yaml) and the language a browser asks for."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .. import yamlfiles

LANGUAGES = ("en", "nl")
DEFAULT = "en"


@lru_cache(maxsize=1)
def _table() -> dict:
    return yamlfiles.read(Path(__file__).with_name("words.yaml"))


def words(language: str) -> dict:
    table = _table()
    return {**table[DEFAULT], **table.get(language, {})}


def pick_language(accept_language: str | None) -> str:
    """The supported language the browser prefers most ('nl-BE,nl;q=0.9,en;q=0.8' -> 'nl')."""
    best, best_q = DEFAULT, 0.0
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        base = tag.strip().split("-")[0].lower()
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        q -= position * 1e-6  # equal weights: the first one named wins
        if base in LANGUAGES and q > best_q:
            best, best_q = base, q
    return best
