"""HTML -> PDF with WeasyPrint's public API: shipped fonts only, no fetching
outside the project, and files written atomically. Fitting and the layout
audit, which read the laid-out boxes, live in `fitting`."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from .paths import FONTS, LAYOUTS

# Fontconfig reads its configuration once, when Pango first asks for a font:
# this must be set before WeasyPrint is imported, so that only the shipped
# fonts can ever be chosen (no silent substitution on another machine).
os.environ["FONTCONFIG_FILE"] = str(FONTS / "fonts.conf")

import weasyprint  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402

from .fitting import render_fitted  # noqa: E402,F401 - where products have always found it

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


def _font_config():
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def _layout(html: str, stylesheets):
    css = [
        weasyprint.CSS(filename=str(path), url_fetcher=FETCHER, font_config=_font_config())
        for path in stylesheets
    ]
    return weasyprint.HTML(string=html, base_url=str(LAYOUTS) + "/", url_fetcher=FETCHER).render(
        stylesheets=css, font_config=_font_config()
    )


_UMASK = os.umask(0)
os.umask(_UMASK)


def write_pdf(document, target: Path, pdf_variant: str | None = None) -> int:
    """Write atomically: a failure leaves the previous file as it was.

    `document` is a laid-out document, or an iterable of them (the chunks of
    a large deck), which are written one by one and joined.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".pdf.part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if hasattr(document, "write_pdf"):
                document.write_pdf(f, **options)
                pages = len(document.pages)
            else:
                pages = _join(document, f, options)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes it private; a PDF is for sharing
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return pages


def _join(documents, out, options) -> int:
    import io

    import pypdf

    writer = pypdf.PdfWriter()
    metadata = language = None
    for document in documents:
        buffer = io.BytesIO()
        document.write_pdf(buffer, **options)
        del document  # let the laid-out chunk go before the next one is laid out
        reader = pypdf.PdfReader(buffer)
        metadata = metadata or reader.metadata
        language = language or reader.trailer["/Root"].get("/Lang")
        writer.append(reader)
    if metadata:
        writer.add_metadata(dict(metadata))
    if language:
        writer._root_object[pypdf.generic.NameObject("/Lang")] = pypdf.generic.TextStringObject(language)
    writer.write(out)
    return len(writer.pages)
