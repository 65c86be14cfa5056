"""Paper a facilitator would put on the table (issue 25), read back from the PDFs:
posters that read where they hang, type set as a typesetter would, light backs
that leave no stray line near a cut, and the kit's own cards at every size."""

from __future__ import annotations

import collections
import re

import pypdf
import pypdfium2 as pdfium
import pytest
import yaml
from conftest import DEFAULT_PACK, ENGLISH_PACK, build, write_pack
from pdfread import card_boxes, font_sizes_of, page_sizes_mm, sheets, text

from kit.imposition import CARD_SIZES
from kit.labels import format_date
from kit.pack import load_pack

LONG_URL = "https://example.org/projects/collective-learning-within-partnerships/external-professionals-and-schools"
EMAIL = "jane.doe-partnerships@example-institute.org"


def _mode(values: list[float]) -> float | None:
    return collections.Counter(values).most_common(1)[0][0] if values else None


def _unwrapped(pdf) -> str:
    """The PDF's text with its line breaks taken out and nothing else: a hyphen
    added at a line break stays in it. (pdfium reports a hyphen that ends a
    line as U+FFFE or U+0002, whether the text had it or layout added it.)"""
    return re.sub(r"\r?\n", "", text(pdf)).replace("\ufffe", "-").replace("\x02", "-")


@pytest.fixture(scope="module")
def links_pack(tmp_path_factory):
    files = dict(ENGLISH_PACK)
    pack = yaml.safe_load(files["pack.yaml"])
    pack["links"] = [{"label": "Project page", "url": LONG_URL}]
    pack["contacts"] = [{"name": "Jane Doe", "email": EMAIL}]
    files["pack.yaml"] = yaml.safe_dump(pack, allow_unicode=True)
    return write_pack(tmp_path_factory.mktemp("packs") / "staff-wellbeing", files)


def test_the_text_filter_escapes_pack_text_and_keeps_addresses_whole():
    from kit.typeset import unbroken

    html = str(unbroken(f"<b>see</b> {LONG_URL}. Mail {EMAIL} on 4 December 2026 or December 4, 2026"))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert html.count('<span class="nohy">') == 4
    assert '<span class="nohy">December 4, 2026</span>' in html
    # a break opportunity only after / . - already there, never inside a word
    url = re.search(r'<span class="nohy">(https.*?)</span>', html)[1]
    assert url.replace("<wbr>", "") == LONG_URL
    assert all(part[-1] in "/.-" for part in url.split("<wbr>")[:-1])


def test_no_hyphen_is_added_inside_an_address_or_a_date(links_pack, tmp_path):
    out = build(links_pack, tmp_path, "dialogue-cards,guide", values=(("date", "2026-12-04"),))
    about = _unwrapped(out / "dialogue-cards.pdf")
    assert LONG_URL not in text(out / "dialogue-cards.pdf")  # the address does break over lines ...
    assert LONG_URL in about  # ... only where it has / . or -, with nothing added
    assert format_date("2026-12-04", "en") in about  # December 4, 2026, never De-/cember
    guide = _unwrapped(out / "guide.pdf")
    assert EMAIL in guide and LONG_URL in guide


def test_the_shipped_packs_addresses_print_whole(default_kit):
    pack = load_pack(DEFAULT_PACK).pack
    for name in ("dialogue-cards.pdf", "answer-key.pdf", "poster.pdf", "guide.pdf"):
        printed = _unwrapped(default_kit / name)
        for link in pack.links:
            assert link.url in printed, (name, link.url)


def test_every_card_of_a_deck_is_set_in_one_body_size(default_kit):
    pack = load_pack(DEFAULT_PACK).pack
    dialogue = {_mode(font_sizes_of(default_kit / "dialogue-cards.pdf", d.text)) for d in pack.dialogue if d.text}
    statements = {_mode(font_sizes_of(default_kit / "sort-cards.pdf", s.text)) for s in pack.statements}
    assert len(dialogue) == 1 and None not in dialogue, dialogue
    assert len(statements) == 1 and None not in statements, statements


