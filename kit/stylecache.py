"""The layouts' stylesheets parsed once per process, not once per layout.

Every document the kit lays out links its stylesheets (`<link
rel="stylesheet" href="common/base.css">`), and WeasyPrint parses each link
anew for every layout: in a batch, where each row lays out only its own
words as a small document of its own (`kit.stamps`), parsing the same files
was half of that layout. A parsed stylesheet (its selectors' matcher and
declarations) does not depend on the document that links it, so a linked
file is parsed once per process and reused while the file is unchanged.

What parsing a stylesheet hands to the layout besides the stylesheet itself
is kept as WeasyPrint hands it: its `@page` rules are added to the layout's
list of page rules, in the order of the links, so the layout sees what it
would have seen parsing them. A stylesheet that gives the layout anything
else (cascade layers, counter styles, colour profiles: the layouts use none)
is not kept, and is parsed for every layout as before.

A layout whose document gives some custom properties one value throughout
(`kit.cssvars`) has them written into a linked file's text before it is
parsed: the file is read through the layout's own fetcher, and the parse is
kept for that set of values (the key holds them).

WeasyPrint 70 (pinned) creates a linked stylesheet through the name `CSS` in
`weasyprint.css`; `install()` puts the cache there. Importing this module
loads no renderer.
"""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path
from urllib.parse import unquote, urlparse

_parsed: dict[tuple, object] = {}  # (url, file's mtime and size, media, font config, fetcher, values) -> sheet
_installed = False
LIMIT = 128  # distinct stylesheets kept (the layouts have about 30, each with a document's custom properties)
_values: tuple = ()  # the custom properties written in as values (`kit.cssvars`), for the layout under way


@contextlib.contextmanager
def substituting(values: dict[str, str]):
    """Linked stylesheets parsed meanwhile have these custom properties'
    `var()`s replaced by their values (`kit.cssvars`): the layout's document
    gives them one value throughout."""
    global _values
    saved, _values = _values, tuple(sorted(values.items()))
    try:
        yield
    finally:
        _values = saved


def install() -> None:
    """Make WeasyPrint take linked stylesheets from this process's cache."""
    global _installed
    if _installed:
        return
    import weasyprint.css  # noqa: PLC0415 (only where rendering happens)

    real = weasyprint.css.CSS

    def css(*args, url=None, **kwargs):
        key = _key(url, kwargs) if url is not None and not args else None
        if key is None:
            return real(*args, url=url, **kwargs)
        sheet = _parsed.get(key)
        if sheet is None:
            sheet = _parse(real, url, kwargs)
            if sheet is None:  # gives the layout more than page rules: parsed as WeasyPrint does
                return real(url=url, **kwargs)
            if len(_parsed) >= LIMIT:
                _parsed.pop(next(iter(_parsed)))
            _parsed[key] = sheet
        return _linked(sheet, kwargs)

    weasyprint.css.CSS = css
    _installed = True


def _key(url: str, kwargs: dict):
    """The cache key of a stylesheet linked by `url`, a local file; None for any other."""
    if not url.startswith("file://"):
        return None
    try:
        info = Path(unquote(urlparse(url).path)).stat()
    except OSError:
        return None  # the fetcher names the failure, as without the cache
    return (url, info.st_mtime_ns, info.st_size, kwargs.get("media_type"), id(kwargs.get("font_config")),
            id(kwargs.get("url_fetcher")), kwargs.get("_check_mime_type"), _values)


def _parse(real, url: str, kwargs: dict):
    """The stylesheet at `url` parsed with containers of its own, or None
    when it puts anything but page rules in them."""
    own = dict(kwargs, page_rules=[], layers=[], counter_style={}, color_profiles={})
    text = _substituted(url, kwargs.get("url_fetcher")) if _values else None
    sheet = real(url=url, **own) if text is None else real(string=text, base_url=url, **own)
    if sheet.layers or own["counter_style"] or own["color_profiles"]:
        return None
    sheet.kit_page_rules = list(sheet.page_rules)
    return sheet


def _substituted(url: str, fetcher) -> str | None:
    """The stylesheet's text, read through the layout's fetcher (which refuses
    what it refuses for any stylesheet), with the layout's custom properties
    written in; None where the fetcher cannot be asked."""
    from . import cssvars

    if fetcher is None:
        return None
    response = fetcher.fetch(url)
    try:
        text = response.read()
    finally:
        response.close()
    return cssvars.substitute(text.decode("utf-8") if isinstance(text, bytes) else text, dict(_values))


def _linked(sheet, kwargs: dict):
    """The parsed `sheet` as a layout's own: its page rules added to the
    layout's list, which the sheet then shares, as a freshly parsed one would."""
    page_rules = kwargs.get("page_rules")
    if page_rules is None:
        page_rules = []
    page_rules.extend(sheet.kit_page_rules)
    linked = copy.copy(sheet)  # the matcher and declarations are shared, never changed by a layout
    linked.page_rules = page_rules
    linked.layers = kwargs.get("layers") if kwargs.get("layers") is not None else []
    return linked


def forget() -> None:
    """Drop the parsed stylesheets (for a test that changes a layout's file)."""
    _parsed.clear()
