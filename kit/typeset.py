"""Text filters for the layouts: words a typesetter never hyphenates.

A hyphen added inside a web address, an e-mail address, a code, a date or a
number changes what it says (typed as printed, `artevelde-/hogeschool.be` is
a wrong address). `unbroken` escapes pack text and wraps each such token in
`<span class="nohy">` (the stylesheet sets `hyphens: none` on it); inside an
address it adds a break opportunity (`<wbr>`) after each `/`, `.` and `-`
that is already there, so that a long address wraps without a hyphen. The
pack's text stays escaped: only the kit's own tags are markup.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

_TRAILING = ".,;:!?)]}'\"»”’"


_SPACE = r"[\s\u00a0\u202f]"


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    parts = [
        r"(?P<url>(?:https?://|www\.)[^\s<>\"]+)",
        r"(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
        # a bare domain with a path or not: artevelde-hogeschool.be/onderzoek
        r"(?P<domain>\b(?:[a-z0-9][a-z0-9-]*\.)+[a-z]{2,}(?:/[^\s<>\"]*)?)",
        # dates in any language: 4 december 2026, 4. Dezember 2026, 4 грудня 2026 р., December 4, 2026,
        # 2026-12-04, 04/12/2026 (a day, a word, a year: the word is never hyphenated)
        rf"(?P<date>\b\d{{1,2}}\.?{_SPACE}+[^\W\d_]+\.?{_SPACE}+\d{{4}}(?:{_SPACE}[^\W\d_]{{1,3}}\.)?"
        rf"|\b[^\W\d_]+\.?{_SPACE}\d{{1,2}},?{_SPACE}+\d{{4}}\b"  # December 4, 2026
        r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b)",
        # codes and numbers: SONO/2020.OL2.2, 1.200, 10-15, OL2
        r"(?P<code>\b(?=[\w./-]*\d)\w+(?:[./-]\w+)*)",
    ]
    return re.compile("|".join(parts), re.IGNORECASE)


def _breakable(token: str) -> str:
    """An escaped address with a break opportunity after each / . and -."""
    return re.sub(r"([/.\-])(?=[^/])", r"\1<wbr>", str(escape(token)))


def unbroken(text) -> Markup:
    """`text` escaped, its addresses, dates, codes and numbers never hyphenated."""
    if text is None:
        return Markup("")
    text = str(text)
    out, last = [], 0
    for match in _pattern().finditer(text):
        token = match.group(0)
        kind = match.lastgroup
        if kind in ("url", "domain", "email"):
            stripped = token.rstrip(_TRAILING)
            if kind == "domain" and "." not in stripped:
                continue
            token = stripped
        if not token:
            continue
        start = match.start()
        out.append(str(escape(text[last:start])))
        inner = _breakable(token) if kind in ("url", "domain", "email") else str(escape(token))
        out.append(f'<span class="nohy">{inner}</span>')
        last = start + len(token)
    out.append(str(escape(text[last:])))
    return Markup("".join(out))
