"""The default kit as a facilitator prints it: sizes, words, codes and QR codes."""

from __future__ import annotations

import pytest
from conftest import DEFAULT_PACK
from pdfread import card_boxes, contains, page_sizes_mm, qr_codes, text

from kit.codes import sort_codes
from kit.loader import load_pack

PACK = load_pack(DEFAULT_PACK).pack
A4, LETTER, A3 = (210.0, 297.0), (215.9, 279.4), (297.0, 420.0)


def test_every_product_is_written_with_its_page_size(default_kit):
    expected = {
        "dialogue-cards": A4,
        "sort-cards": A4,
        "poster": A3,
        "answer-key": A4,
        "worksheet": A4,
        "guide": A4,
    }
    for product, size in expected.items():
        sizes = page_sizes_mm(default_kit / f"{product}.pdf")
        assert sizes and set(sizes) == {size}, product
    assert len(page_sizes_mm(default_kit / "poster.pdf")) == 1


def test_letter_paper_keeps_card_sizes(default_kit, letter_kit):
    for product in ("dialogue-cards", "sort-cards"):
        assert set(page_sizes_mm(letter_kit / f"{product}.pdf")) == {LETTER}
        a4 = card_boxes(default_kit / f"{product}.pdf")
        letter = card_boxes(letter_kit / f"{product}.pdf")
        for key, box in a4.items():
            other = letter[key]
            assert abs((box[3] - box[1]) - (other[3] - other[1])) < 0.05
            assert abs((box[4] - box[2]) - (other[4] - other[2])) < 0.05


def test_dialogue_cards_are_95_by_130_four_to_a_sheet_with_backs(default_kit):
    boxes = card_boxes(default_kit / "dialogue-cards.pdf")
    fronts = {k: v for k, v in boxes.items() if k.startswith("front-")}
    assert len(fronts) == len(PACK.dialogue) + 1  # plus the card that says what the deck is
    for _, left, top, right, bottom in fronts.values():
        assert right - left == pytest.approx(95, abs=0.05)
        assert bottom - top == pytest.approx(130, abs=0.05)
        assert left >= 5 and top >= 5 and right <= 205 and bottom <= 292
    per_page = {}
    for page, *_ in fronts.values():
        per_page[page] = per_page.get(page, 0) + 1
    assert max(per_page.values()) == 4
    for key, (page, *_rest) in fronts.items():
        back_page = boxes[key.replace("front-", "back-", 1)][0]
        assert back_page == page + 1  # the back follows its front


def test_sort_cards_are_poker_size_nine_to_a_sheet(default_kit, letter_kit):
    for kit in (default_kit, letter_kit):
        boxes = card_boxes(kit / "sort-cards.pdf")
        statements = {k: v for k, v in boxes.items() if k.startswith("front-") and k[6:] in {s.id for s in PACK.statements}}
        assert len(statements) == len(PACK.statements)
        per_page = {}
        for page, left, top, right, bottom in statements.values():
            assert (right - left, bottom - top) == (pytest.approx(63, abs=0.05), pytest.approx(88, abs=0.05))
            per_page[page] = per_page.get(page, 0) + 1
        assert max(per_page.values()) == 9


def test_sort_cards_show_statements_and_codes_but_not_their_category(default_kit):
    content = text(default_kit / "sort-cards.pdf")
    codes = sort_codes(PACK)
    for statement in PACK.statements:
        assert contains(content, statement.text), statement.id
        assert codes[statement.id] in content
    for category in PACK.categories:  # on the header cards, once each
        assert contains(content, category.definition)
        assert contains(content, category.question)


def test_dialogue_cards_hold_every_prompt_and_question(default_kit):
    content = text(default_kit / "dialogue-cards.pdf")
    for card in PACK.dialogue:
        for words in (card.text, card.question, card.title):
            if words:
                assert contains(content, words), card.id


def test_poster_holds_every_recommendation_whole(default_kit):
    content = text(default_kit / "poster.pdf")
    for recommendation in PACK.recommendations:
        assert contains(content, recommendation.text), recommendation.id
    assert contains(content, PACK.citation.text)


def test_answer_key_maps_every_code_to_its_category(default_kit):
    """Read per category section: the codes listed under it are exactly its statements."""
    content = text(default_kit / "answer-key.pdf")
    codes = sort_codes(PACK)
    flat = " ".join(content.split())
    positions = []
    for category in PACK.categories:
        assert contains(content, category.definition)
        positions.append((flat.index(category.definition.split(".")[0][:40]), category))
    positions.sort(key=lambda p: p[0])
    for index, (start, category) in enumerate(positions):
        end = positions[index + 1][0] if index + 1 < len(positions) else len(flat)
        section = flat[start:end]
        for statement in PACK.statements:
            row = f"{codes[statement.id]} {statement.text[:25]}"
            if statement.category == category.id:
                assert contains(section, row), (category.id, statement.id)
            else:
                assert not contains(section, row), (category.id, statement.id)


def test_every_product_has_a_qr_code_that_scans_to_the_report(default_kit):
    for product in ("dialogue-cards", "sort-cards", "poster", "answer-key", "worksheet", "guide"):
        decoded = [code for page in qr_codes(default_kit / f"{product}.pdf") for code in page]
        assert PACK.report_url in decoded, product


def test_every_product_prints_the_citation(default_kit):
    for product in ("dialogue-cards", "sort-cards", "poster", "answer-key", "worksheet", "guide"):
        assert contains(text(default_kit / f"{product}.pdf"), PACK.citation.short), product


def test_a_pack_in_english_with_other_categories_builds_every_product(english_kit, english_pack):
    other = load_pack(english_pack).pack
    for product in ("dialogue-cards", "sort-cards", "poster", "answer-key", "worksheet", "guide"):
        pdf = english_kit / f"{product}.pdf"
        assert pdf.is_file(), product
        assert other.report_url in [c for page in qr_codes(pdf) for c in page], product
    sort = text(english_kit / "sort-cards.pdf")
    assert all(contains(sort, s.text) for s in other.statements)
    key = text(english_kit / "answer-key.pdf")
    assert all(contains(key, c.definition) for c in other.categories)
    assert "Answer key" in key  # English labels
    assert "Antwoordsleutel" not in key


def test_dialogue_and_sort_card_text_stays_readable(default_kit):
    from pdfread import font_size_at

    for card in PACK.dialogue:
        words = (card.text or card.question)[:14]
        size = font_size_at(default_kit / "dialogue-cards.pdf", words)
        assert size is not None and size >= 10, (card.id, size)
    for statement in PACK.statements:
        size = font_size_at(default_kit / "sort-cards.pdf", statement.text[:14])
        assert size is not None and size >= 8, (statement.id, size)
