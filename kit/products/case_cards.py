"""Case cards: one case per A5 half sheet (two to an A4 or Letter sheet,
one cut between them) with its title, organisation, text, each question
followed by lines to write on, the QR code and the citation. A case too long
for a half sheet at a readable size takes a whole sheet."""

from __future__ import annotations

from .. import imposition, promises
from ..context import Built, Context, Product
from ..documents import build_document
from ..design import SAFE_MM
from ..fitting import Fit

# A case's text stays readable: 11.5 pt down to 9 pt, else it takes a whole sheet.
FIT = Fit(start=11.5, floor=9.0)
QR_MM = 20.0
LINES = {"half": 3, "full": 4}  # writing lines under each question


class _TooLongForHalf(Exception):
    def __init__(self, case_id: str):
        self.case_id = case_id


def sheets(cases, full: set[str]) -> list[list[dict]]:
    """Cases on sheets: two halves a sheet, in pack order; a case in `full`
    takes a sheet of its own (the case before it keeps its half)."""
    out: list[list[dict]] = []
    half: list[dict] = []
    for case in cases:
        if case.id in full:
            if half:
                out.append(half)
                half = []
            out.append([{"case": case, "size": "full"}])
            continue
        half.append({"case": case, "size": "half"})
        if len(half) == 2:
            out.append(half)
            half = []
    if half:
        out.append(half)
    return out


def build(ctx: Context) -> Built:
    sheet = imposition.parse_sheet(ctx.options.paper)
    pack = ctx.pack
    full: set[str] = set()
    describe = ctx.fit_error("sheet")

    def too_long(fit_id, overflow, floor):
        if fit_id in pack_ids and fit_id not in full:
            raise _TooLongForHalf(fit_id)
        return describe(fit_id, overflow, floor)

    pack_ids = {case.id for case in pack.cases}
    while True:
        try:
            built = build_document(
                ctx,
                "case-cards",
                ctx.labels["case_cards"],
                ctx.options.paper,
                fit=FIT,
                describe=too_long,
                sheets=sheets(pack.cases, full),
                inset=imposition.UNPRINTABLE_MM + SAFE_MM,
                lines=LINES,
                qr_mm=QR_MM,
            )
        except _TooLongForHalf as exc:
            full.add(exc.case_id)
            continue
        halves = sum(1 for c in pack.cases if c.id not in full)
        parts = [f"{halves} on half sheets ({sheet[0]:g} x {sheet[1] / 2:g} mm)"] if halves else []
        parts += [f"{len(full)} on whole sheets"] if full else []
        built.note = f"{', '.join(parts)}, {ctx.options.paper}"
        return built


def promised(pack) -> list:
    """Every case's title, text and each of its questions."""
    items = []
    for case in pack.cases:
        items += [(case.id, "its title", case.title), (case.id, "its text", case.text)]
        items += [(case.id, "a question", question) for question in case.questions]
    return promises.given(items)


PRODUCT = Product(
    id="case-cards",
    kind="document",
    needs=("cases",),
    build=build,
    promised=promised,
    order=55,
    prints_values=(),
    print_steps=("print_at_100", "case_cards_cut"),
)
