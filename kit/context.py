"""What every product is given and gives back: the build options, the render
context (pack, labels, QR codes, error locations), the product record and
the laid-out result. Below the products and the two ways of building them
(`sheets` for card products, `documents` for page products), so that none
of them imports upwards."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from markupsafe import Markup

from . import design, qr
from .errors import KitError
from .labels import labels as label_table
from .labels import localise_values
from .pack import LoadedPack
from .parts import Parts
from .model import Pack

# The --set keys of the event line (poster, decks, answer key).
EVENT_KEYS = ("school", "team", "date")


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
    products: tuple[str, ...] = ()  # what this build makes (the guide follows it); () = the defaults


@dataclass
class Context:
    """What a product builder gets: the pack, its words and the options."""

    loaded: LoadedPack
    options: Options
    labels: dict = field(init=False)

    def __post_init__(self):
        self.labels = label_table(self.language, strict=bool(self.options.lang))

    @property
    def pack(self) -> Pack:
        return self.loaded.pack

    @property
    def language(self) -> str:
        return self.options.lang or self.pack.language

    @property
    def values(self) -> dict[str, str]:
        return localise_values(dict(self.options.values), self.labels)

    def template_context(self) -> dict:
        """What every layout may print: the pack, its labels, the --set values."""
        return {
            "pack": self.pack,
            "labels": self.labels,
            "values": self.values,
            "event": self.event_line(),
            "options": self.options,
            "colours": design.scheme(self.options.low_ink),  # for SVG drawings, which do not see the CSS
            "qr": self.qr,
        }

    def event_line(self, keys=EVENT_KEYS) -> str:
        """'De Linde · Team A · 2026-12-04' from the --set values that are given."""
        return " · ".join(self.values[k] for k in keys if self.values.get(k))

    def qr(self, size_mm: float) -> str:
        problem = qr.check_scannable(self.pack.report_url, size_mm)
        if problem:
            raise KitError(problem, self.loaded.where(("report_url",)))
        return Markup(qr.svg(self.pack.report_url, size_mm))

    def fit_error(self, what: str):
        """Builds the one-line error for an item whose text does not fit."""

        from .audit import fit_error

        return fit_error(self.loaded, what, self.options.values)

    def document_meta(self, title: str) -> dict:
        """PDF metadata of a product: title, author, subject, keywords, language, date."""
        pack = self.pack
        created = None
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and epoch.isdigit():
            created = datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "title": f"{title} – {pack.title}",
            "author": ", ".join(pack.authors) or pack.citation.short,
            "subject": pack.citation.text,
            "keywords": ", ".join([pack.id, title]),
            "lang": self.pack.language,  # most words are the pack's: its language picks the hyphenation
            "created": created,
        }


@dataclass
class Built:
    document: Parts  # the pages, laid out a part at a time (one part unless it is a large deck)
    note: str = ""  # one line for the summary (cards per sheet, paper)


@dataclass
class Product:
    id: str
    title_label: str  # key in the labels table
    needs: tuple[str, ...]  # pack sections that must not be empty
    build: Callable[[Context], Built]
    paper_option: str = "paper"  # which Options field picks its sheet
    # The --set keys it prints; only these are in its fingerprint, so a new
    # school name re-renders only what shows it. None: all of them.
    prints_values: tuple[str, ...] | None = None

    def missing(self, pack: Pack) -> list[str]:
        return [section for section in self.needs if not getattr(pack, section)]
