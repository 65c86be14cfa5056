"""Sorting mat: an A3 sheet (Tabloid with Letter) with a zone per category
under its header (colour, shape, question word, label, as on the header
cards), each zone large enough for that category's statement cards at the
deck's card size, so that a group sorts onto it. Without an A3 printer
(`--poster-paper` not a3 or tabloid) the mat is printed in parts on the
cards' paper, each part saying which edge joins which. Once per set."""

from __future__ import annotations

from .. import imposition, mat, promises, sets
from ..context import Built, Context, Product
from ..documents import build_document
from ..fitting import Fit
from ..palette import category_style
from .sort_cards import STATEMENT_SIZE

# the mat's title line 9 pt down to 6.5; a zone's label 15 pt down to 8
FIT = Fit(start=9.0, floor=6.5, limits={"title": (9.0, 6.5), "label": (15.0, 8.0)})
LARGE_SHEETS = ("a3", "tabloid")


def mat_sheet(options) -> tuple[tuple[float, float], str, bool]:
    """(size in mm, paper name, whether in parts): A3 landscape, Tabloid with
    Letter; the cards' own paper upright when the mat is printed in parts."""
    if (options.poster_paper or "a3") in LARGE_SHEETS:  # not given: A3 (Tabloid with Letter)
        name = "tabloid" if options.paper == "letter" or options.poster_paper == "tabloid" else "a3"
        w, h = imposition.parse_sheet(name)
        return (h, w), name, False
    return imposition.parse_sheet(options.paper), options.paper, True


def mat_paper(options) -> str:
    """The sheet the mat is printed on (its guide line and the page's advice name it)."""
    return mat_sheet(options)[1]


def build(ctx: Context) -> Built:
    pack = ctx.pack
    card = imposition.parse_card_size(ctx.options.card_size or STATEMENT_SIZE)
    size, name, in_parts = mat_sheet(ctx.options)
    counts = [(c, len(pack.statements_of(c.id))) for c in pack.categories]
    pages = mat.plan(counts, card, size)
    styles = {c.id: category_style(ctx, c) for c in pack.categories}
    title = ctx.labels["sort_mat"]
    built = build_document(
        ctx,
        "sort-mat",
        title,
        name,
        fit=FIT,
        sheet_size=size,
        groups=sets.marks(ctx.options.sets),
        pages=pages,
        styles=styles,
        card=card,
        strip=mat.STRIP_MM,
        header=mat.HEADER_MM,
        pad=mat.PAD_MM,
        inset=mat.INSET_MM,
        title_h=mat.TITLE_MM,
        in_parts=in_parts,
        column_height=mat.column_height,
    )
    parts = f"{len(pages)} parts of {name}" if in_parts and len(pages) > 1 else f"{len(pages)} {name} sheet{'s' if len(pages) > 1 else ''}"
    built.note = f"{parts} a set, for {card[0]:g} x {card[1]:g} mm cards"
    return built


def promised(pack) -> list:
    """The label of every category (a zone each); no QR code: the mat is covered in cards."""
    return promises.categories(pack, definitions=False)


PRODUCT = Product(
    id="sort-mat",
    kind="document",
    needs=("categories", "statements"),
    build=build,
    promised=promised,
    qr=False,
    order=25,
    paper_option="poster_paper",
    sheet_of=mat_paper,
    prints_values=(),
)
