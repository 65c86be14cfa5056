"""The default kit as a facilitator prints it: sizes, words, codes and QR codes."""

from __future__ import annotations

import re
from collections import Counter

from conftest import DEFAULT_PACK, cards_by_code, expected_codes
from pdfread import contains, font_sizes_of, misplaced_backs, page_sizes_mm, qr_codes, sheets, squash, text

from kit.pack import load_pack

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


def _card_sizes(pdf) -> Counter:
    return Counter(card.box.size() for page in sheets(pdf) for card in page.cards)


def test_letter_paper_keeps_card_sizes(default_kit, letter_kit):
    for product, size in (("dialogue-cards", (95, 130)), ("sort-cards", (63, 88))):
        assert set(page_sizes_mm(letter_kit / f"{product}.pdf")) == {LETTER}
        a4, letter = _card_sizes(default_kit / f"{product}.pdf"), _card_sizes(letter_kit / f"{product}.pdf")
        assert a4 == letter, product  # every card as large on Letter as on A4
        assert a4[size] > 0, (product, a4)


def test_dialogue_cards_are_95_by_130_four_to_a_sheet_with_backs(default_kit):
    pages = sheets(default_kit / "dialogue-cards.pdf")
    fronts = [card for page in pages for card in page.cards]
    assert len(fronts) == len(PACK.dialogue) + 1  # plus the card that says what the deck is
    for card in fronts:
        assert card.box.size() == (95, 130), card.text[:40]
        assert card.box.left >= 5 and card.box.top >= 5 and card.box.right <= 205 and card.box.bottom <= 292
    assert max(len(page.cards) for page in pages) == 4
    for card in PACK.dialogue:  # every prompt whole on a card, between its own cut lines
        words = [w for w in (card.title, card.text, card.question) if w]
        assert any(all(contains(front.text, w) for w in words) for front in fronts), card.id
    assert misplaced_backs(pages, "long") == []  # each back on the next page, behind its front


def test_sort_cards_are_poker_size_nine_to_a_sheet(default_kit, letter_kit):
    for kit in (default_kit, letter_kit):
        pages = sheets(kit / "sort-cards.pdf")
        found = cards_by_code(pages, expected_codes(PACK))
        assert all(len(cards) == 1 for cards in found.values()), kit
        for cards in found.values():
            assert cards[0].box.size() == (63, 88)
        statement_pages = [page for page in pages if any(card.box.size() == (63, 88) for card in page.cards)]
        assert max(len(page.cards) for page in statement_pages) == 9
        assert misplaced_backs(pages, "long") == []


def test_sort_cards_show_statements_and_codes_but_not_their_category(default_kit):
    """Each statement card, read on its own between its cut lines, shows the
    statement and its code and nothing else: no category label, no question word."""
    pages = sheets(default_kit / "sort-cards.pdf")
    cards = [card for page in pages for card in page.cards]
    codes = expected_codes(PACK)
    giveaways = [word for c in PACK.categories for word in (c.label, c.question, *c.question.split(" / "))]
    for statement in PACK.statements:
        holding = [card for card in cards if contains(card.text, statement.text)]
        assert len(holding) == 1, statement.id
        words = holding[0].text
        rest = squash(words).replace(squash(statement.text), "", 1)
        for word in giveaways:
            assert squash(word).lower() not in rest.lower(), (statement.id, word)
        assert codes[statement.id] in re.findall(r"\d+", words), (statement.id, words)  # a whole number
        assert rest == codes[statement.id], (statement.id, words)  # and nothing else
    for category in PACK.categories:  # on the header cards, once each
        headers = [card for card in cards if contains(card.text, category.definition)]
        assert len(headers) == 1, category.id
        assert contains(headers[0].text, category.label) and contains(headers[0].text, category.question)


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
    codes = expected_codes(PACK)
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
    """Read from the PDF, every letter: the default pack's words are set large
    enough to read around a table (dialogue at least 10 pt, statements at
    least 9 pt: well above the 8 pt the fitter may fall back to), each card's
    text in one size, and short statements are not shrunk at all."""
    for card in PACK.dialogue:
        words = card.text or card.question
        sizes = font_sizes_of(default_kit / "dialogue-cards.pdf", words)
        assert sizes and min(sizes) >= 10, (card.id, sorted(set(sizes)))
    by_length = []
    for statement in PACK.statements:
        sizes = font_sizes_of(default_kit / "sort-cards.pdf", statement.text)
        assert len(sizes) == len(squash(statement.text)), statement.id  # every letter found
        assert len(set(sizes)) == 1, (statement.id, sorted(set(sizes)))
        assert sizes[0] >= 9, (statement.id, sizes[0])
        by_length.append((len(statement.text), sizes[0]))
    by_length.sort()
    largest = max(size for _, size in by_length)
    assert all(size == largest for length, size in by_length if length <= 100), by_length
