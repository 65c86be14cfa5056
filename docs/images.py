"""Render the README's pictures from the real output: `python docs/images.py`."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PICTURES = {  # product -> pages to show side by side (0-based)
    "dialogue-cards": [0, 1],
    "sort-cards": [0, 2],
    "poster": [0],
    "answer-key": [0],
    "worksheet": [0],
    "sort-mat": [0],
    "results-sheet": [0],
    "guide": [0, 1],
    "alignment": [0, 1],
}
# picture name -> (pack, options, product, pages): what the default build does not show
EXTRA = {
    "case-cards": ("teamleren", [], "case-cards", [0, 1]),
    "sort-mat-parts": ("collectief-leren", ["--poster-paper", "a2", "--low-ink"], "sort-mat", [0, 1, 2]),
}
HEIGHT_PX = 420


def _picture(pdf_path: Path, pages: list[int], target: Path) -> None:
    pdf = pdfium.PdfDocument(str(pdf_path))
    images = []
    for index in pages:
        page = pdf[index]
        scale = HEIGHT_PX / page.get_height()
        images.append(page.render(scale=scale).to_pil())
    pdf.close()
    width = sum(im.width for im in images) + 12 * (len(images) - 1)
    sheet = Image.new("RGB", (width, HEIGHT_PX), "#ffffff")
    x = 0
    for im in images:
        sheet.paste(im, (x, 0))
        x += im.width + 12
    sheet.save(target, optimize=True)
    print(f"wrote {target}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(ROOT / "generate.py"), "--out", tmp, "--force", "--set", "start=13:30",
                        "--sets", "2", "--only", ",".join(PICTURES)], check=True)
        for product, pages in PICTURES.items():
            _picture(Path(tmp) / "collectief-leren" / f"{product}.pdf", pages, ROOT / "docs" / f"{product}.png")
        for name, (pack, options, product, pages) in EXTRA.items():
            out = Path(tmp) / name
            subprocess.run([sys.executable, str(ROOT / "generate.py"), "--content", pack, "--out", str(out), "--force",
                            *options, "--only", product], check=True)
            _picture(out / pack / f"{product}.pdf", pages, ROOT / "docs" / f"{name}.png")


if __name__ == "__main__":
    main()
