"""The products: each is a module here plus its folder in `layouts/`.

A product module defines `PRODUCT`, a `Product` that says which pack
sections it needs and how it turns a pack into a laid-out document. Adding a
product means adding one module (and its layout folder) and naming it in
`REGISTRY` below.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from markupsafe import Markup

from ..errors import KitError
from ..labels import labels as label_table
from ..loader import LoadedPack
from ..model import Pack
from .. import qr

# Product id -> module name; the order is the build and listing order.
REGISTRY = {
    "dialogue-cards": "dialogue_cards",
    "sort-cards": "sort_cards",
    "poster": "poster",
    "answer-key": "answer_key",
    "worksheet": "worksheet",
    "guide": "guide",
    "alignment": "alignment",
}
# Built by default when --only is not given (the alignment sheet is asked for).
DEFAULT_PRODUCTS = ("dialogue-cards", "sort-cards", "poster", "answer-key", "worksheet", "guide")


@dataclass(frozen=True)
class Options:
    paper: str = "a4"
    poster_paper: str = "a3"
    card_size: str | None = None  # None: each product's own default
    bleed: float = 0.0
    duplex: str = "long"
    back_offset: tuple[float, float] = (0.0, 0.0)
    low_ink: bool = False
    pdf_variant: str | None = None
    lang: str | None = None
    values: tuple[tuple[str, str], ...] = ()  # --set key=value, printed where it helps


@dataclass
class Context:
    """What a product builder gets: the pack, its words and the options."""

    loaded: LoadedPack
    options: Options
    labels: dict = field(init=False)

    def __post_init__(self):
        language = self.options.lang or self.pack.language
        self.labels = label_table(language, strict=bool(self.options.lang))

    @property
    def pack(self) -> Pack:
        return self.loaded.pack

    @property
    def language(self) -> str:
        return self.options.lang or self.pack.language

    @property
    def values(self) -> dict[str, str]:
        return dict(self.options.values)

    def template_context(self) -> dict:
        """What every layout may print: the pack, its labels, the --set values."""
        return {
            "pack": self.pack,
            "labels": self.labels,
            "values": self.values,
            "event": self.event_line(),
            "options": self.options,
            "qr": self.qr,
        }

    def event_line(self, keys=("school", "team", "date")) -> str:
        """'De Linde · Team A · 2026-12-04' from the --set values that are given."""
        return " · ".join(self.values[k] for k in keys if self.values.get(k))

    def qr(self, size_mm: float) -> str:
        problem = qr.check_scannable(self.pack.report_url, size_mm)
        if problem:
            file, line = self.loaded.where(("report_url",))
            raise KitError(problem, file, line)
        return Markup(qr.svg(self.pack.report_url, size_mm))

    def fit_error(self, what: str):
        """Builds the one-line error for an item whose text does not fit."""

        def describe(fit_id, overflow, floor):
            file, line = self.loaded.where_item(fit_id)
            if self.pack.item(fit_id) is None:
                file, line = self.loaded.where((fit_id,))
            percent = max(1, round((overflow.ratio - 1) * 100))
            return KitError(
                f"{fit_id!r} does not fit its {what} even at {floor:g} pt: about {percent}% too long; shorten it",
                file,
                line,
            )

        return describe


@dataclass
class Product:
    id: str
    title_label: str  # key in the labels table
    needs: tuple[str, ...]  # pack sections that must not be empty
    build: Callable[[Context], "Built"]
    paper_option: str = "paper"  # which Options field picks its sheet

    def missing(self, pack: Pack) -> list[str]:
        return [section for section in self.needs if not getattr(pack, section)]


@dataclass
class Built:
    document: object  # a laid-out weasyprint Document
    inputs: list[Path] = field(default_factory=list)  # layout files it read (for caching)
    note: str = ""  # one line for the summary (cards per sheet, paper)


def get(product_id: str) -> Product:
    if product_id not in REGISTRY:
        raise KitError(f"unknown product {product_id!r}; products: {', '.join(REGISTRY)}")
    module = importlib.import_module(f".{REGISTRY[product_id]}", __name__)
    return module.PRODUCT
