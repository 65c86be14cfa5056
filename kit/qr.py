"""QR codes as vector SVG with a white plate and a four-module quiet zone."""

from __future__ import annotations

from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules; what scanners expect
MIN_MODULE_MM = 0.38  # below this, phone cameras at arm's length start to fail


def modules(url: str) -> int:
    """Side of the symbol in modules, quiet zone included."""
    return len(_matrix(url))


@lru_cache(maxsize=64)
def _matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    qr.add_data(url)
    qr.make(fit=True)
    return tuple(tuple(row) for row in qr.get_matrix())


def check_scannable(url: str, size_mm: float) -> str | None:
    """Why a code of this URL would not scan at this printed size, or None."""
    module = size_mm / modules(url)
    if module < MIN_MODULE_MM:
        return (
            f"the URL ({len(url)} characters) makes a QR code whose modules are {module:.2f} mm "
            f"at {size_mm:g} mm; use a shorter URL (at least {MIN_MODULE_MM} mm per module scans)"
        )
    return None


@lru_cache(maxsize=64)
def svg(url: str, size_mm: float, colour: str = "#000") -> str:
    """Inline SVG, `size_mm` wide including the quiet zone.

    Dark modules in a row are merged into one rectangle: WeasyPrint's PDF
    writing time grows with the number of path segments.
    """
    matrix = _matrix(url)
    n = len(matrix)
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return (
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" '
        f'width="{size_mm}mm" height="{size_mm}mm" shape-rendering="crispEdges">'
        f'<rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path fill="{colour}" d="{"".join(parts)}"/></svg>'
    )
