"""A self-contained HTML file: fonts cut down to the characters it shows and
inlined as data URLs, JSON data safe inside a `<script>` block, and a
Content-Security-Policy that allows exactly the scripts and styles inlined.

Used by the screen version (kit/products/screen.py); knows no product.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
from functools import lru_cache

from .paths import FONTS

# Families in the order the browser tries them for each character: the
# kit's own face first, Noto for the scripts Atkinson Hyperlegible lacks.
FAMILIES = (
    ("Kit", "AtkinsonHyperlegible"),
    ("Kit Noto", "NotoSans"),
    ("Kit Arabic", "NotoSansArabic"),
    ("Kit Hebrew", "NotoSansHebrew"),
)
WEIGHTS = (("Regular", 400), ("Bold", 700))
# Always in the subset: what the page's own code and CSS may show (digits for
# counts, punctuation, arrows drawn as text) whatever the pack holds.
BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "\u00a0–—‘’“”…·×←→↑↓"


@lru_cache(maxsize=16)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    font = TTFont(path, lazy=True)
    try:
        return frozenset(font.getBestCmap() or ())
    finally:
        font.close()


@lru_cache(maxsize=16)  # a server makes the same page again with another school name: same characters
def _subset(path: str, chars: frozenset[int]) -> bytes:
    from fontTools import subset

    options = subset.Options()
    options.flavor = None  # plain TrueType: no brotli needed, browsers take it as it is
    options.layout_features = ["*"]  # Arabic joining, kerning, ligatures
    options.name_IDs = ["*"]  # keep the names, with the licence notice
    options.notdef_outline = True
    font = subset.load_font(path, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(chars))
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def font_faces(text: str) -> tuple[str, list[str]]:
    """@font-face rules for the characters of `text` (and BASE_CHARS), and the
    font-family list to use. A family is included only when it has a
    character of the text that the ones before it lack."""
    wanted = {ord(c) for c in text + BASE_CHARS if not c.isspace() or c == " "}
    rules, families = [], []
    left = set(wanted)
    for family, stem in FAMILIES:
        regular = FONTS / f"{stem}-Regular.ttf"
        if not regular.is_file():
            continue
        has = _cmap(str(regular))
        mine = frozenset(c for c in wanted if c in has)
        if not (left & has):
            continue
        left -= has
        families.append(family)
        for style, weight in WEIGHTS:
            path = FONTS / f"{stem}-{style}.ttf"
            if not path.is_file():
                continue
            data = base64.b64encode(_subset(str(path), mine)).decode("ascii")
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: normal; '
                f'font-display: block; src: url("data:font/ttf;base64,{data}") format("truetype"); }}'
            )
    return "\n".join(rules), ", ".join(f'"{f}"' for f in families)


def json_block(data) -> str:
    """JSON to put between `<script type="application/json">` tags: `<`, `>`
    and `&` are escaped, so no text in it can close the tag or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def csp_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(scripts: list[str], styles: list[str]) -> str:
    """Nothing but the inlined scripts and styles, and the fonts the style
    carries as data: URLs (pictures are inline SVG). No connection, no form,
    no frame, no base."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(csp_hash(s) for s in scripts),
            "style-src " + " ".join(csp_hash(s) for s in styles),
            "font-src data:",
            "connect-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
        ]
    )


_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def policy_in(page: str) -> str | None:
    """The Content-Security-Policy a page of the kit carries in its meta tag,
    to send as a header too (a server adds what a meta tag cannot say)."""
    match = _POLICY.search(page)
    return html.unescape(match.group(1)) if match else None
