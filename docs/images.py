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
    "poster-series": [0, 3],
    "answer-key": [0],
    "worksheet": [0],
    "guide": [0],
    "alignment": [0, 1],
}
HEIGHT_PX = 420


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(ROOT / "generate.py"), "--out", tmp, "--force",
                        "--only", ",".join(PICTURES)], check=True)
        for product, pages in PICTURES.items():
            pdf = pdfium.PdfDocument(str(Path(tmp) / "collectief-leren" / f"{product}.pdf"))
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
            target = ROOT / "docs" / f"{product}.png"
            sheet.save(target, optimize=True)
            print(f"wrote {target}")


if __name__ == "__main__":
    main()
