"""A card deck's HTML is slim and its PDF still names every card.

The deck's HTML gives WeasyPrint as few boxes per card as the print needs:
no element for a card's bottom-right named destination (written into the
PDF after layout), no face element where a card has no bleed (the card box
is its face). A back page that every sheet repeats is laid out once and
printed behind each sheet, named for that sheet's cards. The PDF is read
back: every card side is named at both corners, behind its own front, and a
deck joined from parts keeps its pages, their order and their names.
"""

from __future__ import annotations

import math
import re

import pypdf
import pytest
from conftest import ENGLISH_PACK, build, write_pack
from helpers import LARGE_DECK, letters
from kit.sheets import CHUNK_PAGES
from pdfread import card_boxes, text

A4_W = 210.0
POKER = (63.0, 88.0)


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory):
    return write_pack(tmp_path_factory.mktemp("deck-html") / "pack", ENGLISH_PACK)


def _dumped(pack, tmp_path, monkeypatch, **options) -> str:
    monkeypatch.setenv("KIT_DUMP_HTML", str(tmp_path / "html"))
    build(pack, tmp_path / "out", "sort-cards", **options)
    return "".join(path.read_text(encoding="utf-8") for path in sorted((tmp_path / "html").glob("*.html")))


def _cards(html: str) -> list[str]:
    """The opening tag of every card side."""
    return re.findall(r'<div class="[^"]*\bcard\b[^"]*"[^>]*data-card="[^"]*"[^>]*>', html)


def test_without_bleed_a_card_is_its_own_face_and_has_no_element_for_its_corner(small_pack, tmp_path, monkeypatch):
    html = _dumped(small_pack, tmp_path, monkeypatch)
    cards = _cards(html)
    assert len(cards) >= 20  # fronts and backs of the about, header and statement cards
    assert 'class="anchor"' not in html and '-br"' not in html
    assert 'class="face' not in html  # no face element
    assert all(re.search(r'class="[^"]*\bface\b', card) for card in cards)
    tinted = [card for card in cards if "tinted" in card]
    assert tinted and all("--face:" in card and 'data-side="front"' in card for card in tinted)  # header cards


def test_with_bleed_each_card_side_has_one_face_reaching_into_the_bleed(small_pack, tmp_path, monkeypatch):
    html = _dumped(small_pack, tmp_path, monkeypatch, bleed=3.0)
    assert html.count('<div class="face') == len(_cards(html))
    assert 'left: -3.000mm; top: -3.000mm; right: -3.000mm; bottom: -3.000mm;' in html


@pytest.mark.parametrize("options", [{}, {"bleed": 3.0}, {"duplex": "short", "sets": 2}, {"card_size": "a6"}])
def test_every_card_side_is_named_at_both_corners_and_its_back_is_behind_its_front(small_pack, tmp_path, options):
    pdf = build(small_pack, tmp_path, "sort-cards", **options) / "sort-cards.pdf"
    boxes = card_boxes(pdf)
    fronts = {name[len("front-"):]: box for name, box in boxes.items() if name.startswith("front-")}
    backs = {name[len("back-"):]: box for name, box in boxes.items() if name.startswith("back-")}
    assert len(fronts) >= 10 and set(backs) == set(fronts)
    size = 148.0 if options.get("card_size") == "a6" else POKER[1]
    for card, (page, left, top, right, bottom) in fronts.items():
        assert max(right - left, bottom - top) == pytest.approx(size, abs=0.05) or card.startswith(("drivers", "conditions", "outcomes", "risks", "about"))
        b_page, b_left, b_top, b_right, b_bottom = backs[card]
        assert b_page == page + 1
        if options.get("duplex", "long") == "long":  # mirrored left to right
            assert (b_left, b_top) == pytest.approx((A4_W - right, top), abs=0.05)
        else:  # mirrored top to bottom
            assert (b_left, b_right) == pytest.approx((left, right), abs=0.05)
        assert (b_right - b_left, b_bottom - b_top) == pytest.approx((right - left, bottom - top), abs=0.05)


def test_a_repeated_back_page_is_laid_out_once_and_printed_behind_every_sheet(large_deck_pdfs, large_deck_counts):
    # the run's large deck (185 statements), laid out whole in one process
    pages, laid_out = large_deck_counts["pages"], large_deck_counts["laid_out"]
    assert pages == 2 * (2 + math.ceil(LARGE_DECK / 9))  # two sheets of header cards, then the statements'
    assert laid_out < pages * 3 // 4, large_deck_counts  # the fronts, and the backs a few times at most
    reader = pypdf.PdfReader(large_deck_pdfs["here"])
    assert len(reader.pages) == pages
    backs = [" ".join(page.extract_text().split()) for page in reader.pages[5::2]]  # statement sheets' backs
    assert len(set(backs)) <= 2  # full sheets, and the last
    assert all(b.count("Staff wellbeing in small schools") == min(9, LARGE_DECK - 9 * i) for i, b in enumerate(backs))


@pytest.mark.slow
def test_a_deck_joined_from_parts_keeps_its_pages_their_order_and_names_with_one_or_two_processes(large_deck_pdfs):
    # the run's large deck: joined from parts rendered by two workers, and in one process
    pdfs = [large_deck_pdfs["cli"], large_deck_pdfs["here"]]
    assert pdfs[0].read_bytes() == pdfs[1].read_bytes()
    reader = pypdf.PdfReader(pdfs[0])
    assert len(reader.pages) > CHUNK_PAGES
    boxes = card_boxes(pdfs[0])
    assert {f"front-s-{i:03d}" for i in range(LARGE_DECK)} <= set(boxes)
    assert {f"back-s-{i:03d}" for i in range(LARGE_DECK)} <= set(boxes)
    # nine statements to a sheet, in code order, each named on its own sheet's front and back
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    for name, (page, *_rest) in boxes.items():
        side, card = name.split("-", 1)
        assert (page % 2 == 0) == (side == "front"), name
        if side == "front" and card.startswith("s-"):
            assert f"Statement {letters(int(card[2:]))} about" in pages[page], name
    sheets = len(pages) // 2
    assert f"{sheets}/{sheets}" in text(pdfs[0])  # the last sheet's note
