"""HTML -> PDF with WeasyPrint's public API: shipped fonts only, no fetching
outside the project, and files written atomically. Fitting and the layout
audit, which read the laid-out boxes, live in `fitting`."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from .paths import FONTS, LAYOUTS, layout_roots

# Fontconfig reads its configuration once, when Pango first asks for a font:
# this must be set before WeasyPrint is imported, so that only the shipped
# fonts can ever be chosen (no silent substitution on another machine).
os.environ["FONTCONFIG_FILE"] = str(FONTS / "fonts.conf")

from .libraries import quick_lookup  # noqa: E402

with quick_lookup():
    import weasyprint
from weasyprint.urls import URLFetcher  # noqa: E402

from . import cssvars, hyphenation, stylecache  # noqa: E402
from .parts import atomic  # noqa: E402

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)
hyphenation.install()  # patterns parsed once per machine (`kit.hyphenation`)
stylecache.install()  # linked stylesheets parsed once per process (`kit.stylecache`)



class ProjectOnlyFetcher(URLFetcher):
    """Reads files from the layouts and fonts folders and nothing else.

    Pack text is escaped, but a pack still must never be able to make the
    renderer read /etc/passwd or call the network.
    """

    def fetch(self, url, headers=None):
        if _project_file(url) is not None:
            return super().fetch(url, headers)
        raise ValueError(f"refused to fetch {url[:80]}")


def _project_file(url: str) -> Path | None:
    """The file a `file:` URL names, if it is in the layouts or fonts folders; else None."""
    if not url.startswith("file://"):
        return None
    from urllib.parse import unquote, urlparse

    path = Path(unquote(urlparse(url).path)).resolve()
    if any(path.is_relative_to(folder) for folder in (*layout_roots(), FONTS)) and path.is_file():
        return path
    return None


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


def final(document, whole_html):
    """The fitted document; with KIT_DUMP_HTML set it carries its whole HTML at
    the sizes chosen (fitting may have re-laid out only some of its pages)."""
    if os.environ.get(DUMP_HTML):
        document.kit_html = whole_html()
    return document


def dump_html(document, target: Path) -> None:
    """With KIT_DUMP_HTML set: the document's final HTML, named after `target`."""
    folder = os.environ.get(DUMP_HTML)
    html = getattr(document, "kit_html", None)
    if folder and html is not None:
        name = target.name.lstrip(".").split(".pdf")[0]
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.html").write_text(html, encoding="utf-8")


def _layout(html: str, stylesheets=()):
    """Lay out `html`; in a batch, pages laid out before are taken from the
    process's page cache (`kit.pagecache`). A row's own words marked as
    stamps are laid out apart from the pages that carry them (`kit.stamps`),
    so that those pages are the same for every row."""
    from . import pagecache, stamps

    cache = pagecache.active()

    def common(text: str):
        if cache is not None and not stylesheets:
            return cache.lay_out(text, _lay_out_now)
        return _lay_out_now(text, stylesheets)

    if not stylesheets and stamps.has_stamps(html):
        return stamps.lay_out(html, common, _lay_out_layer)
    return common(html)


def _lay_out_layer(html: str):
    """A stamp layer: a few lines, not a layout pass of the product (its CPU time counts)."""
    return _lay_out_now(html, count=False)


def _lay_out_now(html: str, stylesheets=(), count: bool = True):
    import time

    started = time.process_time()  # CPU time: what a busy machine does not inflate
    css = [
        weasyprint.CSS(filename=str(path), url_fetcher=FETCHER, font_config=_font_config())
        for path in stylesheets
    ]
    # custom properties with one value throughout, written in as values (`kit.cssvars`)
    values = {} if stylesheets else cssvars.constants(html, _local_stylesheet)
    with stylecache.substituting(values):
        document = weasyprint.HTML(string=cssvars.in_styles(html, values), base_url=str(LAYOUTS) + "/",
                                   url_fetcher=FETCHER).render(stylesheets=css, font_config=_font_config())
    if count:
        LAYOUT_COUNT["passes"] += 1
        LAYOUT_COUNT["pages"] += len(document.pages)
    LAYOUT_COUNT["seconds"] += time.process_time() - started
    return document


def _local_stylesheet(href: str) -> Path | None:
    """The file a document's stylesheet link names (relative to the layouts),
    where the fetcher would read it; else None."""
    from urllib.parse import urljoin

    return _project_file(urljoin(Path(LAYOUTS).as_uri() + "/", href))


def write_pdf(document, target, pdf_variant: str | None = None) -> int:
    """Write a laid-out document to `target` (a path, written atomically: a
    failure leaves the previous file as it was; or a binary file); returns
    its page count."""
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    repeats = getattr(document, "kit_repeats", None)
    if repeats:  # back pages a deck repeats, drawn once (`kit.repeats`)
        from .repeats import stamp

        options["finisher"] = stamp(repeats)
    if not isinstance(target, Path):
        _write(document, target, options, repeats)
        return len(document.pages)
    with atomic(target) as f:
        _write(document, f, options, repeats)
    dump_html(document, target)
    return len(document.pages)


def _write(document, out, options: dict, repeats) -> None:
    """A document with stamps (`kit.stamps`) is written as its common pages,
    kept for the batch's next row, with its stamps laid over them
    (`kit.overlay`); a PDF variant, whose pages are tagged, is drawn whole."""
    from . import overlay, pagecache

    cache = pagecache.active()
    store = cache.pdfs if cache is not None else None
    if options.get("pdf_variant") or not overlay.write(document, out, options, repeats, store):
        document.write_pdf(out, **options)

