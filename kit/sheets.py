"""Card products: cards -> imposed sheets (fronts, backs, cut marks) -> document.

A card product gives its cards in groups of one size; this module lays them
out with `imposition`, pairs every front page with its back page for the
chosen duplex mode, and renders the common sheet template with the product's
own card macros.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import design, destinations, glyphs, imposition, probing, repeats
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
# The ruler: a 50 mm line with a tick at each end (and each 10 mm) and its
# label after its end, in a strip of the sheet's margin this wide, kept this
# far from the grid's outer cut and inside one row (or column) of cards, so
# that it crosses no cut mark and cannot be taken for one.
RULER_STRIP_MM = 2.6
RULER_GAP_MM = 2.4
RULER_LABEL_MM = 9.0  # room along the ruler for its label ("50 mm" at 6.5 pt)
RULER_LABEL_PT = 6.5


@dataclass
class Card:
    id: str  # fit id: errors name it
    kind: str  # CSS class, e.g. 'statement' or 'header'
    front: dict
    back: dict | None = None
    face: str | None = None  # front background colour, into the bleed (not in low-ink)
    weight: int = 0  # how much text it holds: the heaviest cards of a large deck set its size first
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
    """The ruler's line and its ticks every 10 mm (the end ticks full width,
    the others half), in sheet mm, from (x, y): its top-left corner. The end
    ticks are pulled in by half their width so that the ruler measures
    exactly RULER_MM from outer edge to outer edge."""
    strip = RULER_STRIP_MM
    ticks = [(min(max(t, 0.125), RULER_MM - 0.125), t in (0, RULER_MM)) for t in range(0, RULER_MM + 1, 10)]
    if vertical:
        return [(x + strip / 2, y, x + strip / 2, y + RULER_MM)] + [
            (x if end else x + strip / 4, y + t, x + strip if end else x + strip * 3 / 4, y + t) for t, end in ticks]
    return [(x, y + strip / 2, x + RULER_MM, y + strip / 2)] + [
        (x + t, y if end else y + strip / 4, x + t, y + strip if end else y + strip * 3 / 4) for t, end in ticks]


def _ruler(grid: Grid) -> dict:
    """Where the ruler and its label go: beside the grid in the left margin,
    inside the first row of cards; else below it, inside the first column;
    else above it. {} when no margin has room."""
    sw, sh = grid.sheet
    left, top, right, bottom = grid.box
    m = grid.margin
    need = RULER_GAP_MM + RULER_STRIP_MM
    length = RULER_MM + RULER_LABEL_MM
    rows = list(zip(grid.cuts_y, grid.cuts_y[1:])) or [(top, bottom)]
    cols = list(zip(grid.cuts_x, grid.cuts_x[1:])) or [(left, right)]
    row = max(rows, key=lambda r: r[1] - r[0])
    col = max(cols, key=lambda c: c[1] - c[0])
    if left - m >= need and row[1] - row[0] >= length + 2 * RULER_GAP_MM:
        x = left - RULER_GAP_MM - RULER_STRIP_MM
        y = (row[0] + row[1] - length) / 2
        return {"ruler": svg_path(_ruler_lines(x, y, vertical=True)),
                "ruler_label": (x + RULER_STRIP_MM / 2, y + RULER_MM + 1.0, 90)}
    for edge_room, y in ((sh - m - bottom, bottom + RULER_GAP_MM), (top - m, top - RULER_GAP_MM - RULER_STRIP_MM)):
        if edge_room >= need + NOTE_ROOM_MM and col[1] - col[0] >= length + 2 * RULER_GAP_MM:
            x = (col[0] + col[1] - length) / 2
            return {"ruler": svg_path(_ruler_lines(x, y, vertical=False)),
                    "ruler_label": (x + RULER_MM + 1.0, y + RULER_STRIP_MM / 2, 0)}
    return {}


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
    space_top, space_bottom = top - m, sh - m - bottom
    spots: dict = {}
    if space_top >= NOTE_ROOM_MM:
        spots["note_top"] = top - NOTE_ABOVE_GRID_MM
    if space_bottom >= NOTE_ROOM_MM:
        spots["note_bottom"] = bottom + NOTE_BELOW_GRID_MM
    elif space_top >= TWO_NOTES_ROOM_MM:
        spots["note_bottom"] = top - SECOND_NOTE_ABOVE_GRID_MM
    spots.update(_ruler(grid))
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
                        # a solid back reaches past its cut against a shifted back; a light one is white there
                        options.bleed + (imposition.BACK_EXTRA_BLEED_MM if options.backs == "solid" else 0.0),
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
    """Runs of at most about CHUNK_PAGES pages that never split a front from
    its back, all of about the same length: the parts are laid out side by
    side, and a short last part left one core idle while the other finished."""
    count = -(-len(pages) // CHUNK_PAGES)
    size = -(-len(pages) // max(count, 1))
    chunks: list[list[Page]] = [[]]
    for page in pages:
        if page.side != "back" and len(chunks[-1]) >= size:
            chunks.append([])
        chunks[-1].append(page)
    return chunks


# The shared sizes of the last deck probed in this process, by the HTML of its heaviest cards.
_PROBED: dict[str, dict[str, float]] = {}
# Fit ids of text printed on every back of a deck (the pack's title), not on one card.
DECK_FITS = ("pack:title",)
# Size keys shared by the cards of a deck ('deck:body'): a change lays out every sheet again.
SHARED_PREFIX = "deck:"


def _pages_holding(pages: list[Page], fit_ids: set[str] | None) -> list[int]:
    """Indexes of the pages that hold these fitted boxes: the front pages of
    their cards ('label:c1' is on card c1), or every page for a box that is
    on every back (or for None)."""
    if fit_ids is None or any(fit_id in DECK_FITS or fit_id.startswith(SHARED_PREFIX) for fit_id in fit_ids):
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

    def make_html(chunk: list[Page], sizes: dict[str, float], indexes: list[int] | None = None) -> str:
        shown = chunk if indexes is None else [chunk[i] for i in indexes]
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
            ruler_label_mm=RULER_LABEL_PT * 25.4 / 72,
            fold_line_mm=FOLD_LINE_MM,
            fs=sizes_for(fit, sizes),
        )

    # A PDF variant (PDF/A, PDF/UA) cannot be joined from parts: one chunk.
    chunked = len(pages) > CHUNK_PAGES and not ctx.options.pdf_variant
    deck_sizes: dict[str, float] = {}

    def fitted(chunk: list[Page], sizes: dict | None = None):
        if sizes is None and chunked and fit.shared and not deck_sizes:
            # Chunks are laid out apart (in other processes): the deck's shared
            # sizes come first from its heaviest cards, so that every chunk
            # starts from the size the whole deck needs.
            heaviest = impose(ctx, _heaviest(groups, fit))
            # every part of a deck probes the same cards: a worker probes them once
            key = make_html(heaviest, {})
            if key not in _PROBED:
                probe: dict[str, float] = {}
                fitted(heaviest, probe)
                _PROBED.clear()
                _PROBED[key] = {k: v for k, v in probe.items() if k.startswith(SHARED_PREFIX)}
            deck_sizes.update(_PROBED[key])
            deck_sizes.setdefault(SHARED_PREFIX, 0.0)  # probed, even when nothing shrank
        if sizes is None:
            sizes = {k: v for k, v in deck_sizes.items() if k != SHARED_PREFIX}
        kept, where = repeats.distinct(chunk)  # a back page repeated on every sheet is laid out once
        first, few = probing.choose(kept, fit, _likeliest(kept, fit))
        document = render_fitted(
            lambda sizes, indexes=None: make_html(kept, sizes, indexes),
            fit,
            ctx.fit_error("card"),
            pages_of=lambda only: _pages_holding(kept, only),
            sizes=sizes,
            first=first,
            alone=(lambda sizes, ids: probing.alone(kept, ids, lambda shown: make_html(shown, sizes))) if few else None,
        )
        destinations.add_corners(document)
        whole = getattr(document, "kit_html", None)
        document = repeats.expand(document, chunk, kept, where, hollow=not ctx.options.pdf_variant)
        if whole is not None:  # KIT_DUMP_HTML: the HTML of every page, as WeasyPrint alone would lay it out
            document.kit_html = make_html(chunk, sizes)
        return document
    chunks = _chunks(pages) if chunked else [pages]
    # the one place a deck is laid out: a part at a time, when the build asks for it
    parts = Parts(
        len(chunks),
        lambda index: fitted(chunks[index]),
        lambda index: {place.card.id for page in chunks[index] for place in page.places},
    )
    return Built(document=parts, note=sheet_note(ctx, groups))


# Cards holding at least this share of the most text any card of the deck
# holds are laid out first: the one that sets the deck's size is among them.
LIKELIEST_SHARE = 0.9


def _likeliest(pages: list[Page], fit: Fit) -> set[str]:
    """The cards of these pages that share a size and hold nearly the most
    text: the likeliest to set that size (`fitting.render_fitted`'s `first`)."""
    cards = [place.card for page in pages if page.side != "back" for place in page.places
             if place.card.id in fit.shared]
    heaviest = max((card.weight for card in cards), default=0)
    return {card.id for card in cards if heaviest and card.weight >= LIKELIEST_SHARE * heaviest}


def _heaviest(groups: list[CardGroup], fit: Fit, sheets: int = 2) -> list[CardGroup]:
    """Per group, the cards that share a size and hold the most text: a
    couple of sheets of them."""
    out = []
    for group in groups:
        shared = [card for card in group.cards if card.id in fit.shared]
        if shared:
            count = sheets * max(1, len(imposition.grid(group.size, (210.0, 297.0)).slots))
            out.append(CardGroup(group.size, sorted(shared, key=lambda c: -c.weight)[:count], group.name))
    return out


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
