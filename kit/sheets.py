"""Card products: cards -> imposed sheets (fronts, backs, cut marks) -> document.

A card product gives its cards in groups of one size; this module lays them
out with `imposition`, pairs every front page with its back page for the
chosen duplex mode, and renders the common sheet template with the product's
own card macros.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import design, glyphs, imposition
from .context import Built, Context
from .fitting import Fit, render_fitted, sizes_for
from .html import render_template
from .parts import Parts
from .imposition import Grid, Slot

RULER_MM = 50
CHUNK_PAGES = 40  # laid out at once; bounds memory on decks of hundreds of sheets
FOLD_LINE_MM = 0.2  # the dashed fold line of --duplex fold, centred on the fold

# Sheet furniture, in mm. With bleed, cut lines stop this far short of the
# grid's bleed, so that no background ever covers them.
CUT_LINE_GAP_MM = 1.0
# A sheet note is one line of 6.5 pt type: it needs this much room between
# the printer's unprintable border and the grid ...
NOTE_ROOM_MM = 3.0
NOTE_ABOVE_GRID_MM = 3.2  # ... its top sits this far above the grid (one line and a little air)
NOTE_BELOW_GRID_MM = 0.8  # ... or this far below it
# With no room below the grid, the second note goes above the first: it needs
# two notes' room there, and sits this far above the grid.
TWO_NOTES_ROOM_MM = 6.0
SECOND_NOTE_ABOVE_GRID_MM = 6.2
# The ruler is 2 mm wide: beside the grid it needs this much room, and its
# left edge sits this far left of the grid (0.6 mm of air to the cards).
RULER_SIDE_ROOM_MM = 3.0
RULER_LEFT_OF_GRID_MM = 2.6
# Under the grid (when there is no room beside it) it goes below the bottom
# note: it needs this much room, and its top sits this far below the grid.
RULER_BELOW_ROOM_MM = 7.0
RULER_BELOW_GRID_MM = 4.0


@dataclass
class Card:
    id: str  # fit id: errors name it
    kind: str  # CSS class, e.g. 'statement' or 'header'
    front: dict
    back: dict | None = None
    face: str | None = None  # front background colour, into the bleed (not in low-ink)
    mark: object = None  # its set's `sets.SetMark` (--sets N), printed in a corner of both sides

    @property
    def anchor(self) -> str:
        """Its slot's id on the sheet: the same card in another set has another."""
        return self.id + (self.mark.suffix if self.mark else "")


@dataclass
class CardGroup:
    size: tuple[float, float]
    cards: list[Card]
    name: str = "cards"  # for the build line: "9 statements per a4 sheet"


@dataclass
class Place:
    slot: Slot
    card: Card
    side: str  # 'front', 'back' or 'fold'
    card_w: float
    card_h: float
    bleed: float


@dataclass
class Page:
    side: str
    places: list[Place]
    grid: Grid
    number: int = 0  # sheet number, shared by a front and its back
    marks: list = field(default_factory=list)
    note: str = ""
    spots: dict = field(default_factory=dict)

    @property
    def cut_path(self) -> str:
        return svg_path(self.marks)


def svg_path(lines) -> str:
    """Lines (x1, y1, x2, y2) in mm as the `d` of one SVG path: a sheet's
    furniture is drawn as one element, not one box per line."""
    return "".join(f"M{_num(x1)} {_num(y1)}L{_num(x2)} {_num(y2)}" for x1, y1, x2, y2 in lines)


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _ruler_lines(x: float, y: float, vertical: bool) -> list[tuple[float, float, float, float]]:
    """The ruler's line and its ticks every 10 mm, in sheet mm; the end ticks
    are pulled in by half their width so that the ruler measures exactly
    RULER_MM from outer edge to outer edge."""
    ticks = [min(max(t, 0.125), RULER_MM - 0.125) for t in range(0, RULER_MM + 1, 10)]
    if vertical:
        return [(x + 1, y, x + 1, y + RULER_MM)] + [(x, y + t, x + 2, y + t) for t in ticks]
    return [(x, y + 1, x + RULER_MM, y + 1)] + [(x + t, y, x + t, y + 2) for t in ticks]


