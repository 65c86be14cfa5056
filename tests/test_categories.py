"""Every category of a pack is told apart by shape, colour and grey, up to
the most the kit promises; past that, or with a colour that breaks it, the
build stops and says why. Read back from the printed header cards."""

from __future__ import annotations

import itertools

import pypdfium2 as pdfium
import pytest
import yaml
from conftest import ENGLISH_PACK, build_results, cli, write_pack
from pdfread import card_boxes

from kit.palette import (
    COLOURS,
    MAX_CATEGORIES,
    MIN_CONTRAST,
    SHAPES,
    contrast,
    default_colours,
    grey,
    ink_for,
    luminance,
)

DPI = 100
VISIBLE_GREY_STEP = 15  # of 255: two greys this far apart are told apart on a laser print


def category_pack(folder, count: int, colours: dict[int, str] | None = None):
    files = dict(ENGLISH_PACK)
    words = ["Motivations", "Conditions", "Effects", "Obstacles", "Actors", "Tools", "Time", "Evaluation", "Risks", "Gains", "Costs", "Roles"]
    categories = []
    for i in range(count):
        category = {
            "id": f"cat-{i + 1}",
            "label": words[i],
            "question": f"Q{i + 1}",
            "definition": f"{words[i]} are one of the things the team sorts the cards into.",
            "source": "kit",
        }
        if colours and i in colours:
            category["colour"] = colours[i]
        categories.append(category)
    files["categories.yaml"] = yaml.safe_dump(categories)
    files["statements.yaml"] = yaml.safe_dump(
        [{"id": f"st-{i + 1}", "category": f"cat-{i + 1}", "text": f"Statement about {words[i]}.", "source": "kit"} for i in range(count)]
    )
    return write_pack(folder, files)


def build_sort_cards(pack, out):
    result = build_results(pack, out, "sort-cards")["sort-cards"]
    return result, out / "sort-cards.pdf"


def header_cards(pdf, count):
    """Per header card: (face colour, grey of the face, shape mask) read from the page."""
    boxes = card_boxes(pdf)
    document = pdfium.PdfDocument(str(pdf))
    scale = DPI / 25.4
    found = []
    try:
        pages = {}
        for i in range(1, count + 1):
            page, left, top, right, _ = boxes[f"front-cat-{i}"]
            if page not in pages:
                pages[page] = document[page].render(scale=DPI / 72).to_pil().convert("RGB")
            image = pages[page]
            # The face just inside the trim (the safe area, 3 mm in, holds the words).
            face = image.getpixel((round((left + 1.5) * scale), round((top + 1.5) * scale)))
            # The shape: 12 mm wide, centred, 6 mm below the trim (safe area + its margin).
            middle = (left + right) / 2
            crop = image.crop(tuple(round(v * scale) for v in (middle - 6, top + 6, middle + 6, top + 18)))
            mask = tuple(
                sum(abs(a - b) for a, b in zip(crop.getpixel((x, y)), face)) > 120
                for y in range(crop.height)
                for x in range(crop.width)
            )
            found.append({"colour": face, "grey": image.convert("L").getpixel((round((left + 1.5) * scale), round((top + 1.5) * scale))), "shape": mask})
    finally:
        document.close()
    return found


def test_the_palette_falls_in_lightness_and_keeps_text_readable():
    assert MAX_CATEGORIES >= 10 and len(set(SHAPES)) == len(SHAPES) and len(set(COLOURS)) == len(COLOURS)
    assert [luminance(c) for c in COLOURS] == sorted((luminance(c) for c in COLOURS), reverse=True)
    greys = [grey(c) for c in COLOURS]
    assert all(a - b >= VISIBLE_GREY_STEP for a, b in itertools.pairwise(greys)), greys
    for colour in COLOURS:
        assert contrast(colour, ink_for(colour)) >= MIN_CONTRAST, colour


def test_every_count_of_categories_gets_colours_as_far_apart_as_the_palette_allows():
    """Which colours a pack of n categories gets; the next test reads them from the print."""
    for count in range(1, MAX_CATEGORIES + 1):
        colours = default_colours(count)
        assert len(set(colours)) == count and set(colours) <= set(COLOURS), count
        assert colours[0] == COLOURS[0] and (count == 1 or colours[-1] == COLOURS[-1]), count  # the whole range
        greys = [grey(c) for c in colours]
        assert all(a - b >= VISIBLE_GREY_STEP for a, b in itertools.pairwise(greys)), (count, greys)


# Ten categories print every colour and every shape of the palette, so every pair any
# smaller pack can get (the test above) is compared on paper; three show the spread.
@pytest.mark.parametrize("count", [3, MAX_CATEGORIES])
def test_header_cards_differ_in_colour_shape_and_grey(tmp_path, count):
    pack = category_pack(tmp_path / "pack", count)
    result, pdf = build_sort_cards(pack, tmp_path / "out")
    assert result.status == "built", result.message
    cards = header_cards(pdf, count)
    for a, b in itertools.combinations(range(count), 2):
        one, other = cards[a], cards[b]
        same_colour = sum(abs(x - y) for x, y in zip(one["colour"], other["colour"])) < 30
        differing_cells = sum(x != y for x, y in zip(one["shape"], other["shape"]))
        same_shape = differing_cells < 0.02 * len(one["shape"])  # circle and hexagon differ in 4 %
        assert not same_colour, (a + 1, b + 1, one["colour"])
        assert not same_shape, (a + 1, b + 1)
        assert abs(one["grey"] - other["grey"]) >= VISIBLE_GREY_STEP, (a + 1, b + 1, one["grey"], other["grey"])


def test_more_categories_than_the_kit_can_tell_apart_are_refused(tmp_path):
    pack = category_pack(tmp_path / "pack", MAX_CATEGORIES + 1)
    pdf = tmp_path / "out" / "staff-wellbeing" / "sort-cards.pdf"
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", "sort-cards")
    assert result.returncode == 2, result.stderr
    assert "categories.yaml" in result.stderr and f"{MAX_CATEGORIES + 1} categories" in result.stderr
    assert not pdf.exists()


@pytest.mark.parametrize(
    "colour, problem",
    [(COLOURS[-1], "same as"), ("#7f7f7f", "contrast")],  # the last category's colour; a mid grey
)
def test_a_colour_override_that_repeats_a_colour_or_reads_badly_is_refused(tmp_path, colour, problem):
    pack = category_pack(tmp_path / "pack", 4, colours={0: colour})
    for product in ("sort-cards", "answer-key", "worksheet"):
        result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", product)
        assert result.returncode == 2, result.stderr
        assert "categories.yaml" in result.stderr and "'cat-1'" in result.stderr and problem in result.stderr


def test_a_good_colour_override_is_printed(tmp_path):
    pack = category_pack(tmp_path / "pack", 3, colours={1: "#1b7837"})
    result, pdf = build_sort_cards(pack, tmp_path / "out")
    assert result.status == "built", result.message
    colour = header_cards(pdf, 3)[1]["colour"]
    assert sum(abs(a - b) for a, b in zip(colour, (0x1B, 0x78, 0x37))) < 12
