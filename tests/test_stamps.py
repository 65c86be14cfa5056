"""A row's own words (school, team, date) are stamps (kit/stamps.py): laid
out as a small layer of their own and moved onto pages laid out without
them, which a batch lays out once for all its rows; the PDF is those common
pages with the words laid over them (kit/overlay.py), which a batch writes
once. The pages look as the words laid out in the flow would draw them, the
words stay text where the flow puts them, and words that do not fit are
still named."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DEFAULT_PACK, cli
from pdfread import chars_of, contains, font_subsets, named_destinations, rasters, text

pytestmark = pytest.mark.slow  # each product built twice

DATA = Path(__file__).resolve().parent / "data"
# a school long enough for the about card's event line to take two lines
VALUES = (("school", "Basisschool De Linde"), ("team", "Team A"), ("date", "2026-12-04"))


def _render(out: Path, pack: Path, product: str, values, options: dict, monkeypatch, whole: bool) -> tuple[bytes, int]:
    """The product's PDF, and how many documents were stamped: laid out whole
    (the stamps left in the flow) when `whole`."""
    from kit import stamps
    from kit.build.results import Task
    from kit.build.worker import render_product
    from kit.context import Options
    from kit.pack import load_pack

    stamped = []
    with monkeypatch.context() as patch:
        real = stamps._stamped
        patch.setattr(stamps, "_stamped", lambda *args: stamped.append(1) or real(*args))
        if whole:
            patch.setattr(stamps, "has_stamps", lambda html: False)
        task = Task(load_pack(pack), out, product, Options(values=values, **options), "key")
        result = render_product(task)
    assert result.status == "built", result.message
    return Path(result.path).read_bytes(), len(stamped)


def _same_pages(stamped: Path, whole: Path, what: str) -> None:
    """The stamped PDF prints what the flow's does: the same pixels at 150 dpi,
    the same characters (text a reader finds) in the same places and fonts,
    the same named destinations."""
    assert rasters(stamped) == rasters(whole), f"{what}: the stamped pages look other than the words in the flow"

    def places(path):  # pdfium reads the laid-over words after the page's own text: compared by place
        return [sorted((c.char, round(c.left, 2), round(c.top, 2), round(c.right, 2), c.font) for c in page)
                for page in chars_of(path)]

    assert places(stamped) == places(whole), f"{what}: the text is not where the flow puts it"
    assert named_destinations(stamped) == named_destinations(whole), what


def _laid_over(path: Path) -> bool:
    """Words were laid over the pages: a font subset of their own beside the pages' one of the same face."""
    faces = [name.partition("+")[2] for name in font_subsets(path)]
    return len(faces) > len(set(faces))


@pytest.mark.parametrize("product", ["dialogue-cards", "answer-key", "worksheet", "poster", "results-sheet"])
def test_the_marked_kit_is_stamped_and_prints_what_its_words_laid_out_in_the_flow_print(tmp_path, monkeypatch,
                                                                                        marked_kit, product):
    """The run's marked kit (a single build, every --set value given) has its
    words laid over its pages; the product laid out with them in the flow
    prints the same. (Its guide names the kit's other products: the guide is
    compared on Letter paper below.)"""
    single, options = marked_kit
    _, none = _render(tmp_path, DEFAULT_PACK, product, options.values, {}, monkeypatch, whole=True)
    assert none == 0
    stamped = single / f"{product}.pdf"
    assert _laid_over(stamped) and not _laid_over(tmp_path / f"{product}.pdf"), product
    _same_pages(stamped, tmp_path / f"{product}.pdf", product)
    # the words are in the PDF's text layer, where a reader's search finds them
    assert contains(text(stamped), dict(options.values)["school"]), product


@pytest.mark.parametrize("pack, products, values, options", [
    ("english", ["dialogue-cards", "answer-key", "guide"], VALUES, {"paper": "letter", "low_ink": True}),
    (DATA / "ar", ["dialogue-cards", "answer-key", "worksheet"],
     (("school", "مدرسة النور"), ("date", "2026-12-04")), {}),
])
def test_stamped_pages_print_what_the_words_laid_out_in_the_flow_print(tmp_path, monkeypatch, request, pack, products,
                                                                        values, options):
    if pack == "english":
        pack = request.getfixturevalue("english_pack")
    for product in products:
        _, count = _render(tmp_path / "stamped", pack, product, values, options, monkeypatch, whole=False)
        _, none = _render(tmp_path / "whole", pack, product, values, options, monkeypatch, whole=True)
        assert count >= 1 and none == 0, product
        _same_pages(tmp_path / "stamped" / f"{product}.pdf", tmp_path / "whole" / f"{product}.pdf", product)
        # the words are in the PDF's text layer, where a reader's search finds them
        assert contains(text(tmp_path / "stamped" / f"{product}.pdf"), values[0][1]), product


def test_a_stamp_that_takes_another_height_lays_its_pages_out_again(tmp_path, monkeypatch):
    """A team name that wraps on the worksheet (two lines where a short one
    takes one) moves what follows down, as it would in the flow."""
    from kit.context import Context, Options
    from kit.fitting import measure
    from kit.pack import load_pack
    from kit.products import get

    loaded = load_pack(DEFAULT_PACK)
    long_team = (("team", "Werkgroep leerlingenbegeleiding onderbouw"),)

    def intro_top(values) -> float:
        built = get("worksheet").build(Context(loaded, Options(values=values)))
        return measure(built.document.lay_out(0), "p", "intro")[0][1]

    assert intro_top(long_team) > intro_top((("team", "Team A"),)) + 1  # the field grew by a line, in mm
    _, count = _render(tmp_path / "a", DEFAULT_PACK, "worksheet", long_team, {}, monkeypatch, whole=False)
    _render(tmp_path / "b", DEFAULT_PACK, "worksheet", long_team, {}, monkeypatch, whole=True)
    assert count == 1
    _same_pages(tmp_path / "a" / "worksheet.pdf", tmp_path / "b" / "worksheet.pdf", "worksheet")


def test_a_batch_row_whose_words_do_not_fit_their_stamp_is_named_and_the_others_build(tmp_path, small_pack):
    """A school and a team of one word each, too long for the about card's
    event line (whose type the deck's fitting sets) even broken anywhere:
    that row's deck stops with one line naming the option; the other row's
    deck is stamped onto the same sheets."""
    csv = tmp_path / "schools.csv"
    csv.write_text(f"school,team\nDe Linde,Team A\n{'W' * 60},{'M' * 60}\n", encoding="utf-8")
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "dialogue-cards",
                 "--batch", str(csv))
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: line 3: dialogue-cards:") and "--set school=" in errors[0]
    assert "pack.yaml" not in errors[0]
    decks = list((tmp_path / "out").glob("*/de-linde-team-a/dialogue-cards.pdf"))
    assert len(decks) == 1 and contains(text(decks[0]), "De Linde · Team A")
