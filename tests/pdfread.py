"""Reading PDFs back the way a printer and a reader see them."""

from __future__ import annotations

import ctypes
import itertools
import re
from dataclasses import astuple, dataclass
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
from pypdfium2 import raw

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
    """Decoded QR codes of every page, rasterised at `dpi` in grey (a fifth less
    work than colour, and what a phone's decoder reads anyway)."""
    import zxingcpp

    pdf = pdfium.PdfDocument(str(path))
    try:
        found = []
        for page in pdf:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            found.append([r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode])
        return found
    finally:
        pdf.close()


def rasters(path: Path, dpi: int = 150) -> list[bytes]:
    """Every page rasterised at `dpi` (RGB), as a printer's driver would get it."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB").tobytes() for page in pdf]
    finally:
        pdf.close()


def named_destinations(path: Path) -> dict[str, tuple[int, float, float]]:
    """The PDF's named destinations: name -> (page index, left, top in points)."""
    reader = pypdf.PdfReader(path)
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    return {name: (pages[dest.page.idnum], round(float(dest.left or 0), 2), round(float(dest.top or 0), 2))
            for name, dest in reader.named_destinations.items()}


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


def font_sizes_of(path: Path, needle: str) -> list[float]:
    """Font size in points of every printed character of the first occurrence
    of `needle` (line breaks and hyphenation ignored); [] when it is not found."""
    skip = re.compile(r"[\s\-\u2010\u00ad\ufffe\x02]")
    wanted = squash(needle)
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            textpage = page.get_textpage()
            content = textpage.get_text_range()
            kept = [index for index, char in enumerate(content) if not skip.match(char)]
            start = "".join(content[index] for index in kept).find(wanted)
            if start < 0:
                continue
            sizes = []
            for index in kept[start : start + len(wanted)]:
                matrix = raw.FS_MATRIX()
                raw.FPDFText_GetMatrix(textpage.raw, index, ctypes.byref(matrix))
                scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5  # WeasyPrint draws in px
                sizes.append(round(raw.FPDFText_GetFontSize(textpage.raw, index) * scale, 2))
            return sizes
        return []
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


# --- What is drawn on card sheets --------------------------------------------
# Card geometry is read from what a printer prints, never from markers the
# kit leaves for itself: the cut lines that reach the sheet's edge give the
# front cards' trim boxes, the rectangles drawn on a back page give the backs.

MIN_CARD_MM = 10  # cards are at least 20 mm a side; bleed gaps between two cuts are smaller


@dataclass(frozen=True)
class Box:
    """A rectangle in mm from the sheet's top-left corner."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    def size(self) -> tuple[float, float]:
        return round(self.width, 2), round(self.height, 2)

    def contains(self, other: Box, slack: float = 0.05) -> bool:
        return (
            self.left <= other.left + slack
            and self.top <= other.top + slack
            and self.right >= other.right - slack
            and self.bottom >= other.bottom - slack
        )


@dataclass(frozen=True)
class CardFace:
    """A card on a front page: the trim box between its cut lines and the words printed in it."""

    box: Box
    text: str


@dataclass
class Sheet:
    index: int  # page index in the PDF
    size: tuple[float, float]
    cuts_x: tuple[float, ...]  # vertical cut lines that run to the sheet's edge
    cuts_y: tuple[float, ...]
    rects: list[Box]  # every rectangle drawn (card faces, outlines, plates)
    cards: list[CardFace]  # cells between the cut lines that hold something printed

    @property
    def side(self) -> str:
        """A front page carries the cut lines; a back page is printed without them."""
        return "front" if self.cuts_x or self.cuts_y else "back"

    def faces(self, at_least: tuple[float, float], slack: float = 12.0) -> list[Box]:
        """Distinct rectangles about the size of a card `at_least` large (as placed)."""
        w, h = at_least
        found: list[Box] = []
        for rect in self.rects:
            fits = w - 0.1 <= rect.width <= w + slack and h - 0.1 <= rect.height <= h + slack
            if fits and not any(_same(rect, seen) for seen in found):
                found.append(rect)
        return found


def _same(a: Box, b: Box, tolerance: float = 0.01) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(astuple(a), astuple(b), strict=True))


def _compose(outer, inner):
    """PDF matrices (a, b, c, d, e, f): `inner` applied first, then `outer`."""
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _objects(container, is_form: bool, matrix=(1, 0, 0, 1, 0, 0)):
    """(raw object, its matrix to page space, its container's matrix) of every object, inside forms too."""
    count = raw.FPDFFormObj_CountObjects(container) if is_form else raw.FPDFPage_CountObjects(container)
    for index in range(count):
        obj = raw.FPDFFormObj_GetObject(container, index) if is_form else raw.FPDFPage_GetObject(container, index)
        m = raw.FS_MATRIX()
        raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m))
        own = _compose(matrix, (m.a, m.b, m.c, m.d, m.e, m.f))
        yield obj, own, matrix
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_FORM:
            yield from _objects(obj, True, own)


