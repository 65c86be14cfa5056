"""The words layouts print themselves, one YAML table per language."""

from __future__ import annotations

from functools import lru_cache

import yaml

from .errors import KitError
from .paths import LABELS as LABELS_DIR

FALLBACK = "en"


def available() -> list[str]:
    return sorted(p.stem for p in LABELS_DIR.glob("*.yaml"))


@lru_cache(maxsize=8)
def labels(language: str, strict: bool = False) -> dict:
    """Labels for `language` ('nl', 'nl-BE' -> 'nl'); English fills any gap.

    A pack in a language without a table prints English labels around its own
    words; asking for such a language explicitly (`strict`) is an error.
    """
    base = language.split("-")[0].lower()
    if base not in available():
        if strict:
            raise KitError(f"no labels for language {language!r}; available: {', '.join(available())}")
        base = FALLBACK
    table = dict(_read(FALLBACK))
    table.update(_read(base))
    return table


def _read(code: str) -> dict:
    with open(LABELS_DIR / f"{code}.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)