def _marks(grid: Grid) -> list[tuple[float, float, float, float]]:
    """Cut lines as (x1, y1, x2, y2).

    Without bleed a line runs across the whole sheet: inside the grid it is
    the one cut two neighbours share, outside it is the crop mark that
    survives the first guillotine cut. With bleed the lines stop short of
    the bleed so that the backgrounds never cover them.
    """
    sw, sh = grid.sheet
    left, top, right, bottom = grid.box
    lines = []
    if not grid.bleed:
        lines += [(x, 0, x, sh) for x in grid.cuts_x]
        lines += [(0, y, sw, y) for y in grid.cuts_y]
        return lines
    gap = CUT_LINE_GAP_MM
    for x in grid.cuts_x:
        lines += [(x, 0, x, top - gap), (x, bottom + gap, x, sh)]
    for y in grid.cuts_y:
        lines += [(0, y, left - gap, y), (right + gap, y, sw, y)]
    return lines


def furniture(grid: Grid) -> dict:
    """Where the sheet's notes and its ruler go: in the margins the grid
    leaves, never inside the printer's unprintable border."""
    sw, sh = grid.sheet
    left, top, right, bottom = grid.box
    m = grid.margin
    space_top, space_bottom, space_left = top - m, sh - m - bottom, left - m
    spots: dict = {}
    if space_top >= NOTE_ROOM_MM:
        spots["note_top"] = top - NOTE_ABOVE_GRID_MM
    if space_bottom >= NOTE_ROOM_MM:
        spots["note_bottom"] = bottom + NOTE_BELOW_GRID_MM
    elif space_top >= TWO_NOTES_ROOM_MM:
        spots["note_bottom"] = top - SECOND_NOTE_ABOVE_GRID_MM
    if space_left >= RULER_SIDE_ROOM_MM:
        spots["ruler"] = svg_path(_ruler_lines(left - RULER_LEFT_OF_GRID_MM, (sh - RULER_MM) / 2, vertical=True))
    elif space_bottom >= RULER_BELOW_ROOM_MM:
        spots["ruler"] = svg_path(_ruler_lines((sw - RULER_MM) / 2, bottom + RULER_BELOW_GRID_MM, vertical=False))
    return spots


def impose(ctx: Context, groups: list[CardGroup]) -> list[Page]:
    options = ctx.options
    sheet = imposition.parse_sheet(options.paper)
    duplex = options.duplex
    pages: list[Page] = []
    for group in groups:
        if not group.cards:
            continue
        size = imposition.fold_card(group.size) if duplex == "fold" else group.size
        grid = imposition.grid(size, sheet, bleed=options.bleed, allow_rotation=True)
        w, h = group.size
        for chunk in imposition.chunk(group.cards, grid.per_sheet):
            fronts = [
                Place(slot, card, "fold" if duplex == "fold" else "front", w, h, options.bleed)
                for slot, card in zip(grid.slots, chunk)
            ]
            pages.append(Page("front", fronts, grid, marks=_marks(grid), spots=furniture(grid)))
            if duplex in ("long", "short") and any(card.back for card in chunk):
                backs = [
                    Place(
                        imposition.back_slot(place.slot, sheet, duplex, options.back_offset),
                        place.card,
                        "back",
                        w,
                        h,
                        options.bleed + imposition.BACK_EXTRA_BLEED_MM,
                    )
                    for place in fronts
                ]
                pages.append(Page("back", backs, grid))
    sheets = sum(1 for p in pages if p.side == "front")
    number = 0
    for page in pages:
        if page.side == "front":
            number += 1
        page.number = number
        page.note = f"{number}/{sheets}"
    return pages


def _chunks(pages: list[Page]) -> list[list[Page]]:
    """Runs of about CHUNK_PAGES pages that never split a front from its back."""
    chunks: list[list[Page]] = [[]]
    for page in pages:
        if page.side != "back" and len(chunks[-1]) >= CHUNK_PAGES:
            chunks.append([])
        chunks[-1].append(page)
    return chunks


