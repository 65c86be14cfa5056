"""Duplex alignment test sheet: crosses on the front, scales behind them.

Printed duplex and held against the light, each front cross shows on the
back's scale how far this printer shifts the back side; that reading is the
`--back-offset X,Y` to build the decks with.
"""

from __future__ import annotations

from .. import imposition
from ..context import Built, Context, Product
from ..documents import build_document

INSET_MM = 30.0  # targets sit well inside any printer's unprintable margin


def targets(sheet: tuple[float, float], duplex: str, offset=(0.0, 0.0)) -> list[dict]:
    w, h = sheet
    points = [(INSET_MM, INSET_MM), (w - INSET_MM, INSET_MM), (w / 2, h / 2), (INSET_MM, h - INSET_MM), (w - INSET_MM, h - INSET_MM)]
    mode = duplex if duplex in ("long", "short") else "long"
    out = []
    for x, y in points:
        back = imposition.back_slot(imposition.Slot(x, y, 0, 0, 0), sheet, mode, offset)
        out.append({"x": x, "y": y, "bx": back.x, "by": back.y})
    return out


def build(ctx: Context) -> Built:
    sheet = imposition.parse_sheet(ctx.options.paper)
    mode = ctx.options.duplex if ctx.options.duplex in ("long", "short") else "long"
    built = build_document(
        ctx,
        "alignment",
        ctx.labels["alignment"],
        ctx.options.paper,
        targets=targets(sheet, mode, ctx.options.back_offset),
        mode=mode,
        scale=range(-5, 6),
    )
    built.note = f"{ctx.options.paper}, duplex {mode}"
    return built


PRODUCT = Product(
    id="alignment",
    kind="document",
    needs=(),
    build=build,
    qr=False,  # a test sheet for the printer: its QR code is not the point
    order=70,
    default=False,  # printed once per printer, when asked for
    prints_values=(),
    print_steps=("alignment_steps",),
)
