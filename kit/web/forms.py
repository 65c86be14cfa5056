"""The page's and the API's fields -> the command line's Options, with each
problem filed under the field it concerns."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..context import Options
from ..errors import KitError
from ..imposition import CARD_SIZES, DUPLEX_MODES, parse_card_size
from ..labels import available, labels
from ..products import REGISTRY

PAPERS = ("a4", "letter")
POSTER_PAPERS = ("a3", "a2", "tabloid")
VALUE_FIELDS = ("school", "team", "date", "facilitator")
PRINT_SHOP_BLEED_MM = 3.0


@dataclass
class Problems:
    """Field name -> message; empty when the form is good."""

    fields: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.fields)


def parse_values(lines: list[str], problems: Problems, words: dict) -> list[tuple[str, str]]:
    values = []
    for item in lines:
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            problems.add("values", words["other_value_bad"].format(item=item.strip()))
            continue
        values.append((key, value.strip()))
    return values


def products_from(names: list[str], problems: Problems, words: dict) -> list[str]:
    wanted = []
    for name in names:
        for product_id in name.split(","):
            product_id = product_id.strip()
            if not product_id:
                continue
            if product_id not in REGISTRY:
                problems.add("products", f"unknown product {product_id!r}; products: {', '.join(REGISTRY)}")
            elif product_id not in wanted:
                wanted.append(product_id)
    if not wanted and "products" not in problems.fields:
        problems.add("products", words["no_products"])
    return [p for p in REGISTRY if p in wanted]  # the registry's order, as the command line builds


def options_from(form: dict, values: list[tuple[str, str]], problems: Problems, words: dict) -> Options:
    """`form`: paper, poster_paper, card_size, duplex, low_ink, bleed, lang, sets (strings or None)."""

    def choice(name, allowed, default):
        value = (form.get(name) or default).strip().lower()
        if value not in allowed:
            problems.add("options", f"{name.replace('_', ' ')}: {value!r}; {words['unknown_choice']} ({', '.join(allowed)})")
            return default
        return value

    card_size = (form.get("card_size") or "").strip() or None
    if card_size:
        try:
            parse_card_size(card_size)
        except KitError as exc:
            problems.add("options", exc.detail)
            card_size = None
    lang = (form.get("lang") or "").strip() or None
    if lang:
        try:
            labels(lang, strict=True)
        except KitError as exc:
            problems.add("options", exc.detail)
            lang = None
    bleed = 0.0
    raw_bleed = (form.get("bleed") or "").strip().lower()
    if raw_bleed in ("on", "true", "yes"):
        bleed = PRINT_SHOP_BLEED_MM
    elif raw_bleed not in ("", "0", "off", "false", "no"):
        try:
            bleed = float(raw_bleed)
        except ValueError:
            bleed = -1.0
        if not 0 <= bleed <= 10:
            problems.add("options", "bleed must be between 0 and 10 mm")
            bleed = 0.0
    return Options(
        sets=_sets(form.get("sets"), problems),
        paper=choice("paper", PAPERS, "a4"),
        poster_paper=choice("poster_paper", POSTER_PAPERS, "a3"),
        card_size=card_size,
        bleed=bleed,
        duplex=choice("duplex", DUPLEX_MODES, "long"),
        low_ink=(form.get("low_ink") or "").strip().lower() in ("on", "true", "yes", "1"),
        lang=lang,
        values=tuple(values),
    )


def _sets(raw: str | None, problems: Problems) -> int:
    """The "Groups" field (--sets N): 1 when empty."""
    from ..sets import check

    text = (raw or "").strip()
    try:
        return check(int(text)) if text else 1
    except ValueError:
        problems.add("options", f"groups: {text[:20]!r} is not a number")
    except KitError as exc:
        problems.add("options", exc.detail)
    return 1


def label_languages() -> list[str]:
    return available()


CARD_SIZE_CHOICES = tuple(CARD_SIZES)
