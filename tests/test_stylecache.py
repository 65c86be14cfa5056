"""A linked stylesheet is parsed once per process (kit/stylecache.py): a
layout that takes it from the cache gets what parsing it gives (its rules,
its page size), and a file changed on disk is parsed again."""

from __future__ import annotations

import os
from pathlib import Path

MM = 96 / 25.4  # CSS px per mm


def _pages(html: Path) -> list[tuple[float, float]]:
    import kit.render  # noqa: F401 - installs the cache
    import weasyprint

    document = weasyprint.HTML(filename=str(html)).render()
    return [(round(page.width / MM, 1), round(page.height / MM, 1)) for page in document.pages]


def _colour(html: Path) -> tuple:
    import weasyprint

    document = weasyprint.HTML(filename=str(html)).render()
    paragraph = document.pages[0]._page_box.descendants()
    return next(tuple(box.style["color"])[:3] for box in paragraph if getattr(box, "element_tag", "") == "p")


def test_a_cached_stylesheet_gives_each_layout_its_page_size_and_rules(tmp_path):
    from kit import stylecache

    css = tmp_path / "style.css"
    css.write_text("@page { size: 100mm 50mm; margin: 5mm } p { color: rgb(255, 0, 0) }", encoding="utf-8")
    html = tmp_path / "page.html"
    html.write_text('<html><head><link rel="stylesheet" href="style.css"></head><body><p>Words</p></body></html>',
                    encoding="utf-8")
    url = css.resolve().as_uri()
    assert _pages(html) == [(100.0, 50.0)]
    parsed = {key: sheet for key, sheet in stylecache._parsed.items() if key[0].endswith(url.partition("://")[2])}
    assert len(parsed) == 1  # kept
    assert _pages(html) == [(100.0, 50.0)] and _colour(html) == (1.0, 0.0, 0.0)  # from the cache: the same
    assert all(key in stylecache._parsed for key in parsed)

    css.write_text("@page { size: 80mm 40mm; margin: 5mm } p { color: rgb(0, 0, 255) }", encoding="utf-8")
    stat = css.stat()
    os.utime(css, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a later edit, whatever the clock's grain
    assert _pages(html) == [(80.0, 40.0)] and _colour(html) == (0.0, 0.0, 1.0)
