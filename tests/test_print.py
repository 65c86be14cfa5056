"""Print production: grids, cut lines, duplex backs, fonts, bytes, variants."""

from __future__ import annotations

import itertools

import pypdf
import pytest
from conftest import LARGE_DECK, build, cards_by_code, cli, expected_codes
from pdfread import CardFace, fonts, misplaced_backs, sheets

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


# Sizes as the user asks for them, in mm: what the cut cards must measure.
SIZES = {"dialogue": (95, 130), "a6": (105, 148), "a7": (74, 105), "poker": (63, 88), "square": (70, 70)}
SHEETS = {"a4": (210, 297), "letter": (215.9, 279.4)}


@pytest.fixture(scope="module")
def english(english_pack):
    from kit.pack import load_pack

    return load_pack(english_pack).pack


def _statement_cards(pages, pack) -> dict[str, CardFace]:
    """Each statement's front card, found by its code; each code on exactly one card."""
    found = cards_by_code(pages, expected_codes(pack))
    assert all(len(cards) == 1 for cards in found.values()), {k: len(v) for k, v in found.items()}
    return {key: cards[0] for key, cards in found.items()}


def _is_size(box, size, tolerance=0.05) -> bool:
    w, h = size
    return any(abs(box.width - a) <= tolerance and abs(box.height - b) <= tolerance for a, b in ((w, h), (h, w)))


@pytest.mark.parametrize("size, sheet, duplex", list(itertools.product(SIZES, SHEETS, ["long", "short"])))
def test_every_card_is_cut_to_its_size_and_its_back_lies_behind_it(sort_cards, english, size, sheet, duplex):
    pages = sheets(sort_cards(card_size=size, paper=sheet, duplex=duplex))
    sw, sh = SHEETS[sheet]
    assert all(page.size == (pytest.approx(sw, abs=0.05), pytest.approx(sh, abs=0.05)) for page in pages)
    cards = [card for page in pages for card in page.cards]
    assert len(cards) == 1 + len(english.categories) + len(english.statements)  # the deck card, headers, statements
    for key, card in _statement_cards(pages, english).items():
        assert _is_size(card.box, SIZES[size]), (key, card.box.size())
    for card in cards:
        box = card.box
        assert box.left >= 5 and box.top >= 5 and box.right <= sw - 5 and box.bottom <= sh - 5, box
    assert misplaced_backs(pages, duplex) == []


def test_back_offset_moves_every_back(sort_cards):
    plain, moved = sheets(sort_cards()), sheets(sort_cards(back_offset=(1.5, -2.0)))
    assert [p.side for p in plain] == [p.side for p in moved]
    for before, after in zip(plain, moved):
        if before.side == "front":
            assert [c.box for c in after.cards] == [c.box for c in before.cards]
            continue
        shifted = [(f.left + 1.5, f.top - 2.0, f.width, f.height) for f in before.faces((60, 60), slack=60)]
        found = [(f.left, f.top, f.width, f.height) for f in after.faces((60, 60), slack=60)]
        assert len(found) == len(shifted) > 0
        for expected in shifted:
            assert any(all(abs(a - b) <= 0.05 for a, b in zip(expected, face)) for face in found), (expected, found)
    assert misplaced_backs(moved, "long", offset=(1.5, -2.0)) == []
    assert misplaced_backs(moved, "long") != []  # the check sees a 2 mm shift


def test_fold_mode_puts_front_and_back_side_by_side(sort_cards, english):
    pages = sheets(sort_cards(duplex="fold"))
    assert pages and all(page.side == "front" for page in pages)  # no back pages
    cards = [card for page in pages for card in page.cards]
    assert len(cards) == 1 + len(english.categories) + len(english.statements)
    for key, card in _statement_cards(pages, english).items():
        # the pair may be turned sideways when that fits more pairs
        assert _is_size(card.box, (2 * 63, 88)), (key, card.box.size())
        assert set(english.title.split()) <= set(card.text.split()), key  # its back, beside it


def test_duplex_none_leaves_backs_out(sort_cards, english):
    pages = sheets(sort_cards(duplex="none"))
    assert pages and all(page.side == "front" for page in pages)
    assert sum(len(page.cards) for page in pages) == 1 + len(english.categories) + len(english.statements)
    for card in _statement_cards(pages, english).values():
        assert _is_size(card.box, SIZES["poker"])