def test_a_card_too_long_for_the_decks_floor_stops_the_build_naming_it(tmp_path):
    files = dict(ENGLISH_PACK)
    files["dialogue.yaml"] = ENGLISH_PACK["dialogue.yaml"] + (
        "- id: d-long\n  kind: question\n  text: " + "How would this work in our school? " * 50
        + "\n  question: " + "And what would we need to start it? " * 25 + "\n  source: kit\n"
    )
    pack = write_pack(tmp_path / "pack", files)
    from kit.build import build_kit
    from kit.context import Options

    results = build_kit(pack, tmp_path / "out", ["dialogue-cards"], Options(), jobs=1, force=True)
    assert results[0].status != "built"
    assert "'d-long'" in str(results[0].message) and "shorten it" in str(results[0].message)


def test_the_posters_titles_read_from_further_than_their_text(default_kit):
    pack = load_pack(DEFAULT_PACK).pack
    for rec in pack.recommendations:
        title = _mode(font_sizes_of(default_kit / "poster.pdf", rec.title))
        body = _mode(font_sizes_of(default_kit / "poster.pdf", rec.text[:60]))
        assert title >= 20 and title >= 1.4 * body - 0.01, (rec.id, title, body)


def test_the_poster_series_has_one_recommendation_a_sheet_at_wall_sizes(english_pack, tmp_path):
    files = dict(ENGLISH_PACK)
    files["recommendations.yaml"] += (
        "- id: rec-untitled\n  text: Every team keeps a short list of what it agreed and looks at it each month.\n"
        "  source: kit\n"
    )
    pack = write_pack(tmp_path / "pack", files)
    recs = load_pack(pack).pack.recommendations
    for paper, scale in (("a4", 1.0), ("a3", 297 / 210)):
        out = build(pack, tmp_path / paper, "poster-series", **({"poster_paper": "a3"} if paper == "a3" else {}))
        pdf = out / "poster-series.pdf"
        reader = pypdf.PdfReader(pdf)
        assert len(reader.pages) == len(recs)
        assert page_sizes_mm(pdf)[0] == ((210.0, 297.0) if paper == "a4" else (297.0, 420.0))
        for number, (page, rec) in enumerate(zip(reader.pages, recs, strict=True), start=1):
            printed = page.extract_text()
            assert f"{number} / {len(recs)}" in printed
            assert re.sub(r"\s+", "", rec.text[:30]) in re.sub(r"\s+", "", printed)
        bodies = set()
        for rec in recs:
            words = rec.text.split()
            body = _mode(font_sizes_of(pdf, " ".join(words[-3:])))
            bodies.add(body)
            assert body >= 24 * scale - 0.01, (paper, rec.id, body)
            if rec.title:
                assert min(font_sizes_of(pdf, rec.title)) >= 48 * scale - 0.01, (paper, rec.id)
            else:  # a large first line instead of a title
                assert min(font_sizes_of(pdf, words[0])) >= 48 * scale - 0.01, (paper, rec.id)
        assert len(bodies) == 1, bodies  # the sheets of a series hang side by side: one size


def test_letter_gives_a_tabloid_poster(english_pack, tmp_path):
    out = build(english_pack, tmp_path / "letter", "poster", paper="letter")
    assert page_sizes_mm(out / "poster.pdf") == [(279.4, 431.8)]
    out = build(english_pack, tmp_path / "a4", "poster")
    assert page_sizes_mm(out / "poster.pdf") == [(297.0, 420.0)]