def _subpaths(obj, matrix) -> list[list]:
    """A path's subpaths as lists of points in page space (PDF points); None stands for a curve."""
    a, b, c, d, e, f = matrix
    subpaths: list[list] = []
    for index in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, index)
        x, y = ctypes.c_float(), ctypes.c_float()
        raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
        elif kind == raw.FPDF_SEGMENT_LINETO:
            subpaths[-1].append(point)
        else:
            subpaths[-1].append(None)  # a curve: part of neither a rectangle nor a cut line
        if raw.FPDFPathSegment_GetClose(segment) and subpaths[-1][0] is not None:
            subpaths[-1].append(subpaths[-1][0])
    return subpaths


def _straight(p, q, tolerance=0.01) -> bool:
    """An upright or level line (the only kind a cut line or a card's edge is)."""
    return p is not None and q is not None and (abs(p[0] - q[0]) < tolerance or abs(p[1] - q[1]) < tolerance)


def _text_bounds(obj, container) -> tuple[float, float, float, float]:
    """Bounds of a text object in page space (pdfium applies the object's own matrix)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in (left, bottom, right, top)))
    a, b, c, d, e, f = container
    corners = [(a * x + c * y + e, b * x + d * y + f) for x in (left.value, right.value) for y in (bottom.value, top.value)]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _read_sheet(page, index: int) -> Sheet:
    height = page.get_height()
    sw, sh = page.get_width() / PT_PER_MM, height / PT_PER_MM

    def mm(point):  # PDF points from the bottom-left -> mm from the top-left
        return point[0] / PT_PER_MM, (height - point[1]) / PT_PER_MM

    cuts_x: set[float] = set()
    cuts_y: set[float] = set()
    rects: list[Box] = []
    texts: list[Box] = []
    for obj, matrix, container in _objects(page.raw, False):
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            left, bottom, right, top = _text_bounds(obj, container)
            texts.append(Box(*mm((left, top)), *mm((right, bottom))))
        if kind != raw.FPDF_PAGEOBJ_PATH:
            continue
        subpaths = _subpaths(obj, matrix)
        segments = [(p, q) for points in subpaths for p, q in itertools.pairwise(points)]
        for p, q in segments:
            if not _straight(p, q):
                continue
            (x1, y1), (x2, y2) = mm(p), mm(q)
            # A cut line runs out to the sheet's edge (the crop mark left after the first cut).
            if abs(x1 - x2) < 0.01 and abs(y1 - y2) > 1 and 0.5 < x1 < sw - 0.5 and (min(y1, y2) < 0.5 or max(y1, y2) > sh - 0.5):
                cuts_x.add(round(x1, 2))
            if abs(y1 - y2) < 0.01 and abs(x1 - x2) > 1 and 0.5 < y1 < sh - 0.5 and (min(x1, x2) < 0.5 or max(x1, x2) > sw - 0.5):
                cuts_y.add(round(y1, 2))
        points = [mm(p) for points in subpaths for p in points if p is not None]
        if len(points) >= 4 and all(_straight(p, q) for p, q in segments):
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            if max(xs) - min(xs) > 1 and max(ys) - min(ys) > 1:
                rects.append(Box(min(xs), min(ys), max(xs), max(ys)))
    xs, ys = _merge(cuts_x), _merge(cuts_y)
    textpage = page.get_textpage()
    cards = []
    for left, right in _spans(xs):
        for top, bottom in _spans(ys):
            cell = Box(left, top, right, bottom)
            if any(left < t.centre[0] < right and top < t.centre[1] < bottom for t in texts):
                words = textpage.get_text_bounded(left * PT_PER_MM, height - bottom * PT_PER_MM, right * PT_PER_MM, height - top * PT_PER_MM)
                cards.append(CardFace(cell, words))
    return Sheet(index, (sw, sh), xs, ys, rects, cards)


def sheets(path: Path) -> list[Sheet]:
    """Every page of a card product as the printer draws it."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [_read_sheet(page, index) for index, page in enumerate(pdf)]
    finally:
        pdf.close()


