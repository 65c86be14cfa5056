"""The whole team day (issue 23), each fact read back from the printed PDF:
case cards on half sheets, every item of a pack printed somewhere, set
marks on every card, a mat zone per category that holds its cards, clock
times in the guide and a guide that names only what was built. Products are
built in this process (`conftest.build`) to keep the suite fast."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import DEFAULT_PACK, TEAMLEREN, build, build_results, shared_folder, write_pack
from pdfcheck import chars
from pdfread import card_boxes, contains, page_sizes_mm, qr_codes, text

from kit import mat
from kit.imposition import CARD_SIZES
from kit.labels import labels
from kit.pack import load_pack
from kit.products import default_ids

DEFAULT_PRODUCTS = default_ids()
FULL = ",".join(DEFAULT_PRODUCTS)

# A pack written for these tests alone: every section, cases with several
# questions, a case card that borrows its case's text, guide steps of its own.
SCHOOL_PACK = {
    "pack.yaml": """\
id: reading-together
language: en
title: Reading together across the school
citation:
  text: "Poe, A. (2025). Reading together across the school. Report 7. Bristol: Example Trust."
  short: Poe (2025)
contacts:
  - name: Ada Poe
    email: ada@example.org
    affiliation: Example Trust
report_url: https://example.org/reading-together
links:
  - label: Reading toolkit
    url: https://example.org/toolkit
definitions:
  - id: shared-reading
    term: Shared reading
    text: A class reads one book together, aloud and in turns.
    source: report
categories:
  - id: habits
    label: Habits
    question: HOW
    definition: What staff do every week to make reading shared.
    source: report
  - id: effects
    label: Effects
    question: WHAT FOR
    definition: What changes for pupils who read together.
    source: report
statements:
  - {id: s1, category: habits, text: A reading corner in every classroom., source: report}
  - {id: s2, category: habits, text: Ten minutes of reading after lunch., source: report}
  - {id: s3, category: effects, text: Pupils borrow more books from the library., source: report}
recommendations:
  - id: r1
    title: Read daily
    text: Set aside a moment every day in which the whole school reads.
    source: report
cases:
  - id: north
    title: North Primary reads at noon
    organisation: North Primary
    text: Every day at noon the whole school stops and reads for ten minutes, staff included.
    questions:
      - What would a reading moment look like in our school?
      - Who would have to agree before we start?
      - What would we stop doing to make the time?
    source: report
dialogue:
  - id: d1
    kind: case
    refers_to: north
    question: Could we do what North Primary did?
    source: report
  - id: d2
    kind: question
    question: Which book did you last read aloud?
    source: kit
guide:
  - title: Welcome
    minutes: 10
    text: Coffee and a short round of names.
  - title: Cards and cases
    minutes: 50
    text: Work through the dialogue cards and the case of North Primary.
""",
}


@pytest.fixture(scope="module")
def school_pack(tmp_path_factory) -> Path:
    return shared_folder(tmp_path_factory, "school-pack", lambda folder: write_pack(folder / "reading-together", SCHOOL_PACK)
                         ) / "reading-together"


@pytest.fixture(scope="module")
def full_kits(tmp_path_factory, school_pack, marked_kit) -> dict[str, tuple[Path, Path]]:
    """(pack folder, output folder) of a full build of each pack, built once for all xdist workers;
    the default pack's is the marked kit (every product, each --set value given)."""
    kits = {"collectief-leren": (DEFAULT_PACK, marked_kit[0])}
    for name, pack in (("teamleren", TEAMLEREN), ("reading-together", school_pack)):

        def make(out, pack=pack):
            results = build_results(pack, out, FULL, values=(("start", "9:00"),))
            assert all(r.status in ("built", "skipped") for r in results.values()), results

        kits[name] = (pack, shared_folder(tmp_path_factory, f"full-{name}", make))
    return kits


