"""The words layouts print themselves, one YAML table per language."""

from __future__ import annotations

import re
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


ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def format_date(value: str, table: dict) -> str:
    """'2026-12-04' -> '4 December 2026' / '4. Dezember 2026' as the table writes dates;
    anything that is not a real ISO date is printed as given."""
    match = ISO_DATE.match(value.strip())
    months = table.get("months") or []
    if not match or len(months) != 12:
        return value
    year, month, day = (int(g) for g in match.groups())
    import datetime

    try:
        datetime.date(year, month, day)
    except ValueError:
        return value
    return table["date_format"].format(day=day, month=months[month - 1], year=year)


def localise_values(values: dict[str, str], table: dict) -> dict[str, str]:
    """The --set values as printed: a date in the language of the labels."""
    out = dict(values)
    if out.get("date"):
        out["date"] = format_date(out["date"], table)
    return out
