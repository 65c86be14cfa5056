"""Print production: grids, cut lines, duplex backs, fonts, bytes, variants."""

from __future__ import annotations

import itertools

import pypdf
import pytest
from conftest import ENGLISH_PACK, run_cli, write_pack
from pdfread import card_boxes, fonts

from kit import imposition
from kit.errors import KitError
from kit.palette import PALETTE, luminance

SIZES = ["dialogue", "a6", "a7", "poker", "square"]
SHEETS = ["a4", "letter"]


@pytest.mark.parametrize(
    "card, sheet, per_sheet, rotated",
    [
        ("poker", "a4", 9, False),
        ("poker", "letter", 9, False),
        ("dialogue", "a4", 4, False),
        ("dialogue", "letter", 4, False),
        ("a7", "a4", 4, False),
        ("a6", "a4", 2, True),
        ("a6", "letter", 2, True),
        ("square", "a4", 8, False),
        ("57x89", "a4", 10, True),  # bridge: more fit turned sideways
    ],
)
def test_grid_places_as_many_cards_as_fit(card, sheet, per_sheet, rotated):
    grid = imposition.grid(imposition.parse_card_size(card), imposition.parse_sheet(sheet))
    assert (grid.per_sheet, grid.rotated) == (per_sheet, rotated)
    left, top, right, bottom = grid.box
    sw, sh = grid.sheet
    assert min(left, top, sw - right, sh - bottom) >= imposition.UNPRINTABLE_MM - 1e-6
    assert left == pytest.approx(sw - right) and top == pytest.approx(sh - bottom)  # centred


def test_a_card_larger_than_the_printable_sheet_is_an_error():
    with pytest.raises(KitError, match="does not fit"):
        imposition.grid((205, 290), imposition.parse_sheet("a4"))


@pytest.mark.parametrize("text", ["huge", "10x", "0x50", "63x88x2"])
def test_bad_card_sizes_are_refused(text):
    with pytest.raises(KitError):
        imposition.parse_card_size(text)


def test_neighbours_share_one_cut_line_and_marks_reach_the_sheet_edge():
    from kit.sheets import _marks

    grid = imposition.grid((63, 88), imposition.parse_sheet("a4"))
    cuts = sorted(grid.cuts_x)
    assert len(cuts) == grid.cols + 1
    assert all(b - a > 1 for a, b in itertools.pairwise(cuts))
    for x1, y1, x2, y2 in _marks(grid):
        assert (x1 == x2 and {y1, y2} == {0, 297}) or (y1 == y2 and {x1, x2} == {0, 210})


def test_with_bleed_marks_stay_outside_the_bleed():
    from kit.sheets import _marks

    grid = imposition.grid((63, 88), imposition.parse_sheet("a4"), bleed=3)
    left, top, right, bottom = grid.box
    for x1, y1, x2, y2 in _marks(grid):
        if x1 == x2:  # vertical mark: above or below the grid and its bleed
            assert max(y1, y2) <= top or min(y1, y2) >= bottom
        else:
            assert max(x1, x2) <= left or min(x1, x2) >= right
    # each card's trim is cut on both sides: its bleed and its neighbour's lie between
    assert len(grid.cuts_x) == 2 * grid.cols


def test_category_colours_keep_their_order_in_greyscale():
    values = [luminance(style.colour) for style in PALETTE]
    assert values == sorted(values, reverse=True)
    assert len({style.shape for style in PALETTE}) == len(PALETTE)


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory):
    return write_pack(tmp_path_factory.mktemp("print") / "pack", ENGLISH_PACK)


def _boxes(pack, out, *args):
    result = run_cli("--content", str(pack), "--out", str(out), "--only", "sort-cards", *args)
    assert result.returncode == 0, result.stderr
    pdf = out / "staff-wellbeing" / "sort-cards.pdf"
    return pdf, card_boxes(pdf)


@pytest.mark.parametrize("size, sheet, duplex", list(itertools.product(SIZES, SHEETS, ["long", "short"])))
def test_every_back_lies_behind_its_front(small_pack, tmp_path, size, sheet, duplex):
    pdf, boxes = _boxes(small_pack, tmp_path, "--card-size", size, "--paper", sheet, "--duplex", duplex)
    sw, sh = imposition.parse_sheet(sheet)
    fronts = {k[len("front-"):]: v for k, v in boxes.items() if k.startswith("front-")}
    assert fronts
    for card, (page, left, top, right, bottom) in fronts.items():
        back_page, b_left, b_top, b_right, b_bottom = boxes[f"back-{card}"]
        assert back_page == page + 1
        if duplex == "long":
            expected = (sw - right, top, sw - left, bottom)
        else:
            expected = (left, sh - bottom, right, sh - top)
        assert (b_left, b_top, b_right, b_bottom) == tuple(pytest.approx(v, abs=0.2) for v in expected), card


def test_back_offset_moves_every_back(small_pack, tmp_path):
    _, plain = _boxes(small_pack, tmp_path / "plain")
    _, moved = _boxes(small_pack, tmp_path / "moved", "--back-offset", "1.5,-2")
    for key, box in plain.items():
        shift = (1.5, -2) if key.startswith("back-") else (0, 0)
        assert moved[key][1] == pytest.approx(box[1] + shift[0], abs=0.05)
        assert moved[key][2] == pytest.approx(box[2] + shift[1], abs=0.05)


def test_fold_mode_puts_front_and_back_side_by_side(small_pack, tmp_path):
    pdf, boxes = _boxes(small_pack, tmp_path, "--duplex", "fold")
    assert not [k for k in boxes if k.startswith(("back-", "front-"))]
    folds = {k: v for k, v in boxes.items() if k.startswith("fold-st-")}
    for _, left, top, right, bottom in folds.values():
        # the pair may be turned sideways when that fits more pairs
        assert sorted([right - left, bottom - top]) == [pytest.approx(88, abs=0.05), pytest.approx(2 * 63, abs=0.05)]
    assert folds


