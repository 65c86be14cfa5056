"""The words layouts print themselves: one YAML table per language, a pack's
own table over it, and dates as the language writes them (CLDR, via Babel)."""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

from . import yamlfiles
from .errors import KitError
from .paths import LABELS as LABELS_DIR

FALLBACK = "en"


def available() -> list[str]:
    return sorted(p.stem for p in LABELS_DIR.glob("*.yaml"))


def base_language(language: str) -> str:
    """'nl-BE' -> 'nl'."""
    return language.replace("_", "-").split("-")[0].lower()


@lru_cache(maxsize=8)
def labels(language: str) -> dict:
    """Labels for `language` ('nl', 'nl-BE' -> 'nl'); English fills any gap.

    A pack in a language without a table prints English labels around its own
    words, unless it brings a table of its own (`with_pack`); asking for such a
    language explicitly is refused before a build starts (`check_language`).
    The table is shared: never change it, `with_pack` makes a copy.
    """
    base = base_language(language)
    return _over(_read(FALLBACK), _read(base if base in available() else FALLBACK))


def with_pack(language: str, own: dict) -> dict:
    """The built-in table of `language` with a pack's own labels over it."""
    return _over(labels(language), own)


def set_apart_labels(table: dict, language: str, own: dict) -> tuple[dict, set[str]]:
    """For a page set right to left: `table` (`with_pack(language, own)`) with
    each label not worded in a right-to-left language set apart as
    left-to-right text, and the keys of those labels. They are the labels
    English fills in (no table ships for the language, or the pack's own
    leaves the key out) and those of a left-to-right language `--lang` names.
    Unicode's isolates around each keep its full stop or question mark at its
    own end instead of carrying it to the line's other side, and a pack word
    put into it ("Which {label} do you recognise?") in its place."""
    from .direction import direction

    base = base_language(language)
    worded = _over(_read(base) if base in available() and direction(language) == "rtl" else {}, own)
    return _set_apart(table, worded), set(table) - set(worded)


LEFT_TO_RIGHT_ISOLATE, FIRST_STRONG_ISOLATE, POP_ISOLATE = "\u2066", "\u2068", "\u2069"


def _set_apart(table: dict, worded: dict) -> dict:
    """`table` with each text that `worded` (the labels worded right to left) does not hold set apart."""
    out = {}
    for key, value in table.items():
        if isinstance(value, dict):
            own = worded.get(key)
            out[key] = _set_apart(value, own if isinstance(own, dict) else {})
        elif isinstance(value, str) and value and key not in worded:
            out[key] = set_apart(value)
        else:
            out[key] = value
    return out


def set_apart(text: str) -> str:
    """Left-to-right text (an English fallback) isolated inside a right-to-left page."""
    return f"{LEFT_TO_RIGHT_ISOLATE}{text}{POP_ISOLATE}"


def is_set_apart(text: str) -> bool:
    return text.startswith(LEFT_TO_RIGHT_ISOLATE) and text.endswith(POP_ISOLATE)


def own_direction(label: str) -> str:
    """' dir="ltr"' for the element holding a label that is set apart: isolates
    pair within a line, and a label that wraps needs its own direction on every line."""
    return ' dir="ltr"' if is_set_apart(label) else ""


def preceded_by(label: str, text: str) -> str:
    """What a layout prints right before a label ("1. " before a step's title), inside its isolate when it is set apart."""
    if is_set_apart(label):
        return label[:1] + text + label[1:]
    return text + label


def followed_by(label: str, text: str) -> str:
    """A label and what a layout prints right after it ("Citation" and ":"):
    inside its isolate when it is set apart, so that the colon stays with it."""
    if is_set_apart(label):
        return label[:-1] + text + POP_ISOLATE
    return label + text


def _over(table: dict, words: dict) -> dict:
    """A copy of `table` with `words` over it, key by key (a nested table such
    as `sources` entry by entry)."""
    table = dict(table)
    for key, value in words.items():
        if isinstance(value, dict) and isinstance(table.get(key), dict):
            value = {**table[key], **value}
        table[key] = value
    return table


def check_language(language: str | None, loaded) -> None:
    """Refuse, once for the whole build, a `--lang` with no words to print: no
    table ships for it and the pack brings none of its own in that language."""
    if not language or base_language(language) in available():
        return
    if loaded.labels and base_language(language) == base_language(loaded.pack.language):
        return
    raise KitError(f"no labels for language {language!r}; available: {', '.join(available())}; "
                   "a pack in another language brings its own (labels.yaml, see docs/content-format.md)")


def english() -> dict:
    """What a pack's own labels are checked against: the English table, and
    the guide's line per product (kept with each product, `product.yaml`)."""
    return reference(FALLBACK)


PRINT_ITEMS = "guide_print_items"  # a pack's own lines for the guide's list, by product id


@lru_cache(maxsize=8)
def reference(language: str) -> dict:
    """The built-in table of `language` with `guide_print_items`, the products'
    own guide lines in that language (English filling gaps): every key a pack may word."""
    table = dict(labels(language))
    items = {}
    for path in sorted(LABELS_DIR.parent.glob("*/product.yaml")):
        words = yamlfiles.read(path) or {}
        own = {**words.get(FALLBACK, {}), **words.get(base_language(language), {})}
        if own.get("print_item"):
            items[path.parent.name] = own["print_item"]
    table[PRINT_ITEMS] = items
    return table


@lru_cache(maxsize=8)
def _read(code: str) -> dict:
    return yamlfiles.read(LABELS_DIR / f"{code}.yaml")


ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def format_date(value: str, language: str) -> str:
    """'2026-12-04' -> '4 December 2026', '4. Dezember 2026', '٤ ديسمبر ٢٠٢٦' as
    CLDR says `language` writes a date in full; anything that is not a real ISO
    date is printed as given."""
    match = ISO_DATE.match(value.strip())
    if not match:
        return value
    try:
        day = datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return value
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date as babel_date

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse(FALLBACK)
    return babel_date(day, format="long", locale=locale)


def localise_values(values: dict[str, str], language: str) -> dict[str, str]:
    """The --set values as printed: a date in the pack's language."""
    out = dict(values)
    if out.get("date"):
        out["date"] = format_date(out["date"], language)
    return out
