"""The layouts' CSS custom properties written in as values before WeasyPrint
reads the stylesheets, where a document gives them one value throughout.

The layouts keep their colours and the safe area as custom properties
(`var(--accent)`), one source for each number. WeasyPrint resolves a `var()`
anew for every element that uses it (it parses the value again each time):
on a 1,000-card deck that was about a tenth of WeasyPrint's time. A
property declared only in `:root` rules, never with `!important`, never in
an `@media` or `@page` block and never in a `style` attribute, has that one
value on every element, so writing its value where `var()` names it prints
the same pages (the PDFs are byte-identical: tested). Any other property (a
header card's `--face`, set per card) is left to WeasyPrint.

Only the text of `<style>` elements and of linked stylesheets is changed:
pack text is escaped before it reaches the HTML, so it is never read as CSS.
"""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2

_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)
_SOURCE = re.compile(r"<style[^>]*>(.*?)</style>|<link\b[^>]*\brel=\"stylesheet\"[^>]*\bhref=\"([^\"]+)\"", re.S | re.I)
_ONE_CLASS = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)")
_VAR = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)\s*(?:,[^()]*)?\)")
_declared: dict[tuple, list] = {}  # a linked file (path, mtime, size) -> its custom property declarations


def _declarations(css: str) -> list[tuple[str, str | None, str | None]]:
    """(name, value, class) of each custom property declared in `css`, in
    order. The value is None where the declaration may not hold for every
    element; the class, where the rule is `.that-class` alone: such a rule
    counts only in a document with an element of that class (low ink's
    colours, in the documents printed in colour)."""
    out = []
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if rule.type in ("qualified-rule", "at-rule") and rule.content is not None:
            prelude = tinycss2.serialize(rule.prelude).strip() if rule.type == "qualified-rule" else ""
            only = _ONE_CLASS.fullmatch(prelude)
            out += _in_block(rule.content, prelude == ":root", only[1] if only else None)
    return out


def _in_block(content, root: bool, only: str | None = None) -> list[tuple[str, str | None, str | None]]:
    out = []
    for item in tinycss2.parse_blocks_contents(content, skip_whitespace=True, skip_comments=True):
        if item.type == "declaration" and item.name.startswith("--"):
            value = tinycss2.serialize(item.value).strip()
            out.append((item.name, value if root and not item.important else None, only))
        elif item.type in ("qualified-rule", "at-rule") and item.content is not None:
            out += _in_block(item.content, False)  # @media, @page's margin boxes, nesting: not constant
    return out


def _linked(path: Path) -> list[tuple[str, str | None, str | None]]:
    info = path.stat()
    key = (str(path), info.st_mtime_ns, info.st_size)
    if key not in _declared:
        if len(_declared) >= 256:
            _declared.clear()
        _declared[key] = _declarations(path.read_text(encoding="utf-8"))
    return _declared[key]


def constants(html: str, resolve) -> dict[str, str]:
    """Custom properties with one value throughout the document `html`;
    `resolve(href)` is the path of a linked stylesheet (None: not a local
    file, and then nothing is taken as constant)."""
    found: dict[str, str | None] = {}
    rest = _STYLE.sub("", html)  # the elements (pack text in them is escaped)
    present: dict[str, bool] = {}  # whether an element has the class, looked for once per class
    for inline, href in _SOURCE.findall(html):
        if href:
            path = resolve(href)
            if path is None:
                return {}
            declared = _linked(path)
        else:
            declared = _declarations(inline)
        for name, value, only in declared:
            if only is not None:
                if only not in present:
                    present[only] = _has_class(rest, only)
                if not present[only]:
                    continue  # a rule no element of this document matches
            found[name] = None if value is None or found.get(name, "") is None else value
    values = {name: value for name, value in found.items() if value is not None}
    if values:  # one pass over the elements for every name set in a style attribute
        longest_first = sorted(values, key=len, reverse=True)
        set_inline = set(re.findall("(" + "|".join(map(re.escape, longest_first)) + r")\s*:", rest))
        values = {name: value for name, value in values.items() if name not in set_inline}
    for _ in range(4):  # values that name other constants
        values = {name: substitute(value, values) for name, value in values.items()}
    return {name: value for name, value in values.items() if name not in value}


def _has_class(html: str, name: str) -> bool:
    return re.search(r'class="[^"]*(?<![A-Za-z0-9_-])' + re.escape(name) + r'(?![A-Za-z0-9_-])', html) is not None


def substitute(css: str, values: dict[str, str]) -> str:
    """`css` with each `var()` of a property in `values` replaced by its value."""
    if not values or "var(" not in css:
        return css
    return _VAR.sub(lambda m: values.get(m.group(1), m.group(0)), css)


def in_styles(html: str, values: dict[str, str]) -> str:
    """`html` with its `<style>` elements' `var()`s of `values` replaced."""
    if not values:
        return html
    return _STYLE.sub(lambda m: m.group(1) + substitute(m.group(2), values) + m.group(3), html)
