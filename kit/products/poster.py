"""Poster: the pack's recommendations on one A3 (or A2) sheet for the staff
room, in type as large as fits, with the QR code and the citation.

Fitted in two layouts, as a typesetter would: the first, at a size guessed
from the amount of text, measures how tall the list is and how much room
the sheet leaves it; the height of wrapped text grows with the square of
its size, so that measurement gives the size for one column and for two,
and the poster takes the one whose lines are closer to a readable length.
The second layout is the poster. Only when that estimate misses (rarely:
the list wraps differently at the new size) is a third layout made, from
the second's measurement. The footer sits at the foot of the sheet by CSS.
"""

from __future__ import annotations

import itertools

from .. import imposition, promises
from ..context import Built, Context, Product
from ..documents import build_document
from ..errors import KitError
from ..fitting import measure, overflows, page_area_mm
from ..imposition import paper_name


# Sizes are for A3 and scale with the sheet's width (A2 = A3 x 1.41).
BASE_WIDTH_MM = 297.0
START_PT = 32.0
FLOOR_PT = 13.0  # about the smallest body text still read from two metres on A3
TITLE_PT = 35.0
TITLE_FLOOR_PT = 18.0
# Each recommendation's title reads from further away than its text: at
# least this many times the text's size, and at least REC_TITLE_MIN_PT (A3).
REC_TITLE_RATIO = 1.4
REC_TITLE_MIN_PT = 20.0
REC_TITLE_LINE = 1.12  # the titles' line height in the stylesheet
REC_TITLE_AFTER_EM = 0.15  # the air under a title, in its own em
BOLD_WIDTH = 1.06  # a bold character is about this much wider than a regular one
QR_MM = 35.0
STEP_PT = 0.25
MARGIN_MM = 11.0  # the page margin of the stylesheet, at A3
GAP_MM = 5.0  # between the list and the footer, at A3
BAND_MM, FOOT_MM = 75.0, 25.0  # the usual heights of the title band (with the list's margin) and the footer, at A3
# The list's type: set in the stylesheet from here (custom properties, in
# page.html.j2) and read by the model of the list's height below.
LINE_HEIGHT = 1.24  # of the recommendations' titles and texts
ITEM_GAP_EM = 0.7  # below each recommendation
INDENT_EM = 1.75  # the number's room, left of each recommendation
COLUMN_GAP_REM = 2.4  # between two columns; 1 rem is 10 pt at A3
COLUMN_GAP_EM = COLUMN_GAP_REM / (START_PT / 10)  # in em of the list at its 32 pt start, where the model is calibrated
CHAR_EM = 0.5  # the average width of a character of the shipped font, in em
LINE_CHARS = (40, 75)  # a readable line length, in characters
SAFETY = 0.98  # the model is calibrated at one size; leave a little for the next
MAX_LAYOUTS = 4
PT_MM = 25.4 / 72
LARGEST_PAPER = "a2"  # the largest --poster-paper


def poster_paper(options) -> str:
    """The overview poster's sheet: --poster-paper, else A3, or Tabloid (the
    large sheet US offices have) when the rest of the kit is on Letter."""
    return options.poster_paper or ("tabloid" if options.paper == "letter" else "a3")


def _lines(text: str | None, chars: float) -> int:
    """Lines of `text` wrapped greedily at `chars` characters a line."""
    if not text:
        return 0
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > chars:
            lines, used = lines + 1, 0
        used += (1 if used else 0) + len(word)
        while used > chars:  # a word longer than the line breaks
            lines, used = lines + 1, used - int(chars)
    return lines


def _split(heights: list[float]) -> int:
    """How many items the first of two columns takes: the split whose taller
    column is shortest (the first column the taller on a tie), as a typesetter
    balances columns by hand. The kit places the columns itself: WeasyPrint's
    column balancing lays the list out many times."""
    above = [0.0, *itertools.accumulate(heights)]
    total = above[-1]
    return min(range(len(above)), key=lambda count: (max(above[count], total - above[count]), -count))


def _quarter(value: float) -> float:
    return int(value / STEP_PT) * STEP_PT