def _merge(values: set[float], tolerance: float = 0.05) -> tuple[float, ...]:
    merged: list[float] = []
    for value in sorted(values):
        if merged and value - merged[-1] <= tolerance:
            continue
        merged.append(value)
    return tuple(merged)


def _spans(cuts: tuple[float, ...]) -> list[tuple[float, float]]:
    """Neighbouring cuts far enough apart to hold a card (with bleed, each card has its own two cuts)."""
    return [(a, b) for a, b in itertools.pairwise(cuts) if b - a > MIN_CARD_MM]


def behind(box: Box, sheet: tuple[float, float], duplex: str, offset=(0.0, 0.0)) -> Box:
    """Where a back must be printed to land behind the front cut at `box`
    when the sheet is turned over on its long edge (left and right swap) or
    its short edge (top and bottom swap), shifted by a measured offset."""
    sw, sh = sheet
    dx, dy = offset
    if duplex == "long":
        return Box(sw - box.right + dx, box.top + dy, sw - box.left + dx, box.bottom + dy)
    if duplex == "short":
        return Box(box.left + dx, sh - box.bottom + dy, box.right + dx, sh - box.top + dy)
    raise ValueError(duplex)


def misplaced_backs(pages: list[Sheet], duplex: str, offset=(0.0, 0.0), tolerance: float = 0.2) -> list[str]:
    """What is wrong with the backs: each front page must be followed by a
    back page with one card face behind each front card, centred on it within
    `tolerance` mm and covering all of it, and no other card face."""
    sides = [page.side for page in pages]
    if sides != ["front", "back"] * (len(pages) // 2):
        return [f"pages are not front, back, front, back...: {sides}"]
    problems = []
    for front, back in zip(pages[::2], pages[1::2]):
        if not front.cards:
            problems.append(f"page {front.index + 1}: no cards between the cut lines")
            continue
        smallest = (min(c.box.width for c in front.cards), min(c.box.height for c in front.cards))
        faces = back.faces(smallest)
        if len(faces) != len(front.cards):
            problems.append(f"page {back.index + 1}: {len(faces)} backs for {len(front.cards)} fronts")
        for card in front.cards:
            want = behind(card.box, front.size, duplex, offset)
            near = [
                face
                for face in faces
                if abs(face.centre[0] - want.centre[0]) <= tolerance and abs(face.centre[1] - want.centre[1]) <= tolerance
            ]
            if len(near) != 1 or not near[0].contains(want):
                problems.append(
                    f"page {back.index + 1}: no back centred on ({want.centre[0]:.2f}, {want.centre[1]:.2f}) "
                    f"covering {want.size()} behind {card.text[:30]!r}; backs drawn: "
                    + ", ".join(f"({f.centre[0]:.2f}, {f.centre[1]:.2f}) {f.size()}" for f in faces)
                )
    return problems


# --- Characters as placed: boxes and fonts, read by pdfium -------------------


@dataclass(frozen=True)
class Char:
    """One character on a page: its box in mm from the top-left, and the font drawing it."""

    char: str
    left: float
    top: float
    right: float
    bottom: float
    font: str  # the embedded font's name without its subset prefix: 'Noto-Sans-Math-Bold'
    baseline: float = 0.0  # mm from the top: the same for every font of a line


def chars_of(path: Path) -> list[list[Char]]:
    """The characters of every page, in the order pdfium reads them."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for page in pdf:
            height = page.get_height()
            textpage = page.get_textpage()
            found = []
            buffer = ctypes.create_string_buffer(256)
            flags = ctypes.c_int()
            origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
            for index in range(textpage.count_chars()):
                char = textpage.get_text_range(index, 1)
                if not char or char.isspace():
                    continue
                left, bottom, right, top = textpage.get_charbox(index, loose=True)  # the line's height, not the ink's
                size = raw.FPDFText_GetFontInfo(textpage.raw, index, buffer, len(buffer), ctypes.byref(flags))
                font = buffer.raw[: max(size - 1, 0)].decode("utf-8", "replace").partition("+")[2] or \
                    buffer.raw[: max(size - 1, 0)].decode("utf-8", "replace")
                raw.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(origin_x), ctypes.byref(origin_y))
                found.append(Char(char, left / PT_PER_MM, (height - top) / PT_PER_MM,
                                  right / PT_PER_MM, (height - bottom) / PT_PER_MM, font,
                                  (height - origin_y.value) / PT_PER_MM))
            pages.append(found)
        return pages
    finally:
        pdf.close()


def lines_of(chars: list[Char], gap_mm: float = 4.0) -> list[list[Char]]:
    """Characters grouped into lines as a reader sees them: the same baseline
    band, left to right, split where a gap wider than `gap_mm` separates columns."""
    rows: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (c.baseline, c.left)):
        if rows and abs(rows[-1][0].baseline - char.baseline) < 0.3:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c.left)
        current = [row[0]]
        for char in row[1:]:
            if char.left - current[-1].right > gap_mm:
                lines.append(current)
                current = []
            current.append(char)
        lines.append(current)
    return lines


def thin_lines(pdf_path, page_index):
    """Bounds (left, top, right, bottom in mm from the top-left) of the thin
    stroked paths of a page: cut lines, ruler ticks, fold lines."""
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        page = document[page_index]
        height = page.get_height()
        found = []
        for obj in page.get_objects(max_depth=8):
            if obj.type != raw.FPDF_PAGEOBJ_PATH:
                continue
            left, bottom, right, top = obj.get_bounds()
            box = (left / PT_PER_MM, (height - top) / PT_PER_MM, right / PT_PER_MM, (height - bottom) / PT_PER_MM)
            if min(box[2] - box[0], box[3] - box[1]) < 0.5:
                found.append(box)
        return found
    finally:
        document.close()


def font_subsets(path: Path) -> list[str]:
    """The base name of every font the file holds (`ABCDEF+Family`), wherever
    it is used: on a page or in a form laid over it."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        return sorted(str(obj.BaseFont) for obj in pdf.objects
                      if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"
                      and not str(obj.get("/Subtype", "")).startswith("/CIDFontType"))


def printed_lines(path: Path) -> str:
    """The text as the page shows it: each line of type left to right, top to
    bottom, whatever order the file holds it in (words laid over a page, as a
    row's own words are, come after the page's text in the file)."""
    return "\n".join("".join(char.char for char in line)
                     for page in chars_of(path) for line in lines_of(page, gap_mm=1000.0))
