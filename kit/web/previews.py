"""Page pictures for the web page: one large PNG per page, and a thumbnail."""

from __future__ import annotations

from pathlib import Path

LARGE_DPI = 110
THUMB_WIDTH = 180


def preview_path(pdf: Path, page: int, size: str) -> Path:
    return pdf.parent / "web-preview" / f"{pdf.stem}-p{page:03d}-{size}.png"


def write_previews(pdf: Path, fresh: bool = True) -> int:
    """Write both sizes of every page; returns the page count. An unchanged
    PDF (`fresh` False) keeps the pictures it already has."""
    import pypdfium2 as pdfium

    folder = pdf.parent / "web-preview"
    folder.mkdir(exist_ok=True)
    document = pdfium.PdfDocument(str(pdf))
    try:
        count = len(document)
        if not fresh and all(preview_path(pdf, n, "thumb").is_file() for n in range(1, count + 1)):
            return count
        for old in folder.glob(f"{pdf.stem}-p*.png"):
            old.unlink()
        for number, page in enumerate(document, start=1):
            image = page.render(scale=LARGE_DPI / 72).to_pil()
            image.save(preview_path(pdf, number, "large"))
            image.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 2))
            image.save(preview_path(pdf, number, "thumb"))
    finally:
        document.close()
    return count
