"""Page pictures for the web page: one large PNG per page, and a thumbnail.

The thumbnails are what the page shows first: they are drawn (straight at
their size, which takes a fraction of a large picture's time) and announced
before the large pictures, which are opened only when a page is clicked.
"""

from __future__ import annotations

from pathlib import Path

LARGE_DPI = 110
THUMB_WIDTH = 180


def preview_path(pdf: Path, page: int, size: str) -> Path:
    return pdf.parent / "web-preview" / f"{pdf.stem}-p{page:03d}-{size}.png"


def _save(image, target: Path) -> None:
    """Written whole or not at all: a request for it never reads half a file."""
    tmp = target.with_name(f".{target.name}.part")
    image.save(tmp, format="PNG")
    tmp.replace(target)


def write_previews(pdf: Path, fresh: bool = True, on_thumbs=None) -> int:
    """Write both sizes of every page; returns the page count. An unchanged
    PDF (`fresh` False) keeps the pictures it already has. `on_thumbs(count)`
    is called once the thumbnails are written, before the large pictures."""
    import pypdfium2 as pdfium

    folder = pdf.parent / "web-preview"
    folder.mkdir(exist_ok=True)
    document = pdfium.PdfDocument(str(pdf))
    try:
        count = len(document)
        if not fresh and all(preview_path(pdf, n, "large").is_file() for n in range(1, count + 1)):
            if on_thumbs:
                on_thumbs(count)
            return count
        for old in folder.glob(f"{pdf.stem}-p*.png"):
            old.unlink()
        for number, page in enumerate(document, start=1):
            width, height = page.get_size()
            scale = min(THUMB_WIDTH / width, THUMB_WIDTH * 2 / height)
            _save(page.render(scale=scale).to_pil(), preview_path(pdf, number, "thumb"))
        if on_thumbs:
            on_thumbs(count)
        for number, page in enumerate(document, start=1):
            _save(page.render(scale=LARGE_DPI / 72).to_pil(), preview_path(pdf, number, "large"))
    finally:
        document.close()
    return count
