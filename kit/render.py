"""HTML -> PDF with WeasyPrint: shipped fonts only, no fetching outside the
project, text fitted to its boxes, and files written atomically."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Callable

from .paths import FONTS, LAYOUTS

# Fontconfig reads its configuration once, when Pango first asks for a font:
# this must be set before WeasyPrint is imported, so that only the shipped
# fonts can ever be chosen (no silent substitution on another machine).
os.environ["FONTCONFIG_FILE"] = str(FONTS / "fonts.conf")

import weasyprint  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402

from .errors import KitError  # noqa: E402
from .fitting import Fit, Overflow, smaller  # noqa: E402
from .parts import atomic, join, part_path  # noqa: E402

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)



class ProjectOnlyFetcher(URLFetcher):
    """Reads files from the layouts and fonts folders and nothing else.

    Pack text is escaped, but a pack still must never be able to make the
    renderer read /etc/passwd or call the network.
    """

    ALLOWED = (LAYOUTS, FONTS)

    def fetch(self, url, headers=None):
        if url.startswith("file://"):
            from urllib.parse import unquote, urlparse

            path = Path(unquote(urlparse(url).path)).resolve()
            if any(path.is_relative_to(folder) for folder in self.ALLOWED) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(f"refused to fetch {url[:80]}")


FETCHER = ProjectOnlyFetcher()
_FONT_CONFIG = None

# What this process has laid out so far; a build reports the difference per
# product (layout passes, pages laid out, CPU seconds in WeasyPrint's layout).
LAYOUT_COUNT = {"passes": 0, "pages": 0, "seconds": 0.0}

# Developer switch: KIT_DUMP_HTML=DIR writes the final HTML of every PDF
# written (DIR/<product>.html), so that WeasyPrint alone can be timed on it.
DUMP_HTML = "KIT_DUMP_HTML"


def _font_config():
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def _walk(box):
    """Every box below `box`, absolutely placed ones included (WeasyPrint
    wraps those in placeholders that `descendants()` skips)."""
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(getattr(child, "_box", child))


def _overflows(document) -> dict[str, Overflow]:
    """Boxes marked `data-fit` whose content runs past their own box.

    Walks the laid-out boxes (WeasyPrint's private API, version pinned in
    pyproject) because anchors tell where text ends but not where it is cut.
    """
    found: dict[str, Overflow] = {}
    for page in document.pages:
        for box in _walk(page._page_box):
            element = getattr(box, "element", None)
            if element is None or box.element_tag is None:
                continue
            fit_id = element.get("data-fit")
            if not fit_id or not hasattr(box, "content_box_y"):
                continue
            if box.style["position"] == "static" and box.height == "auto":
                continue
            top, left = box.content_box_y(), box.content_box_x()
            bottom, right = top + box.height, left + box.width
            need_bottom, need_right = bottom, right
            for child in _walk(box):
                if child is box or not hasattr(child, "position_y"):
                    continue
                if type(child).__name__ == "TextBox":
                    need_right = max(need_right, child.position_x + child.width)
                if type(child).__name__ in ("LineBox", "TextBox", "BlockBox", "InlineReplacedBox", "BlockReplacedBox"):
                    need_bottom = max(need_bottom, child.position_y + child.margin_height())
            over_y, over_x = need_bottom - bottom - 0.5, need_right - right - 0.5
            if over_y > 0 or over_x > 0:
                ratio = max(
                    (need_bottom - top) / max(box.height, 1),
                    (need_right - left) / max(box.width, 1),
                )
                previous = found.get(fit_id)
                if previous is None or ratio > previous.ratio:
                    found[fit_id] = Overflow(fit_id, ratio)
    return found


def render_fitted(
    make_html: Callable[..., str],
    fit: Fit | None,
    describe: Callable[[str, Overflow, float], KitError],
    stylesheets: list[Path] = (),
    max_rounds: int = 8,
    pages_of: Callable[[set[str]], list[int]] | None = None,
):
    """Lay out, shrink what overflows, lay out again; fail where the floor is reached.

    `make_html(sizes, only)` gives the document with those font sizes. When
    the product can say which pages hold a set of fit ids (`pages_of`),
    `make_html(sizes, only)` gives just those pages: they are laid out again
    and put in place of the old ones, so fitting a few cards costs a few
    pages, not the deck.
    """
    sizes: dict[str, float] = {}
    document = probe = _layout(make_html(sizes, None), stylesheets)
    if fit is None:
        return _final(document, make_html, sizes)
    pages = list(document.pages)
    for _ in range(max_rounds):
        overflows = _overflows(probe)
        if fit.page_budget and len(probe.pages) > fit.page_budget:
            ratio = len(probe.pages) / fit.page_budget
            overflows[fit.page_fit_id] = Overflow(fit.page_fit_id, ratio)
        if not overflows:
            return _final(document if probe is document else document.copy(pages), make_html, sizes)
        for fit_id, overflow in overflows.items():
            size = sizes.get(fit_id, fit.start)
            if size <= fit.floor:
                raise describe(fit_id, overflow, fit.floor)
            sizes[fit_id] = smaller(size, overflow, fit)
        if pages_of is None:
            document = probe = _layout(make_html(sizes, None), stylesheets)
            pages = list(document.pages)
        else:
            only = set(overflows)
            probe = _layout(make_html(sizes, only), stylesheets)
            for index, page in zip(pages_of(only), probe.pages, strict=True):
                pages[index] = page
    first = next(iter(overflows.values()))
    raise describe(first.fit_id, first, fit.floor)


def _final(document, make_html, sizes):
    """The fitted document; with KIT_DUMP_HTML set it carries its whole HTML at
    the sizes chosen (fitting may have re-laid out only some of its pages)."""
    if os.environ.get(DUMP_HTML):
        document.kit_html = make_html(sizes, None)
    return document


def _dump(document, target: Path) -> None:
    folder = os.environ.get(DUMP_HTML)
    html = getattr(document, "kit_html", None)
    if folder and html is not None:
        name = target.name.lstrip(".").split(".pdf")[0]
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.html").write_text(html, encoding="utf-8")


def _layout(html: str, stylesheets):
    import time

    started = time.process_time()  # CPU time: what a busy machine does not inflate
    css = [
        weasyprint.CSS(filename=str(path), url_fetcher=FETCHER, font_config=_font_config())
        for path in stylesheets
    ]
    document = weasyprint.HTML(string=html, base_url=str(LAYOUTS) + "/", url_fetcher=FETCHER).render(
        stylesheets=css, font_config=_font_config()
    )
    LAYOUT_COUNT["passes"] += 1
    LAYOUT_COUNT["pages"] += len(document.pages)
    LAYOUT_COUNT["seconds"] += time.process_time() - started
    return document


def write_pdf(document, target: Path, pdf_variant: str | None = None) -> int:
    """Write atomically: a failure leaves the previous file as it was.

    `document` is a laid-out document, or an iterable of them (the chunks of
    a large deck), which are written one by one and joined.
    """
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    if not hasattr(document, "write_pdf") and hasattr(document, "__len__") and len(document) == 1:
        document = document[0]  # a deck of one chunk is written as one document, not joined
    if hasattr(document, "write_pdf"):
        with atomic(target) as f:
            document.write_pdf(f, **options)
        _dump(document, target)
        return len(document.pages)
    with atomic(target) as f:
        return join(_written(document, target, options), f)


def _written(documents, target: Path, options):
    import io

    for index, document in enumerate(documents, start=1):
        buffer = io.BytesIO()
        document.write_pdf(buffer, **options)
        _dump(document, part_path(target.parent, target.stem, index))
        del document  # let the laid-out chunk go before the next one is laid out
        yield buffer