def test_duplex_none_leaves_backs_out(small_pack, tmp_path):
    pdf, boxes = _boxes(small_pack, tmp_path, "--duplex", "none")
    assert not [k for k in boxes if k.startswith("back-")]


def test_fonts_are_embedded_subset_and_shipped(default_kit):
    for pdf in sorted(default_kit.glob("*.pdf")):
        found = fonts(pdf)
        assert found, pdf.name
        for font in found:
            assert font["embedded"], (pdf.name, font)
            prefix, _, family = font["name"].lstrip("/").partition("+")
            assert len(prefix) == 6 and prefix.isupper(), (pdf.name, font)  # a subset
            assert family.startswith("Atkinson-Hyperlegible"), (pdf.name, font)


def test_the_same_input_gives_the_same_bytes(small_pack, tmp_path):
    outputs = []
    for run in ("one", "two"):
        result = run_cli("--content", str(small_pack), "--out", str(tmp_path / run), "--only", "dialogue-cards,sort-cards")
        assert result.returncode == 0, result.stderr
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / run / "staff-wellbeing").glob("*.pdf")})
    assert outputs[0] == outputs[1] and len(outputs[0]) == 2


def test_pdf_metadata_comes_from_the_pack(default_kit):
    reader = pypdf.PdfReader(default_kit / "sort-cards.pdf")
    meta = reader.metadata
    assert "Collectief leren" in meta.title
    assert "De Smet" in meta.author and "Steunpunt Onderwijsonderzoek" in meta.subject
    assert reader.trailer["/Root"].get("/Lang") == "nl"


@pytest.mark.parametrize("variant, product, marker", [("pdf/a-3b", "sort-cards", "pdfaid:part"), ("pdf/ua-1", "dialogue-cards", "pdfuaid:part")])
def test_pdf_variants_pass_through(small_pack, tmp_path, variant, product, marker):
    result = run_cli("--content", str(small_pack), "--out", str(tmp_path), "--only", product, "--pdf-variant", variant)
    assert result.returncode == 0, result.stderr
    reader = pypdf.PdfReader(tmp_path / "staff-wellbeing" / f"{product}.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert marker.encode() in xmp


def test_unknown_pdf_variant_is_bad_input(small_pack, tmp_path):
    result = run_cli("--content", str(small_pack), "--out", str(tmp_path), "--pdf-variant", "pdf/z-9")
    assert result.returncode == 2 and "unknown PDF variant" in result.stderr


def test_low_ink_prints_no_colour(small_pack, tmp_path):
    import pypdfium2 as pdfium

    result = run_cli("--content", str(small_pack), "--out", str(tmp_path), "--only", "sort-cards,dialogue-cards", "--low-ink")
    assert result.returncode == 0, result.stderr
    for pdf in (tmp_path / "staff-wellbeing").glob("*.pdf"):
        document = pdfium.PdfDocument(str(pdf))
        for page in document:
            image = page.render(scale=30 / 72).to_pil().convert("HSV")
            saturated = sum(1 for h, s, v in image.get_flattened_data() if s > 60 and v > 60)
            assert saturated < 0.002 * image.width * image.height, pdf.name
        document.close()


def test_sheets_tell_the_printer_to_print_at_actual_size_with_a_ruler(default_kit):
    from pdfread import text

    content = text(default_kit / "sort-cards.pdf")
    assert "100 %" in content and "50 mm" in content


def test_a_large_deck_is_laid_out_in_chunks_and_joined_whole(tmp_path):
    """Over 40 pages a deck is rendered a chunk at a time (memory stays flat);
    the joined PDF still has every card, backs behind fronts, the same bytes twice."""
    import yaml

    from kit.sheets import CHUNK_PAGES

    files = dict(ENGLISH_PACK)
    categories = ["drivers", "conditions", "outcomes", "risks"]
    files["statements.yaml"] = yaml.safe_dump(
        [{"id": f"s-{i:03d}", "category": categories[i % 4], "text": f"Statement {i} about staff wellbeing.", "source": "kit"} for i in range(220)]
    )
    pack = write_pack(tmp_path / "big", files)
    outputs = []
    for run in ("one", "two"):
        pdf, boxes = _boxes(pack, tmp_path / run)
        outputs.append(pdf.read_bytes())
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) > CHUNK_PAGES
    assert reader.trailer["/Root"]["/Lang"] == "en" and "Sort cards" in reader.metadata.title
    fronts = {k[6:]: v for k, v in boxes.items() if k.startswith("front-s-")}
    assert len(fronts) == 220
    for card, (page, left, top, right, bottom) in fronts.items():
        back_page, b_left, b_top, *_ = boxes[f"back-{card}"]
        assert back_page == page + 1 and b_left == pytest.approx(210 - right, abs=0.2) and b_top == pytest.approx(top, abs=0.2)
    assert outputs[0] == outputs[1]


def test_a_poster_for_a_print_shop_has_trim_and_bleed_boxes(small_pack, tmp_path):
    result = run_cli("--content", str(small_pack), "--out", str(tmp_path), "--only", "poster", "--bleed", "3")
    assert result.returncode == 0, result.stderr
    page = pypdf.PdfReader(tmp_path / "staff-wellbeing" / "poster.pdf").pages[0]
    trim, bleed = page.trimbox, page.bleedbox
    mm = 72 / 25.4
    assert float(trim.width) / mm == pytest.approx(297, abs=0.1) and float(trim.height) / mm == pytest.approx(420, abs=0.1)
    assert float(bleed.width) / mm == pytest.approx(303, abs=0.6)
