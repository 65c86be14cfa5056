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
CHROMIUM = "/usr/bin/chromium"  # Debian's, driven by Playwright (a test dependency)


def screen_picture(out: Path) -> None:
    """The screen version as a facilitator shows it: the sort exercise on a
    1280 x 720 projector after Check, and a dialogue card on a 390 x 844 phone."""
    from playwright.sync_api import sync_playwright

    subprocess.run([sys.executable, str(ROOT / "generate.py"), "--out", str(out), "--only", "screen",
                    "--set", "school=De Linde", "--set", "date=2026-12-04"], check=True)
    page_url = (out / "collectief-leren" / "screen.html").as_uri()
    with sync_playwright() as p:
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        projector = browser.new_page(viewport={"width": 1280, "height": 720})
        projector.goto(page_url)
        projector.keyboard.press("2")
        projector.locator("#stack .scard").first.focus()
        for key in "1231323":  # seven cards by keyboard: some right, some wrong
            projector.keyboard.press(key)
        projector.get_by_role("button", name="Controleer").click()
        big = out / "projector.png"
        projector.screenshot(path=str(big))
        phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
        phone.goto(page_url + "#1")
        phone.keyboard.press("Space")
        small = out / "phone.png"
        phone.screenshot(path=str(small))
        browser.close()
    left, right = Image.open(big), Image.open(small).resize((round(390 * 720 / 844), 720))
    sheet = Image.new("RGB", (left.width + 16 + right.width, 720), "#ffffff")
    sheet.paste(left, (0, 0))
    sheet.paste(right, (left.width + 16, 0))
    target = ROOT / "docs" / "screen.png"
    sheet.save(target, optimize=True)
    print(f"wrote {target}")


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
        screen_picture(Path(tmp))


if __name__ == "__main__":
    main()