def _back_rasters(pdf, dpi=50):
    """(front page index, back page as a greyscale image) for every back page."""
    boxes = card_boxes(pdf)
    back_pages = sorted({box[0] for name, box in boxes.items() if name.startswith("back-")})
    document = pdfium.PdfDocument(str(pdf))
    try:
        for index in back_pages:
            yield index, document[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"), boxes
    finally:
        document.close()


def _coverage(image, box, dpi) -> float:
    px = dpi / 25.4
    crop = image.crop((round(box[1] * px), round(box[2] * px), round(box[3] * px), round(box[4] * px)))
    values = list(crop.get_flattened_data())
    return sum(255 - v for v in values) / (255 * len(values))


@pytest.mark.parametrize("product", ["sort-cards", "dialogue-cards"])
def test_light_backs_cost_little_ink_and_solid_ones_are_kept(english_pack, tmp_path, product):
    dpi = 50
    for backs, low, high in (("light", 0.0, 0.15), ("solid", 0.5, 1.0)):
        out = build(english_pack, tmp_path / backs, product, backs=backs)
        pdf = out / f"{product}.pdf"
        checked = 0
        for index, image, boxes in _back_rasters(pdf, dpi):
            for name, box in boxes.items():
                if name.startswith("back-") and box[0] == index:
                    assert low <= _coverage(image, box, dpi) <= high, (backs, name)
                    checked += 1
        assert checked


def _dark_near_cuts(pdf, dpi=150, reach=3.0, threshold=200) -> list:
    """Dark pixels of each back page, mirrored onto its front (duplex on the
    long edge), within `reach` mm of the front's cut lines."""
    px = dpi / 25.4
    fronts = {sheet.index: sheet for sheet in sheets(pdf)}
    dark = []
    for index, image, _ in _back_rasters(pdf, dpi):
        front = fronts[index - 1]
        assert front.cuts_x and front.cuts_y
        mirrored = image.transpose(0)  # left-right: the sheet turned over its long edge
        width, height = mirrored.size
        pixels = mirrored.load()
        for x in front.cuts_x:
            for xx in range(max(0, round((x - reach) * px)), min(width, round((x + reach) * px) + 1)):
                dark += [(index, "x", x, yy / px) for yy in range(height) if pixels[xx, yy] < threshold]
        for y in front.cuts_y:
            for yy in range(max(0, round((y - reach) * px)), min(height, round((y + reach) * px) + 1)):
                dark += [(index, "y", y, xx / px) for xx in range(width) if pixels[xx, yy] < threshold]
    return dark


@pytest.mark.parametrize("low_ink", [False, True])
def test_no_line_of_a_back_lies_within_3_mm_of_a_cut(english_pack, tmp_path, low_ink):
    out = build(english_pack, tmp_path, "sort-cards,dialogue-cards", low_ink=low_ink)
    for product in ("sort-cards", "dialogue-cards"):
        dark = _dark_near_cuts(out / f"{product}.pdf")
        assert not dark, (product, dark[:5])


def test_the_check_for_lines_near_cuts_sees_a_solid_back(sort_cards):
    assert _dark_near_cuts(sort_cards(backs="solid"))


@pytest.mark.parametrize("size", sorted(CARD_SIZES))
def test_the_kits_own_cards_fit_every_card_size(tmp_path, size):
    """The about cards of both decks (the kit's words, with a school, team and
    date) at every --card-size preset, for both shipped packs' titles."""
    for source in ("collectief-leren", "teamleren"):
        shipped = yaml.safe_load((DEFAULT_PACK.parent / source / "pack.yaml").read_text(encoding="utf-8"))
        files = dict(ENGLISH_PACK)
        files["pack.yaml"] = yaml.safe_dump(shipped, allow_unicode=True)
        pack = write_pack(tmp_path / source, files)
        values = (("school", "Basisschool De Linde"), ("team", "Team B"), ("date", "2026-12-04"))
        out = build(pack, tmp_path / f"{source}-out", "dialogue-cards,sort-cards", card_size=size, values=values)
        for name in ("dialogue-cards", "sort-cards"):
            assert (out / f"{name}.pdf").exists()


def test_the_alignment_sheet_names_both_ways_to_enter_the_offset(english_pack, tmp_path):
    pdf = build(english_pack, tmp_path, "alignment") / "alignment.pdf"
    printed = _unwrapped(pdf)
    assert "--back-offset X,Y" in printed and "“Back offset”" in printed
    # the scales' ends at 8 pt or more (their numbers share the scale's one font size)
    for mark in ("+X", "−X", "+Y", "−Y"):
        assert min(font_sizes_of(pdf, mark)) >= 8


def test_the_web_page_takes_the_back_offset_and_the_backs():
    from fastapi.testclient import TestClient

    from kit import options as schema
    from kit.web.app import create_app

    with TestClient(create_app(workers=1), base_url="http://127.0.0.1") as client:  # a host the server accepts
        page = client.get("/").text
    assert 'name="back_offset"' in page and ">Back offset<" in page and 'name="backs"' in page
    chosen = schema.from_form({"back_offset": "1.5,-0.5", "backs": "solid"}, lambda o, e: None)
    assert chosen["back_offset"] == (1.5, -0.5) and chosen["backs"] == "solid"
    refused = []
    schema.from_form({"back_offset": "left"}, lambda o, e: refused.append(o.name))
    assert refused == ["back_offset"]
