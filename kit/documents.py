"""Page products (poster, answer key, worksheet, guide): one template per
product, extending the common document template, rendered and fitted."""

from __future__ import annotations

import re

from markupsafe import Markup

from . import imposition
from .context import Built, Context
from .fitting import Fit, sizes_for
from .html import render_template


def build_document(
    ctx: Context,
    product_id: str,
    title: str,
    paper: str,
    fit: Fit | None = None,
    what: str = "page",
    **context,
) -> Built:
    """Render `layouts/<product_id>/page.html.j2` on `paper` (a sheet name).

    Templates get `fs(fit_id)`, the font size in points the fitting chose for
    a `data-fit` box (or for the page budget's fit id).
    """
    sheet = imposition.parse_sheet(paper)
    meta = ctx.document_meta(title)

    def make_html(sizes: dict[str, float], only=None) -> str:
        return render_template(
            f"{product_id}/page.html.j2",
            product=product_id,
            meta=meta,
            sheet_w=sheet[0],
            sheet_h=sheet[1],
            **ctx.template_context(),
            title=title,
            fs=sizes_for(fit, sizes),
            **context,
        )

    from .render import render_fitted  # WeasyPrint loads only when something is rendered

    document = render_fitted(make_html, fit, ctx.fit_error(what))
    return Built(document=document, note=f"{paper}")


def css_string(text: str) -> Markup:
    """A CSS string literal for a margin box's `content`, safe inside <style>."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3C ")
    return Markup(f'"{escaped}"')


def page_of_css(pattern: str) -> Markup:
    """'page {n} of {total}' -> CSS content with the page counters."""
    parts = []
    for piece in re.split(r"(\{n\}|\{total\})", pattern):
        if piece == "{n}":
            parts.append("counter(page)")
        elif piece == "{total}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ".join(parts))