def _pieces(pack) -> list[tuple[str, str]]:
    """Every item of every section as this test reads the pack (not as the kit does)."""
    out = [(f"definition {d.id}", d.term) for d in pack.definitions] + [(f"definition {d.id}", d.text) for d in pack.definitions]
    for c in pack.categories:
        out += [(f"category {c.id}", c.label), (f"category {c.id}", c.definition)]
    out += [(f"statement {s.id}", s.text) for s in pack.statements]
    for r in pack.recommendations:
        out += [(f"recommendation {r.id}", r.text)] + ([(f"recommendation {r.id}", r.title)] if r.title else [])
    cases = {c.id: c for c in pack.cases}
    for d in pack.dialogue:
        prompt = d.text or (cases[d.refers_to].text if d.kind.value == "case" and d.refers_to in cases else None)
        out += [(f"dialogue {d.id}", t) for t in (prompt, d.question) if t]
    for c in pack.cases:
        out += [(f"case {c.id}", c.title), (f"case {c.id}", c.text)]
        out += [(f"case {c.id} question {n}", q) for n, q in enumerate(c.questions, start=1)]
    for n, step in enumerate(pack.guide, start=1):
        out += [(f"guide step {n}", step.title), (f"guide step {n}", step.text)]
    out += [(f"contact {c.name}", c.name) for c in pack.contacts]
    out += [(f"link {link.label}", t) for link in pack.links for t in (link.label, link.url)]
    return out


@pytest.mark.parametrize("name", ["collectief-leren", "teamleren", "reading-together"])
def test_every_item_of_a_pack_is_printed_by_some_product_of_a_full_build(full_kits, name):
    pack_folder, out = full_kits[name]
    pack = load_pack(pack_folder).pack
    # the default products only: what the others print (the alignment sheet, ...) does not count
    printed = "".join(text(out / f"{product}.pdf") for product in DEFAULT_PRODUCTS if (out / f"{product}.pdf").is_file())
    missing = [item for item, words in _pieces(pack) if not contains(printed, words)]
    assert not missing, f"{name}: printed by no product: {missing}"


def test_the_build_names_an_item_no_product_prints(school_pack):
    from kit.coverage import unprinted

    pack = load_pack(school_pack).pack
    assert unprinted(pack, DEFAULT_PRODUCTS) == []
    without_cases = unprinted(pack, [p for p in DEFAULT_PRODUCTS if p != "case-cards"])
    assert without_cases == ["case 'north' title", "case 'north' question 1", "case 'north' question 2",
                             "case 'north' question 3"]


def test_the_command_line_names_an_item_that_no_product_of_a_full_build_prints(tmp_path, school_pack, monkeypatch, capsys):
    """A case-cards product that no longer promised the questions (a layout
    change that dropped them) makes the build say which items went unprinted."""
    import dataclasses

    from kit import cli
    from kit.products import case_cards

    product = case_cards.PRODUCT

    def forgetful(pack):
        return [item for item in product.promised(pack) if item[1] != "a question"]

    monkeypatch.setattr(case_cards, "PRODUCT", dataclasses.replace(product, promised=forgetful))
    monkeypatch.setattr("kit.products._registry", _registry_with(case_cards.PRODUCT))
    code = cli.main(["--content", str(school_pack), "--out", str(tmp_path), "--jobs", "1", "--only", FULL])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "warning: no product of this build prints case 'north' question 1, case 'north' question 2, " \
           "case 'north' question 3" in err

    monkeypatch.undo()
    cli.main(["--content", str(school_pack), "--out", str(tmp_path), "--jobs", "1", "--only", FULL])
    assert "warning" not in capsys.readouterr().err


def test_only_a_full_build_that_did_not_fail_names_unprinted_items(school_pack):
    from kit.build import Result
    from kit.coverage import after_build

    pack = load_pack(school_pack).pack
    made = [Result(p) for p in DEFAULT_PRODUCTS if p != "case-cards"]
    assert after_build(pack, DEFAULT_PRODUCTS, made)[:1] == ["case 'north' title"]  # the case cards were not made
    assert after_build(pack, ["poster", "guide"], made) == []  # a partial build promises nothing of the rest
    failed = [*made, Result("case-cards", status="error")]
    assert after_build(pack, DEFAULT_PRODUCTS, failed) == []  # its error is said already


def _registry_with(replacement):
    from kit import products

    found = {p.id: (replacement if p.id == replacement.id else p) for p in products.all_products()}
    return lambda: found


