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
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from . import design, qr, yamlfiles
from .direction import direction, hyphenates
from .errors import KitError
from .imposition import larger_card_size, paper_name
from .labels import base_language, check_language, localise_values, set_apart_labels, with_pack
from .labels import labels as label_table
from .pack import LoadedPack
from .parts import Parts
from .model import Pack
from .options import Options
from .paths import LAYOUTS

# The --set keys of the event line (poster, decks, answer key).
EVENT_KEYS = ("school", "team", "date")


@dataclass
class Context:
    """What a product builder gets: the pack, its words and the options."""

    loaded: LoadedPack
    options: Options
    labels: dict = field(init=False)
    right_to_left: bool = field(init=False)  # the page's direction
    set_apart: set = field(init=False)  # keys of the labels set apart as left-to-right text

    def __post_init__(self):
        # The pack's own labels are in its language: --lang another language
        # prints that language's table instead.
        check_language(self.options.lang, self.loaded)
        own = self.loaded.labels if base_language(self.language) == base_language(self.pack.language) else {}
        self.labels = with_pack(self.language, own)
        # The page's direction is the pack language's (most words are the pack's); on a page
        # set right to left, the labels worded left to right are set apart (`set_apart_labels`).
        self.right_to_left = direction(self.pack.language) == "rtl"
        self.set_apart = set()
        if self.right_to_left:
            self.labels, self.set_apart = set_apart_labels(self.labels, self.language, own)

    @property
    def pack(self) -> Pack:
        return self.loaded.pack

    @property
    def language(self) -> str:
        return self.options.lang or self.pack.language

    @property
    def values(self) -> dict[str, str]:
        return localise_values(dict(self.options.values), self.language)

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

        larger = larger_card_size(self.options.card_size) if what == "card" and self.options.card_size else None
        return fit_error(self.loaded, what, self.options.values, larger)

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
            "dir": "rtl" if self.right_to_left else "ltr",
            "hyphenate": hyphenates(self.pack.language),
            "created": created,
        }


@dataclass
class Built:
    document: Parts | str  # the pages, laid out a part at a time (one part unless a large deck); a page's text
    note: str = ""  # one line for the summary (cards per sheet, paper)


# What a product promises to print: (item reference, what it is, its text).
Promise = tuple[str, str, str]


def _nothing(pack: Pack) -> list[Promise]:
    return []


@dataclass(frozen=True)
class Product:
    """Everything the kit knows about one product, in its own module.

    The audit, the guide, the web page, the build and the README's product
    table read these fields; nothing else names a product. Its words for
    people (its name on the web page, its line in the guide's list of what
    to print) are in `<layouts>/product.yaml`, one entry per language:
    `{en: {name: ..., print_item: "... ({paper}) ..."}, nl: ...}`.
    """

    id: str
    # "cards" (imposed card sheets, cut), "document" (pages printed at 100 %), or
    # "page": an HTML page, not printed (`Built.document` is its finished text)
    kind: str
    needs: tuple[str, ...]  # pack sections that must not be empty
    build: Callable[[Context], Built]
    promised: Callable[[Pack], list[Promise]] = _nothing  # what the audit finds printed in every PDF
    qr: bool = True  # the audit requires the QR code to the report
    order: int = 100  # listing and build order (built-in products: 10, 20, ...)
    default: bool = True  # built when --only is not given
    paper_option: str = "paper"  # which Options field picks its sheet
    # The sheet from the options when it is not simply that field (the
    # posters' default follows --paper: Tabloid with Letter).
    sheet_of: Callable[[Options], str] | None = None
    # The --set keys it prints; only these are in its fingerprint, so a new
    # school name re-renders only what shows it. None: all of them.
    prints_values: tuple[str, ...] | None = None
    # Extra how-to-print lines: label keys, each formatted with {mode} (the
    # duplex mode in words); none: the kind's own advice.
    print_steps: tuple[str, ...] = ()
    # The folder holding `<id>/` (page.html.j2 or cards.html.j2, style.css,
    # product.yaml); None: the kit's own layouts/.
    layout_root: Path | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"product {self.id}: kind must be one of {', '.join(KINDS)}, not {self.kind!r}")

    @property
    def suffix(self) -> str:
        """Of the file it writes: a page is HTML, everything else a PDF."""
        return ".html" if self.kind == "page" else ".pdf"

    @property
    def layouts(self) -> Path:
        return (self.layout_root or LAYOUTS) / self.id

    def paper(self, options: Options) -> str:
        """The sheet this product prints on with these options."""
        return self.sheet_of(options) if self.sheet_of else getattr(options, self.paper_option)

    def missing(self, pack: Pack) -> list[str]:
        return [section for section in self.needs if not getattr(pack, section)]

    def words(self, language: str) -> dict:
        """Its name and guide line in `language` ('nl-BE' -> 'nl'), English filling gaps."""
        table = _product_words(self.layouts / "product.yaml")
        base = language.split("-")[0].lower()
        return {**table.get(FALLBACK_LANGUAGE, {}), **table.get(base, {})}

    def name(self, language: str) -> str:
        return self.words(language).get("name") or self.id

    def has_words_in(self, language: str) -> bool:
        """Whether its product.yaml words it in `language` itself, not in English for want of it."""
        return language.split("-")[0].lower() in _product_words(self.layouts / "product.yaml")

    def print_item(self, language: str, paper: str) -> str | None:
        """'Sort cards (A4): one set per group.', for the guide and the page."""
        item = self.words(language).get("print_item")
        return item.replace("{paper}", paper_name(paper)) if item else None

    def how_to_print(self, options: Options, language: str) -> list[str]:
        """The page's advice: its guide line, then how cards or pages are printed."""
        labels = label_table(language)
        lines = []
        item = self.print_item(language, self.paper(options))
        if item:
            lines.append(item)
        mode = labels.get(f"duplex_{options.duplex}", options.duplex)
        if self.kind == "cards":
            lines.append(labels["print_tip_cards"])
            if f"duplex_{options.duplex}" in labels:
                lines.append(mode)
            lines.append(labels["cut_along_lines"] + ".")
        lines += [labels[key].replace("{mode}", mode) for key in self.print_steps]
        if self.kind == "document" and not self.print_steps:
            lines.append(labels["print_at_100"])
        return lines


KINDS = ("cards", "document", "page")
FALLBACK_LANGUAGE = "en"


@lru_cache(maxsize=64)
def _product_words(path: Path) -> dict:
    if not path.is_file():
        return {}
    return yamlfiles.read(path) or {}
