"""Page products (poster, answer key, worksheet, guide): one template per
product, extending the common document template, rendered and fitted."""

from __future__ import annotations

from . import design, glyphs, imposition
from .context import Built, Context
from .fitting import Fit, render_fitted, sizes_for
from .html import render_template
from .parts import Parts


def build_document(
    ctx: Context,
    product_id: str,
    title: str,
    paper: str,
    fit: Fit | None = None,
    what: str = "page",
    page: dict | None = None,
    describe=None,
    sheet_size: tuple[float, float] | None = None,
    **context,
) -> Built:
    """Render `layouts/<product_id>/page.html.j2` on `paper` (a sheet name);
    `page` names a page of the product's own and its geometry (`design.page_css`).

    Templates get `fs(fit_id)`, the font size in points the fitting chose for
    a `data-fit` box (or for the page budget's fit id). `describe` replaces
    the one-line error for a box that does not fit (see `fitting.render_fitted`).
    """
    glyphs.check(ctx, product_id)
    sheet = sheet_size or imposition.parse_sheet(paper)  # sheet_size: a sheet turned, e.g. A3 landscape
    meta = ctx.document_meta(title)
    page_css = design.page_css(sheet, **(page or {}))

    def make_html(sizes: dict[str, float], only=None) -> str:
        return render_template(
            f"{product_id}/page.html.j2",
            product=product_id,
            meta=meta,
            page_css=page_css,
            sheet_w=sheet[0],  # for a page that draws its sheet itself (the sorting mat, case cards)
            sheet_h=sheet[1],
            **ctx.template_context(),
            title=title,
            fs=sizes_for(fit, sizes),
            **context,
        )

    document = render_fitted(make_html, fit, describe or ctx.fit_error(what))
    return Built(document=Parts.laid(document), note=f"{paper}")


def running(ctx: Context, bottom: str = "", top: str = "", legend: str = "") -> dict:
    """The running footer (`bottom`), head (`top`, from the second page on)
    and page number of a page product.

    They reach the page as attributes of the `.running` element, which the
    stylesheet turns into named strings (`string-set: ... attr(...)`): text
    in them is printed as text and never read as CSS.
    """
    before, n, rest = ctx.labels["page_of"].partition("{n}")
    between, total, after = rest.partition("{total}")
    if not (n and total):
        raise ValueError(f"label page_of must hold {{n}} and then {{total}}: {ctx.labels['page_of']!r}")
    return {
        "top": top,
        "bottom": bottom,
        "legend": legend,
        "page_before": before,
        "page_between": between,
        "page_after": after,
    }