class Poster:
    """The poster's layouts and what each measured."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.paper = poster_paper(ctx.options)
        self.scale = imposition.parse_sheet(self.paper)[0] / BASE_WIDTH_MM
        self.start = _quarter(START_PT * self.scale)
        self.floor = _quarter(FLOOR_PT * self.scale)
        self.title_pt = TITLE_PT * self.scale
        self.break_title = self.break_list = False
        self.layouts = 0
        self.width = imposition.parse_sheet(self.paper)[0] - 2 * MARGIN_MM * self.scale  # the list's, in mm

    def rec_title_pt(self, size: float) -> float:
        """The size of each recommendation's title for text at `size`."""
        return max(size * REC_TITLE_RATIO, REC_TITLE_MIN_PT * self.scale)

    def layout(self, size: float, columns: int) -> Built:
        self.layouts += 1
        numbered = list(enumerate(self.ctx.pack.recommendations, start=1))
        if columns == 2:
            first = _split(self.item_heights(size, 2, self.width))
            parts = [numbered[:first], numbered[first:]]
        else:
            parts = [numbered]
        return build_document(
            self.ctx, "poster", self.ctx.labels["poster"], self.paper,
            page={"name": "poster", "margin_mm": MARGIN_MM * self.scale, "bleed_mm": self.ctx.options.bleed},
            scale=self.scale, qr_mm=QR_MM * min(self.scale, 1.2), list_pt=size, columns=parts,
            rec_title_pt=self.rec_title_pt(size),
            title_pt=self.title_pt, break_title=self.break_title, break_list=self.break_list,
            line_height=LINE_HEIGHT, item_gap_em=ITEM_GAP_EM, indent_em=INDENT_EM, column_gap_rem=COLUMN_GAP_REM,
        )

    def room(self, document) -> tuple[float, float, float]:
        """(height of the list, height it may take, width of the page) in mm."""
        lists = measure(document, "ol", "recs")
        foot = measure(document, "footer", "foot")
        left, top, right, bottom = page_area_mm(document)
        first = [m for m in lists if m[0] == 0]
        list_top = first[0][1] if first else top
        foot_top = foot[0][1] if foot else bottom
        # a list set in columns is a box per column; one that runs over the
        # sheet is measured over all its pages
        height = 0.0
        for page in {m[0] for m in lists}:
            boxes = [m for m in lists if m[0] == page]
            height += max(m[1] + m[2] for m in boxes) - min(m[1] for m in boxes)
        return height, foot_top - GAP_MM * self.scale - list_top, right - left

    def fits(self, document) -> bool:
        height, room, _ = self.room(document)
        return len(document.pages) == 1 and height <= room + 0.2 and not overflows(document)

    def fix_words(self, document) -> None:
        """A title wider than the band shrinks (linearly: it is one line's
        word) down to its floor, then breaks; a word wider than a column breaks."""
        found = overflows(document)
        title = found.get("title")
        if title and title.axis == "x":
            wanted = self.title_pt / title.ratio * 0.98
            floor = TITLE_FLOOR_PT * self.scale
            self.title_pt = max(floor, wanted)
            self.break_title = wanted < floor
        elif title:
            self.break_title = True
        if "recommendations" in found and found["recommendations"].axis == "x":
            self.break_list = True

    def sizes(self, size: float, columns: int, height: float, room: float, width: float) -> dict[int, float]:
        """The largest size each column count would fit at, from a list of
        `height` measured at `size` in `columns` columns: a model of the
        list's lines (greedy word wrap at the average character width),
        calibrated by that measurement."""
        calibration = height / max(self.model(size, columns, width), 1.0) if height else 1.0
        out = {}
        for count in (1, 2):
            low, high = int(self.floor / STEP_PT), int(self.start / STEP_PT)
            best = low
            while low <= high:
                middle = (low + high) // 2
                if calibration * self.model(middle * STEP_PT, count, width) <= room * SAFETY:
                    best, low = middle, middle + 1
                else:
                    high = middle - 1
            fits = calibration * self.model(best * STEP_PT, count, width) <= room * SAFETY
            out[count] = best * STEP_PT if fits else 0.0
        return out

    def item_heights(self, size: float, columns: int, width: float) -> list[float]:
        """Each recommendation's height in mm at `size` in `columns` columns, as modelled."""
        chars = self.line_chars(size, columns, width) - INDENT_EM / CHAR_EM
        em = size * PT_MM
        title_pt = self.rec_title_pt(size)
        title_em = title_pt * PT_MM
        # the title's characters are larger (and bold) but share the text's indent
        title_chars = chars * size / title_pt / BOLD_WIDTH
        return [
            (_lines(rec.text, chars) * LINE_HEIGHT + ITEM_GAP_EM) * em
            + ((_lines(rec.title, title_chars) * REC_TITLE_LINE + REC_TITLE_AFTER_EM) * title_em if rec.title else 0.0)
            for rec in self.ctx.pack.recommendations
        ]

    def model(self, size: float, columns: int, width: float) -> float:
        """The list's height in mm at `size` in `columns` columns, as modelled."""
        heights = self.item_heights(size, columns, width)
        if columns == 1:
            return sum(heights)
        first = _split(heights)
        return max(sum(heights[:first]), sum(heights[first:]))

    def line_chars(self, size: float, columns: int, width: float) -> float:
        gap = COLUMN_GAP_EM * size * PT_MM if columns == 2 else 0.0
        return (width - gap) / columns / (CHAR_EM * size * PT_MM)

    def choose(self, sizes: dict[int, float], width: float) -> tuple[float, int]:
        """Fewer columns when they read as well: the column count whose lines
        are nearer a readable length, then the larger size."""
        low, high = LINE_CHARS

        def badness(count: int) -> float:
            chars = self.line_chars(sizes[count], count, width)
            return max(low / chars, chars / high, 1.0)

        usable = [c for c in (1, 2) if sizes[c] >= self.floor]
        if not usable:
            return self.floor, 2  # too long even at the floor: the last try
        best = min(usable, key=lambda c: (round(badness(c), 2), -sizes[c], c))
        return max(sizes[best], self.floor), best

    def first_guess(self) -> tuple[float, int]:
        """Size and columns from the model alone, with the band and the footer
        at their usual heights, so that the first layout is near (and in the
        columns it will most likely keep: balancing columns is the slow part
        of a layout)."""
        sheet_h = imposition.parse_sheet(self.paper)[1]
        room = sheet_h - 2 * MARGIN_MM * self.scale - (BAND_MM + FOOT_MM + GAP_MM) * self.scale
        return self.choose(self.sizes(self.start, 1, 0.0, room, self.width), self.width)