# Fit ids of text printed on every back of a deck (the pack's title), not on one card.
DECK_FITS = ("pack:title",)


def _pages_holding(pages: list[Page], fit_ids: set[str]) -> list[int]:
    """Indexes of the pages that hold these fitted boxes: the front pages of
    their cards ('label:c1' is on card c1), or every page for a box that is
    on every back."""
    if any(fit_id in DECK_FITS for fit_id in fit_ids):
        return list(range(len(pages)))
    cards = {fit_id.rpartition(":")[2] for fit_id in fit_ids}
    return [
        index
        for index, page in enumerate(pages)
        if page.side != "back" and any(place.card.id in cards for place in page.places)
    ]


def build_cards(
    ctx: Context,
    product_id: str,
    title: str,
    groups: list[CardGroup],
    fit: Fit,
) -> Built:
    glyphs.check(ctx, product_id)
    pages = impose(ctx, groups)
    sheet = imposition.parse_sheet(ctx.options.paper)
    meta = ctx.document_meta(title)
    page_css = design.page_css(sheet)
    duplex_note = {
        "long": ctx.labels.get("duplex_long", ""),
        "short": ctx.labels.get("duplex_short", ""),
        "fold": ctx.labels.get("duplex_fold", ""),
        "none": "",
    }[ctx.options.duplex]

    def make_html(chunk: list[Page], sizes: dict[str, float], only: set[str] | None = None) -> str:
        shown = chunk if only is None else [chunk[i] for i in _pages_holding(chunk, only)]
        return render_template(
            "common/sheets.html.j2",
            product=product_id,
            card_macros=f"{product_id}/cards.html.j2",
            pages=shown,
            sheet_w=sheet[0],
            sheet_h=sheet[1],
            page_css=page_css,
            meta=meta,
            **ctx.template_context(),
            deck_title=title,
            duplex_note=duplex_note,
            ruler_mm=RULER_MM,
            fold_line_mm=FOLD_LINE_MM,
            fs=sizes_for(fit, sizes),
        )

    def fitted(chunk: list[Page]):
        return render_fitted(
            lambda sizes, only=None: make_html(chunk, sizes, only),
            fit,
            ctx.fit_error("card"),
            pages_of=lambda only: _pages_holding(chunk, only),
        )

    # A PDF variant (PDF/A, PDF/UA) cannot be joined from parts: one chunk.
    chunked = len(pages) > CHUNK_PAGES and not ctx.options.pdf_variant
    chunks = _chunks(pages) if chunked else [pages]
    # the one place a deck is laid out: a part at a time, when the build asks for it
    parts = Parts(
        len(chunks),
        lambda index: fitted(chunks[index]),
        lambda index: {place.card.id for page in chunks[index] for place in page.places},
    )
    return Built(document=parts, note=sheet_note(ctx, groups))


def sheet_note(ctx: Context, groups: list[CardGroup]) -> str:
    """The build line: how many cards each kind of sheet holds, e.g.
    '4 header cards per a4 sheet, 2 statements per a4 sheet (turned), duplex long'."""
    sheet = imposition.parse_sheet(ctx.options.paper)
    fold = ctx.options.duplex == "fold"
    kinds = []
    for group in groups:
        if not group.cards:
            continue
        size = imposition.fold_card(group.size) if fold else group.size
        grid = imposition.grid(size, sheet, bleed=ctx.options.bleed, allow_rotation=True)
        name = f" {group.name}" if len(groups) > 1 else ""
        turned = " (turned)" if grid.rotated else ""
        kind = f"{grid.per_sheet}{name} per {ctx.options.paper} sheet{turned}"
        if kind not in kinds:  # each set repeats its groups
            kinds.append(kind)
    if not kinds:
        return ""
    sets = f", {ctx.options.sets} sets" if ctx.options.sets > 1 else ""
    return f"{', '.join(kinds)}{sets}, duplex {ctx.options.duplex}"