def test_fonts_are_embedded_subset_and_shipped(default_kit):
    for pdf in sorted(default_kit.glob("*.pdf")):
        found = fonts(pdf)
        assert found, pdf.name
        for font in found:
            assert font["embedded"], (pdf.name, font)
            prefix, _, family = font["name"].lstrip("/").partition("+")
            assert len(prefix) == 6 and prefix.isupper(), (pdf.name, font)  # a subset
            assert family.startswith("Atkinson-Hyperlegible"), (pdf.name, font)


def test_the_same_input_gives_the_same_bytes(english_pack, english_kit, sort_cards, tmp_path):
    """Built by the command line (in a pool's worker) and again in this
    process (another hash seed, no pool): the same bytes."""
    again = build(english_pack, tmp_path, "dialogue-cards")
    assert (english_kit / "sort-cards.pdf").read_bytes() == sort_cards().read_bytes()
    assert (english_kit / "dialogue-cards.pdf").read_bytes() == (again / "dialogue-cards.pdf").read_bytes()


def test_pdf_metadata_comes_from_the_pack(default_kit):
    reader = pypdf.PdfReader(default_kit / "sort-cards.pdf")
    meta = reader.metadata
    assert "Collectief leren" in meta.title
    assert "De Smet" in meta.author and "Steunpunt Onderwijsonderzoek" in meta.subject
    assert reader.trailer["/Root"].get("/Lang") == "nl"


@pytest.mark.parametrize("variant, product, marker", [("pdf/a-3b", "sort-cards", "pdfaid:part"), ("pdf/ua-1", "dialogue-cards", "pdfuaid:part")])
def test_pdf_variants_pass_through(english_pack, tmp_path, variant, product, marker):
    build(english_pack, tmp_path, product, pdf_variant=variant)
    reader = pypdf.PdfReader(tmp_path / f"{product}.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert marker.encode() in xmp


def test_unknown_pdf_variant_is_bad_input(english_pack, tmp_path):
    result = cli("--content", str(english_pack), "--out", str(tmp_path), "--pdf-variant", "pdf/z-9")
    assert result.returncode == 2 and "unknown PDF variant" in result.stderr


def test_low_ink_prints_no_colour(english_pack, sort_cards, tmp_path):
    import pypdfium2 as pdfium

    build(english_pack, tmp_path, "dialogue-cards", low_ink=True)
    for pdf in (tmp_path / "dialogue-cards.pdf", sort_cards(low_ink=True)):
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


@pytest.mark.slow
def test_a_large_deck_is_laid_out_in_chunks_and_joined_whole(large_deck, large_deck_pdfs):
    """Over 40 pages a deck is rendered a chunk at a time (memory stays flat);
    the joined PDF still has every card, backs behind fronts, the same bytes
    from the command line (two processes) and from this process (one)."""
    from kit.pack import load_pack
    from kit.sheets import CHUNK_PAGES

    pdf = large_deck_pdfs["here"]
    assert large_deck_pdfs["cli"].read_bytes() == pdf.read_bytes()
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) > CHUNK_PAGES
    assert reader.trailer["/Root"]["/Lang"] == "en" and "Sort cards" in reader.metadata.title
    pages = sheets(pdf)
    statements = _statement_cards(pages, load_pack(large_deck).pack)
    assert len(statements) == LARGE_DECK
    assert all(_is_size(card.box, SIZES["poker"]) for card in statements.values())
    assert misplaced_backs(pages, "long") == []


def test_a_poster_for_a_print_shop_has_trim_and_bleed_boxes(english_pack, tmp_path):
    build(english_pack, tmp_path, "poster", bleed=3)
    page = pypdf.PdfReader(tmp_path / "poster.pdf").pages[0]
    trim, bleed = page.trimbox, page.bleedbox
    mm = 72 / 25.4
    assert float(trim.width) / mm == pytest.approx(297, abs=0.1) and float(trim.height) / mm == pytest.approx(420, abs=0.1)
    assert float(bleed.width) / mm == pytest.approx(303, abs=0.6)