def build(ctx: Context) -> Built:
    poster = Poster(ctx)
    size, columns = poster.first_guess()
    built = poster.layout(size, columns)
    while True:
        document = built.document.lay_out(0)
        fitting = poster.fits(document)
        words = (poster.break_title, poster.break_list, poster.title_pt)
        poster.fix_words(document)
        height, room, width = poster.room(document)
        if room <= 0:
            break
        sizes = poster.sizes(size, columns, height, room, width)
        if poster.layouts == 1:
            target = poster.choose(sizes, width)
        else:
            # after the second layout only shrink, in the same columns
            target = (max(poster.floor, min(sizes[columns], size - STEP_PT)), columns)
        changed = words != (poster.break_title, poster.break_list, poster.title_pt)
        if fitting and not changed and (poster.layouts > 1 or target == (size, columns)):
            break
        if poster.layouts >= MAX_LAYOUTS or (not fitting and size <= poster.floor and not changed):
            break
        size, columns = target
        built = poster.layout(size, columns)
    if not poster.fits(built.document.lay_out(0)):
        height, room, _ = poster.room(built.document.lay_out(0))
        percent = max(1, round((height / max(room, 1) - 1) * 100))
        remedy = "shorten them" if poster.paper == LARGEST_PAPER else f"shorten them or use --poster-paper {LARGEST_PAPER}"
        raise KitError(
            f"the list of recommendations does not fit one {paper_name(poster.paper)} poster even at {poster.floor:g} pt: "
            f"about {percent}% too long; {remedy}",
            ctx.loaded.where(("recommendations",)),
        )
    built.note = f"{poster.paper}, {size:g} pt, {columns} column{'s' if columns > 1 else ''}"
    return built


def promised(pack) -> list:
    return promises.recommendations(pack) + promises.title(pack)


PRODUCT = Product(
    id="poster",
    kind="document",
    needs=("recommendations",),
    build=build,
    promised=promised,
    order=30,
    paper_option="poster_paper",
    sheet_of=poster_paper,
    prints_values=("school", "team", "date"),
)