def test_teamleren_builds_case_cards_for_its_four_cases_two_to_a_sheet(full_kits, tmp_path):
    pack = load_pack(TEAMLEREN).pack
    assert len(pack.cases) == 4
    for paper, out in (("a4", full_kits["teamleren"][1]), ("letter", build(TEAMLEREN, tmp_path, "case-cards", paper="letter"))):
        pdf = out / "case-cards.pdf"
        (w, h), = set(page_sizes_mm(pdf))
        boxes = card_boxes(pdf)
        assert len(page_sizes_mm(pdf)) == 2
        for case in pack.cases:
            page, left, top, right, bottom = boxes[f"case-{case.id}"]
            assert (round(right - left, 1), round(bottom - top, 1)) == (round(w, 1), round(h / 2, 1)), (paper, case.id)
            inside = _text_in(pdf, page, (left, top, right, bottom))
            for words in [case.title, case.text, *case.questions]:
                assert contains(inside, words), (paper, case.id, words)
    codes = [c for page in qr_codes(full_kits["teamleren"][1] / "case-cards.pdf") for c in page]
    assert codes.count(pack.report_url) == 4


def test_a_case_too_long_for_a_half_sheet_takes_a_whole_one_and_a_card_without_text_prints_the_case(tmp_path, school_pack):
    long_text = " ".join(["Every day at noon the whole school stops and reads for ten minutes."] * 40)
    pack = write_pack(tmp_path / "pack", {"pack.yaml": SCHOOL_PACK["pack.yaml"].replace(
        "text: Every day at noon the whole school stops and reads for ten minutes, staff included.",
        f"text: {long_text}")})
    results = build_results(pack, tmp_path / "out", "case-cards,dialogue-cards")
    assert results["case-cards"].status == "built"
    pdf = Path(results["case-cards"].path)
    (w, h), = set(page_sizes_mm(pdf))
    page, left, top, right, bottom = card_boxes(pdf)["case-north"]
    assert round(bottom - top, 1) == round(h, 1)
    # the card that borrows the case's text cannot hold it: the build says which card and what to do
    assert results["dialogue-cards"].status == "error"
    message = results["dialogue-cards"].message
    assert "dialogue card 'd1'" in message and "give the card a shorter `text` of its own" in message

    short = build_results(school_pack, tmp_path / "short", "dialogue-cards")["dialogue-cards"]
    boxes = card_boxes(Path(short.path))
    inside = _text_in(Path(short.path), *_box(boxes["front-d1"]))
    assert contains(inside, "Every day at noon the whole school stops and reads")


def _box(box):
    page, *rect = box
    return page, tuple(rect)


def _text_in(pdf: Path, page_index: int, rect) -> str:
    left, top, right, bottom = rect
    document = pdfium.PdfDocument(str(pdf))
    try:
        return "".join(c.text for c in chars(document[page_index])
                       if c.left >= left - 0.5 and c.right <= right + 0.5 and c.top >= top - 0.5 and c.bottom <= bottom + 0.5)
    finally:
        document.close()


def _corner_letters(pdf: Path, box, reach_x: float = 25.0, reach_y: float = 12.0) -> set[str]:
    """Capital letters printed near a corner of a card other than its top-left
    one (where the card's own text starts), as a set's mark is."""
    page_index, left, top, right, bottom = box
    document = pdfium.PdfDocument(str(pdf))
    try:
        found = set()
        for c in chars(document[page_index]):
            if not (left <= c.left and c.right <= right and top <= c.top and c.bottom <= bottom):
                continue
            near_left, near_right = c.left - left < reach_x, right - c.right < reach_x
            near_top, near_bottom = c.top - top < reach_y, bottom - c.bottom < reach_y
            corner = (near_right and (near_top or near_bottom)) or (near_left and near_bottom)
            if corner and len(c.text) == 1 and c.text.isupper():
                found.add(c.text)
        return found
    finally:
        document.close()


@pytest.fixture(scope="module")
def three_sets(tmp_path_factory, school_pack) -> Path:
    return build(school_pack, tmp_path_factory.mktemp("sets"), "sort-cards,dialogue-cards,results-sheet,sort-mat", sets=3)


