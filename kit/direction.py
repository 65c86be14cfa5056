"""How a language is set: its writing direction (CLDR, through Babel) and
whether pyphen has a hyphenation dictionary for it."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=32)
def direction(language: str) -> str:
    """'rtl' for a language CLDR writes right to left (ar, he, fa, ur, ps, yi,
    ...), else 'ltr' (also for a code CLDR does not know)."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if locale.character_order == "right-to-left" else "ltr"


@lru_cache(maxsize=32)
def hyphenates(language: str) -> bool:
    """Whether pyphen (WeasyPrint's hyphenation) has a dictionary for the language;
    without one the kit hyphenates nothing rather than use another language's rules."""
    import pyphen

    return pyphen.language_fallback(language.replace("-", "_")) is not None
