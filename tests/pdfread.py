"""Reading PDFs back the way a printer and a reader see them."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pypdfium2 as pdfium

PT_PER_MM = 72 / 25.4


def page_sizes_mm(path: Path) -> list[tuple[float, float]]:
    reader = pypdf.PdfReader(path)
    return [(round(float(p.mediabox.width) / PT_PER_MM, 1), round(float(p.mediabox.height) / PT_PER_MM, 1)) for p in reader.pages]


def text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def squash(value: str) -> str:
    """Text compared without spaces, line breaks and hyphens: layout may hyphenate."""
    return re.sub(r"[\s\-\u2010\u00ad\ufffe\x02]+", "", value)


def contains(haystack: str, needle: str) -> bool:
    return squash(needle) in squash(haystack)


def qr_codes(path: Path, dpi: int = 150) -> list[list[str]]:
    """Decoded QR codes of every page, rasterised at `dpi`."""
    import zxingcpp

    pdf = pdfium.PdfDocument(str(path))
    try:
        found = []
        for page in pdf:
            image = page.render(scale=dpi / 72).to_pil()
            found.append([r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode])
        return found
    finally:
        pdf.close()


def card_boxes(path: Path) -> dict[str, tuple[int, float, float, float, float]]:
    """Anchor name (side-cardid) -> (page, left, top, right, bottom) in mm from the top-left."""
    reader = pypdf.PdfReader(path)
    heights = [float(p.mediabox.height) for p in reader.pages]
    corners: dict[str, dict] = {}
    for name, dest in reader.named_destinations.items():
        match = re.fullmatch(r"(.+)-(tl|br)", name)
        if not match:
            continue
        page = reader.get_destination_page_number(dest)
        x = float(dest.left) / PT_PER_MM
        y = (heights[page] - float(dest.top)) / PT_PER_MM
        corners.setdefault(match[1], {})[match[2]] = (page, x, y)
    return {
        key: (c["tl"][0], c["tl"][1], c["tl"][2], c["br"][1], c["br"][2])
        for key, c in corners.items()
        if "tl" in c and "br" in c
    }


def fonts(path: Path) -> list[dict]:
    """Every font resource: its name and whether its program is embedded."""
    reader = pypdf.PdfReader(path)
    found = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = (target.get("/FontDescriptor") or {})
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            name = str(font.get("/BaseFont"))
            found[name] = {"name": name, "embedded": embedded}
    return list(found.values())


def font_size_at(path: Path, needle: str) -> float | None:
    """Font size in points of the first character of `needle` where it first occurs."""
    import ctypes

    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            textpage = page.get_textpage()
            content = textpage.get_text_range()
            index = content.find(needle)
            if index >= 0:
                matrix = raw.FS_MATRIX()
                raw.FPDFText_GetMatrix(textpage.raw, index, ctypes.byref(matrix))
                scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5  # WeasyPrint draws in px
                return round(raw.FPDFText_GetFontSize(textpage.raw, index) * scale, 2)
        return None
    finally:
        pdf.close()


def _cid_map(font) -> dict[int, int] | None:
    """Code -> CID of a Type0 font's embedded encoding CMap (None: identity)."""
    encoding = font.get("/Encoding")
    if encoding is None or isinstance(encoding.get_object(), pypdf.generic.NameObject):
        return None
    cmap = encoding.get_object().get_data().decode("latin-1")
    table = {}
    for block in re.findall(r"begincidchar(.*?)endcidchar", cmap, re.DOTALL):
        for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s+(\d+)", block):
            table[int(code, 16)] = int(cid)
    for block in re.findall(r"begincidrange(.*?)endcidrange", cmap, re.DOTALL):
        for low, high, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)", block):
            for code in range(int(low, 16), int(high, 16) + 1):
                table[code] = int(cid) + code - int(low, 16)
    return table


def glyph_ids(path: Path) -> list[tuple[int, str, int]]:
    """(page, font name, glyph id) of every glyph the pages show (text drawn
    by Tj/TJ with a Type0 font, in the page and its form XObjects).
    Glyph 0 is .notdef: an empty box where a font has no glyph."""
    from pypdf.generic import ContentStream

    reader = pypdf.PdfReader(path)
    found = []

    def fonts_of(resources):
        resources = resources.get_object() if resources else {}
        return {name: ref.get_object() for name, ref in (resources.get("/Font") or {}).items()}

    def walk(number, stream, fonts, resources):
        current = None
        for operands, operator in ContentStream(stream, reader).operations:
            if operator == b"Tf":
                current = fonts.get(operands[0])
            elif operator in (b"Tj", b"TJ", b"'", b'"') and current is not None:
                items = operands[0] if operator == b"TJ" else [operands[-1]]
                for item in items:
                    if not isinstance(item, (bytes, str)):
                        continue
                    data = item.original_bytes if hasattr(item, "original_bytes") else bytes(item)
                    if current.get("/Subtype") != "/Type0":
                        found.extend((number, str(current.get("/BaseFont")), b) for b in data)
                        continue
                    codes = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
                    table = _cid_map(current)
                    cids = codes if table is None else [table.get(c, 0) for c in codes]
                    gid_map = current["/DescendantFonts"][0].get_object().get("/CIDToGIDMap")
                    if gid_map is not None and gid_map != "/Identity":
                        data_map = gid_map.get_object().get_data()
                        cids = [int.from_bytes(data_map[2 * c : 2 * c + 2], "big") for c in cids]
                    found.extend((number, str(current.get("/BaseFont")), gid) for gid in cids)
        for ref in ((resources or {}).get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                inner = xobject.get("/Resources")
                walk(number, xobject, {**fonts, **fonts_of(inner)}, inner.get_object() if inner else None)

    for number, page in enumerate(reader.pages):
        resources = page.get("/Resources")
        resources = resources.get_object() if resources else None
        walk(number, page.get_contents(), fonts_of(resources), resources)
    return found