@pytest.mark.parametrize("product", ["sort-cards", "dialogue-cards"])
def test_every_card_of_every_set_carries_its_set_mark_front_and_back(three_sets, school_pack, product):
    from kit.sets import marks

    pdf = three_sets / f"{product}.pdf"
    boxes = card_boxes(pdf)
    pack = load_pack(school_pack).pack
    ids = ["about-sort", *[c.id for c in pack.categories], *[s.id for s in pack.statements]] if product == "sort-cards" \
        else ["about-dialogue", *[d.id for d in pack.dialogue]]
    for mark in marks(3):
        for card_id in ids:
            for side in ("front", "back"):
                key = f"{side}-{card_id}{mark.suffix}"
                assert key in boxes, key
                letters = _corner_letters(pdf, boxes[key])
                assert mark.letter in letters, (key, letters)
                # the other sets' letters are not in its corners: the mark tells the sets apart
                others = {m.letter for m in marks(3)} - {mark.letter}
                assert not (letters & others) or card_id.startswith("about"), (key, letters)
    symbols = [m.symbol for m in marks(10)]
    assert len(set(symbols)) == 10 and len({m.letter for m in marks(10)}) == 10


def test_results_sheets_and_mats_come_once_per_set(three_sets):
    results = text(three_sets / "results-sheet.pdf")
    assert len(page_sizes_mm(three_sets / "results-sheet.pdf")) == 3
    for letter in "ABC":
        assert re.search(rf"Set\s*{letter}\b", results), letter
    assert len(page_sizes_mm(three_sets / "sort-mat.pdf")) == 3


def _capacity(box, card) -> int:
    """Cards of this size a zone's card area takes, side by side in columns
    and each a strip lower than the one before (so that its first lines show)."""
    _, left, top, right, bottom = box
    w, h = card
    columns = math.floor((right - left + mat.PAD_MM) / (w + mat.PAD_MM) + 1e-6)
    rows = 1 + math.floor((bottom - top - h) / mat.STRIP_MM + 1e-6) if bottom - top >= h else 0
    return columns * rows


@pytest.mark.parametrize("size", list(CARD_SIZES))
@pytest.mark.parametrize("paper, poster", [("a4", "a3"), ("letter", "a3"), ("a4", "a2")])
def test_the_mat_has_a_zone_per_category_that_holds_its_cards(tmp_path, size, paper, poster):
    if size not in ("poker", "a6") and paper != "a4":
        pytest.skip("every size on A3; the largest and the default size on Tabloid and in parts")
    pack = load_pack(DEFAULT_PACK).pack
    pdf = build(DEFAULT_PACK, tmp_path, "sort-mat", card_size=size, paper=paper, poster_paper=poster) / "sort-mat.pdf"
    sheets = set(page_sizes_mm(pdf))
    expected = {("a4", "a3"): {(420.0, 297.0)}, ("letter", "a3"): {(431.8, 279.4)}, ("a4", "a2"): {(210.0, 297.0)}}
    assert sheets == expected[(paper, poster)]
    boxes = card_boxes(pdf)
    printed = text(pdf)
    for category in pack.categories:
        zones = [box for key, box in boxes.items() if re.fullmatch(rf"mat-{category.id}(-\d+)?", key)]
        assert zones, category.id
        held = sum(_capacity(box, CARD_SIZES[size]) for box in zones)
        assert held >= len(pack.statements_of(category.id)), (size, category.id, held)
        assert contains(printed, category.label) and contains(printed, category.question)


def test_the_guide_gives_each_step_its_clock_time_from_start(marked_kit, default_kit):
    out, options = marked_kit  # every product, --set start=13:47
    guide = text(out / "guide.pdf")
    rows = re.findall(r"(\d{1,2}):(\d{2})\s*(\d+)\s*min", guide)
    clocks = [int(h) * 60 + int(m) for h, m, _ in rows]
    minutes = [int(n) for _, _, n in rows]
    assert dict(options.values)["start"] == "13:47"
    assert clocks[0] == 13 * 60 + 47 and len(rows) >= 5
    for before, after, spent in zip(clocks, clocks[1:-1], minutes):
        assert after == before + spent
    assert minutes[-1] == sum(minutes[:-1])  # the total row: what the steps add up to
    assert clocks[-1] == clocks[0] + minutes[-1]  # and the time the session ends

    plain = text(default_kit / "guide.pdf")  # no start given
    assert not re.search(r"\d{1,2}:\d{2}\s*\d+\s*min", plain)


