"""A dialogue deck that must shrink is fitted from its likeliest cards first:
laid out about once, not twice, to the very same pages.

The cards holding (nearly) the most text are laid out first, alone on their
pages (with the about card, which has a size of its own); the size they need
is the size the whole deck gets, so the deck is laid out once at that size. The sizes chosen are those of laying out the
whole deck first, so the final HTML (what WeasyPrint prints) is the same.
"""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import DEFAULT_PACK

from kit import sheets
from kit.build import Task
from kit.build.worker import render_product
from kit.context import Options
from kit.pack import load_pack


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """The default pack with ten of its dialogue cards: the four with the most
    text (which make the deck shrink), three of the least and three between,
    on three sheets: the deck's fitting at a third of the cost of all nineteen."""
    folder = tmp_path_factory.mktemp("deck") / "pack"
    shutil.copytree(DEFAULT_PACK, folder)
    cards = yaml.safe_load((folder / "dialogue.yaml").read_text(encoding="utf-8"))
    by_length = sorted(cards, key=lambda card: len(str(card)))
    kept = {card["id"] for card in by_length[:3] + by_length[8:11] + by_length[-4:]}
    (folder / "dialogue.yaml").write_text(yaml.safe_dump([c for c in cards if c["id"] in kept], allow_unicode=True,
                                                         sort_keys=False), encoding="utf-8")
    return load_pack(folder)


def _build(tmp_path, monkeypatch, deck, name: str, options: Options, probe: bool):
    if not probe:  # as before: the whole deck laid out first
        monkeypatch.setattr(sheets, "_likeliest", lambda pages, fit: set())
    html = tmp_path / name / "html"
    monkeypatch.setenv("KIT_DUMP_HTML", str(html))
    result = render_product(Task(deck, tmp_path / name / "out", "dialogue-cards", options, "key"))
    monkeypatch.undo()
    assert result.status == "built", result.message
    return result, (html / "dialogue-cards.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("card_size", ["dialogue", "a7"])
def test_a_deck_that_shrinks_is_laid_out_about_once_to_the_same_pages(tmp_path, monkeypatch, deck, card_size):
    options = Options(card_size=card_size)
    before, whole_first = _build(tmp_path, monkeypatch, deck, "whole", options, probe=False)
    after, likeliest_first = _build(tmp_path, monkeypatch, deck, "likeliest", options, probe=True)
    assert likeliest_first == whole_first  # the same sizes, so the same pages
    assert before.laid_out >= 2 * before.pages  # it shrinks: the whole deck was laid out twice
    assert after.laid_out < before.laid_out
    assert after.laid_out <= after.pages + 4  # the likeliest cards' pages, and the about card's again


def test_a_deck_that_fits_is_laid_out_once_but_its_likeliest_cards(tmp_path, monkeypatch, deck):
    result, html = _build(tmp_path, monkeypatch, deck, "a6", Options(card_size="a6"), probe=True)
    _, whole_first = _build(tmp_path, monkeypatch, deck, "a6-whole", Options(card_size="a6"), probe=False)
    assert html == whole_first
    # the likeliest cards (the two longest prompts) and the about card were laid out
    # alone on their pages first; they fit, so the deck was laid out once beside them
    assert result.passes == 2
    assert result.laid_out <= result.pages + 3
