"""PNG previews: every page, and one contact sheet per product."""

from __future__ import annotations

from pathlib import Path

PREVIEW_DPI = 60


def write_previews(pdf: Path, dpi: int = PREVIEW_DPI) -> list[Path]:
    """Write `preview/<product>-pNN.png` for every page and `<product>-contact.png`."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageOps

    folder = pdf.parent / "preview"
    folder.mkdir(exist_ok=True)
    for old in folder.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    document = pdfium.PdfDocument(str(pdf))
    written, images = [], []
    try:
        for number, page in enumerate(document, start=1):
            image = page.render(scale=dpi / 72).to_pil()
            path = folder / f"{pdf.stem}-p{number:02d}.png"
            image.save(path, optimize=False)
            written.append(path)
            images.append(image)
    finally:
        document.close()
    if images:
        thumb_w = 220
        thumbs = [ImageOps.expand(im.resize((thumb_w, round(im.height * thumb_w / im.width))), border=1, fill="#888") for im in images]
        cols = min(4, len(thumbs))
        rows = -(-len(thumbs) // cols)
        cell_w, cell_h = thumb_w + 12, max(t.height for t in thumbs) + 12
        sheet = Image.new("RGB", (cols * cell_w + 12, rows * cell_h + 12), "#d8d8d4")
        for index, thumb in enumerate(thumbs):
            sheet.paste(thumb, (12 + (index % cols) * cell_w, 12 + (index // cols) * cell_h))
        contact = folder / f"{pdf.stem}-contact.png"
        sheet.save(contact)
        written.append(contact)
    return written