def _product_names(code: str) -> dict[str, str]:
    table = labels(code)
    return {"dialogue-cards": table["dialogue_deck"], "sort-cards": table["sort_deck"], "sort-mat": table["sort_mat"],
            "case-cards": table["case_cards"], "results-sheet": table["results_sheet"],
            "worksheet": table["worksheet"], "answer-key": table["answer_key"]}


def test_the_guide_names_only_the_products_built(tmp_path):
    names = _product_names("en")
    pack = write_pack(tmp_path / "pack", SCHOOL_PACK)
    (pack / "pack.yaml").write_text(SCHOOL_PACK["pack.yaml"].split("guide:\n")[0])  # the default steps
    for chosen in (["poster"], ["sort-cards", "worksheet", "case-cards"], ["dialogue-cards", "sort-mat", "results-sheet"]):
        products = [*chosen, "sort-cards"] if "sort-mat" in chosen else chosen
        guide = text(build(pack, tmp_path / "-".join(chosen), ",".join([*products, "guide"])) / "guide.pdf")
        for product, name in names.items():
            if product not in products and product != "answer-key":
                assert not contains(guide, name), (chosen, name)
        for product in products:
            if product in names:
                assert contains(guide, names[product]), (chosen, product)
    # the worksheet comes after the sort, and says why
    guide = text(tmp_path / "sort-cards-worksheet-case-cards" / "guide.pdf")
    sort, worksheet = (int(re.search(rf"(\d+)\.\s*{title}", guide)[1]) for title in ("Sort exercise", "Worksheet"))
    assert worksheet == sort + 1
    assert contains(guide, "gives the sort away")


def _ten_categories(folder: Path) -> Path:
    words = ["Drivers", "Conditions", "Outcomes", "Risks", "Habits", "Effects", "Tools", "Roles", "Time", "Trust"]
    categories = "".join(f"- id: c{i}\n  label: {w}\n  question: Q{i}\n  definition: What {w.lower()} mean here.\n  source: report\n"
                         for i, w in enumerate(words))
    statements = "".join(f"- id: s{i}-{j}\n  category: c{i}\n  text: Statement {j} about {w.lower()} in our school.\n  source: report\n"
                         for i, w in enumerate(words) for j in range(4))
    files = {"pack.yaml": SCHOOL_PACK["pack.yaml"].split("categories:\n")[0], "categories.yaml": categories,
             "statements.yaml": statements}
    return write_pack(folder, files)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_ten_categories_keep_a_results_sheet_to_one_page_a_group_and_a_zone_each_on_the_mat(tmp_path, paper):
    pack = _ten_categories(tmp_path / "pack")
    out = build(pack, tmp_path / "out", "results-sheet,sort-mat", paper=paper, sets=2)
    assert len(page_sizes_mm(out / "results-sheet.pdf")) == 2
    words = text(out / "results-sheet.pdf")
    for label in ("Drivers", "Trust"):
        assert words.count(label) == 2
    boxes = card_boxes(out / "sort-mat.pdf")
    for i in range(10):
        zones = [box for key, box in boxes.items() if re.fullmatch(rf"mat-c{i}~a(-\d+)?", key)]
        assert sum(_capacity(box, CARD_SIZES["poker"]) for box in zones) >= 4, i


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_title_and_a_school_of_two_lines_keep_the_results_sheet_to_one_page_a_group(tmp_path, paper):
    """The default pack's two-line title with a school name that wraps: the
    sheet gives up a writing line per category rather than a group's names."""
    school = "Basisschool Sint-Jozef van de Heilige Familie Groot-Bijgaarden"
    values = (("school", school), ("team", "Onderbouw en middenbouw samen"), ("date", "2026-12-04"))
    out = build(DEFAULT_PACK, tmp_path / "out", "results-sheet", paper=paper, sets=2, values=values)
    assert len(page_sizes_mm(out / "results-sheet.pdf")) == 2
    words = text(out / "results-sheet.pdf")
    assert words.count("Onze namen") == 2 and contains(words, "Groot-Bijgaarden")
