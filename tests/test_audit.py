"""The cases of issue 13, each as a user meets it: a pack written the way real
authors write, built, and the printed PDF read back (pypdfium2, zxing-cpp).
Products are built in this process through the kit's own build (audit
included) to keep the suite fast; one case goes through the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from conftest import ENGLISH_PACK, build_results, cli, write_pack
from pdfcheck import problems
from pdfread import contains, qr_codes, text

from kit import boxes
from kit.context import Options
from kit.products import get

LONG_WORD = "Lehrerkollegiumsfortbildungsveranstaltungsplanungsunterlagenzusammenstellung"
LONG_LABEL = "Conditions for sustainable professional learning communities"
URL = "https://example.org/reports/staff-wellbeing-2024"


def _pack(tmp_path: Path, **changes: tuple[str, str]) -> Path:
    """The English test pack with (old, new) replacements in its files."""
    files = dict(ENGLISH_PACK)
    for name, (old, new) in changes.items():
        name = name.replace("_", ".")
        assert old in files[name], old
        files[name] = files[name].replace(old, new)
    return write_pack(tmp_path / "pack", files)


def _clean(pdf: Path) -> None:
    found = problems(pdf)
    assert not found, "\n".join(found[:10])


def test_a_title_of_one_long_compound_word_keeps_the_qr_code_on_the_poster_and_the_guide(tmp_path):
    pack = _pack(tmp_path, pack_yaml=("title: Staff wellbeing in small schools", f"title: {LONG_WORD}"))
    results = build_results(pack, tmp_path / "out", "poster,guide,answer-key,worksheet")
    for product in ("poster", "guide", "answer-key", "worksheet"):
        assert results[product].status == "built", results[product].message
        pdf = Path(results[product].path)
        _clean(pdf)
        assert any(URL in codes for codes in qr_codes(pdf)), f"{product}: the QR code does not scan"
        assert contains(text(pdf), LONG_WORD)


def test_a_long_category_label_stays_on_its_header_card_above_its_definition(tmp_path):
    pack = _pack(tmp_path, categories_yaml=("label: Conditions\n", f"label: {LONG_LABEL}\n"))
    results = build_results(pack, tmp_path / "out", "sort-cards")
    assert results["sort-cards"].status == "built", results["sort-cards"].message
    pdf = Path(results["sort-cards"].path)
    _clean(pdf)
    assert contains(text(pdf), LONG_LABEL)


def test_a_label_that_cannot_fit_even_at_its_floor_is_named_with_its_line(tmp_path):
    label = " ".join(["Conditions for sustainable professional learning"] * 4)
    pack = _pack(tmp_path, categories_yaml=("label: Conditions\n", f"label: {label}\n"))
    values = (("school", "Basisschool De Linde"), ("date", "2026-12-04"))
    results = build_results(pack, tmp_path / "out", "sort-cards,poster", values=values)
    message = results["sort-cards"].message
    assert results["sort-cards"].status == "error"
    assert re.search(r"categories\.yaml:8: category 'conditions' label does not fit its card even at 9 pt", message), message
    # the label is the pack's text: shortening it is the remedy, not another school name
    assert message.endswith("shorten it") and "--set" not in message, message
    assert results["poster"].status == "built"  # other products still build
    assert not (tmp_path / "out" / "sort-cards.pdf").exists()


def test_the_worksheet_has_a_section_for_every_category(tmp_path):
    # of the four categories, two have a prompt of their own
    results = build_results(_pack(tmp_path), tmp_path / "out", "worksheet")
    content = text(Path(results["worksheet"].path))
    for question in (
        "Which drivers do you recognise?",
        "Which conditions do you recognise?",
        "Which outcomes do you recognise?",  # from the labels: no prompt of its own
        "Which risks do you recognise?",
    ):
        assert contains(content, question), question
    for statement in ("Fewer days of sick leave across the year.", "Wellbeing becomes one more task on the list."):
        assert contains(content, statement)


def test_a_school_name_of_two_lines_stays_inside_the_worksheets_grid(tmp_path):
    # the label cells' padding once widened the grid 10 mm past the right margin:
    # a name that wrapped there was refused as running outside the printable area
    school = "Szkoła Podstawowa nr 12 im. Marii Skłodowskiej-Curie"
    results = build_results(_pack(tmp_path), tmp_path / "out", "worksheet",
                            values=(("school", school), ("team", "Zespół B")))
    assert results["worksheet"].status == "built", results["worksheet"].message
    assert contains(text(Path(results["worksheet"].path)), school)


def test_a_dutch_worksheet_asks_in_dutch_for_a_category_without_a_prompt(tmp_path):
    pack = _pack(tmp_path, pack_yaml=("language: en", "language: nl"))
    results = build_results(pack, tmp_path / "out", "worksheet")
    assert contains(text(Path(results["worksheet"].path)), "Welke outcomes herken je?")


def test_the_guide_follows_what_the_build_makes(tmp_path, english_kit):
    pack = _pack(tmp_path)
    results = build_results(pack, tmp_path / "out", "poster,guide")
    guide = text(Path(results["guide"].path))
    assert not contains(guide, "Dialogue round") and not contains(guide, "Sort exercise")
    assert not contains(guide, "Duplex") and not contains(guide, "Cut along the lines")
    assert not contains(guide, "Using the answer key")
    assert contains(guide, "Poster with the recommendations (A3)")

    guide = text(english_kit / "guide.pdf")  # the same pack's six products, built by the command line
    for words in ("Dialogue round", "Sort exercise", "Duplex: flip on the long edge.", "Cut along the lines", "Using the answer key"):
        assert contains(guide, words), words


def test_the_guide_never_lists_a_product_that_failed_in_itsbuild_results(tmp_path):
    """A poster too long for its sheet stops the poster; the guide of that
    build tells the facilitator to print the sort cards, not the poster."""
    pack = _pack(tmp_path)
    words = " ".join(["schools should share what works with every member of staff"] * 3)
    (pack / "recommendations.yaml").write_text(
        "".join(f"- id: rec-{i}\n  title: Step {i}\n  text: {words} {i}\n  source: report\n" for i in range(1, 41)))
    (pack / "dialogue.yaml").write_text(ENGLISH_PACK["dialogue.yaml"].replace("  refers_to: rec-1\n", ""))
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", "poster,sort-cards,guide",
                     "--jobs", "2")
    assert result.returncode == 2 and "error: poster:" in result.stderr, result.stderr
    assert [line.split(":")[0].rsplit("/", 1)[-1] for line in result.stdout.splitlines()] == [
        "sort-cards.pdf", "guide.pdf"]  # one line each: the guide is reported once, after the others
    guide = text(tmp_path / "out" / "staff-wellbeing" / "guide.pdf")
    assert contains(guide, "Sort cards (A4)") and not contains(guide, "Poster with the recommendations")


def test_the_guide_of_a_pack_without_dialogue_has_no_dialogue_step(tmp_path):
    pack = _pack(tmp_path)
    (pack / "dialogue.yaml").unlink()
    results = build_results(pack, tmp_path / "out", "sort-cards,guide")
    guide = text(Path(results["guide"].path))
    assert not contains(guide, "Dialogue round") and not contains(guide, "Dialogue cards")
    assert contains(guide, "Sort exercise")


def test_the_guide_fingerprint_follows_the_selection_and_no_other_does(tmp_path):
    from kit.build.records import fingerprint

    files = sorted((_pack(tmp_path)).glob("*.yaml"))
    one, other = Options(products=("poster", "guide")), Options(products=("guide",))
    assert fingerprint("poster", files, one, "x") == fingerprint("poster", files, other, "x") == fingerprint("poster", files, Options(), "x")
    assert fingerprint("guide", files, one, "x") != fingerprint("guide", files, other, "x")


def _first_letters_x(pdf: Path, words: list[str]) -> list[float]:
    """Left edge in mm of the first letter of each of `words` on page 1."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    page = document[0]
    textpage = page.get_textpage()
    whole = textpage.get_text_range()
    xs = []
    for word in words:
        index = whole.index(word)
        xs.append(textpage.get_charbox(index)[0] * 25.4 / 72)
    document.close()
    return xs


def test_a_poster_of_seven_recommendations_is_set_in_one_column(tmp_path):
    items = "".join(
        f"- id: rec-{i}\n  title: Recommendation {i}\n  text: Schools should make step {i} of the plan visible to every member of staff, "
        f"and say who keeps it up to date.\n  source: report\n"
        for i in range(1, 8)
    )
    pack = _pack(tmp_path)
    (pack / "recommendations.yaml").write_text(items)
    results = build_results(pack, tmp_path / "out", "poster")
    assert "1 column" in results["poster"].note, results["poster"].note
    pdf = Path(results["poster"].path)
    xs = _first_letters_x(pdf, [f"Recommendation {i}" for i in range(1, 8)])
    assert max(xs) - min(xs) < 1, xs  # every item starts at the same left edge
    _clean(pdf)


def test_a_poster_of_many_recommendations_keeps_two_columns(default_kit):
    xs = _first_letters_x(default_kit / "poster.pdf", ["Leerlinggerichte bronnen", "Rollen als semi"])
    assert xs[1] - xs[0] > 100


def test_words_worded_for_the_kit_are_not_presented_as_findings(default_kit):
    from kit.pack import load_pack

    pack = load_pack(Path(__file__).parent.parent / "content" / "collectief-leren").pack
    for item_id in ("br-01", "br-02", "br-03"):
        assert pack.item(item_id).source.value == "adapted"
    from pdfread import squash

    # each carries the small mark of its source right after its words, and
    # the legend says what the mark means (once on the answer key, on every
    # page of the worksheet)
    label = squash("V = voor deze kit verwoord, naar het rapport")
    for product in ("answer-key", "worksheet"):
        printed = squash(text(default_kit / f"{product}.pdf"))
        for item_id in ("br-01", "br-02", "br-03"):
            words = squash(pack.item(item_id).text)
            after = printed[printed.index(words) + len(words):][:40]
            assert re.match(r"(·[a-z]+)?V", after), (product, item_id, after)  # after its group, if any
        pages = len(pypdf.PdfReader(default_kit / f"{product}.pdf").pages)
        legend = squash("V voor deze kit verwoord, naar het rapport") if product == "answer-key" else label
        assert printed.count(legend) == (1 if product == "answer-key" else pages), product


def test_the_default_kit_prints_nothing_outside_its_cards_and_pages(default_kit):
    for pdf in sorted(default_kit.glob("*.pdf")):
        _clean(pdf)


def test_an_audit_failure_is_exit_2_naming_the_item_and_keeps_the_earlier_pdf(tmp_path):
    """A question word too wide for its header card (no fitting there: it is
    one word, of at most 40 letters) stops the deck, not the rest."""
    pack = _pack(tmp_path)
    out = tmp_path / "out"
    first = cli("--content", str(pack), "--out", str(out), "--only", "sort-cards")
    assert first.returncode == 0, first.stderr
    pdf = out / "staff-wellbeing" / "sort-cards.pdf"
    before = pdf.read_bytes()
    word = "W" * 40
    (pack / "categories.yaml").write_text(ENGLISH_PACK["categories.yaml"].replace("question: WHY", f"question: {word}"))
    result = cli("--content", str(pack), "--out", str(out), "--only", "sort-cards,guide")
    assert result.returncode == 2, result.stdout
    lines = [line for line in result.stderr.splitlines() if "sort-cards" in line]
    assert len(lines) == 1, result.stderr
    assert "categories.yaml:1: category 'drivers'" in lines[0] and "(in the sort-cards)" in lines[0], lines[0]
    assert pdf.read_bytes() == before
    assert (out / "staff-wellbeing" / "guide.pdf").is_file()  # other products still build


def test_a_title_of_long_compound_words_is_fitted_on_every_card_back(tmp_path):
    """A German title whose first word is 36 letters: the backs of both decks
    print it whole, in smaller type, and the build names no error."""
    title = "Kooperationsbereitschaftsentwicklung in Grundschullehrerkollegien"
    pack = _pack(tmp_path, pack_yaml=("title: Staff wellbeing in small schools", f"title: {title}"))
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", "dialogue-cards,sort-cards")
    assert result.returncode == 0, result.stderr
    for product in ("dialogue-cards", "sort-cards"):
        pdf = tmp_path / "out" / "staff-wellbeing" / f"{product}.pdf"
        document = pdfium.PdfDocument(str(pdf))
        pages = [page.get_textpage().get_text_range() for page in document]
        document.close()
        backs = pages[1::2]  # duplex: every second page is the backs of the sheet before
        assert backs and all(contains(page, title) for page in backs), product
        _clean(pdf)


# --- the audit itself, on pages made to break it ---------------------------


def _layout(body: str, css: str = ""):
    from kit.render import _layout

    html = (
        "<html><head><style>@page { size: 100mm 100mm; margin: 10mm; } body { font: 10pt 'Atkinson Hyperlegible'; } p { margin: 0; }"
        f"{css}</style></head><body>{body}</body></html>"
    )
    return _layout(html, [])


def test_the_audit_sees_text_printed_over_text():
    document = _layout('<p>First line of text</p><p style="margin-top: -1.2em">Second line over it</p>')
    found = boxes.check_pages(document)
    assert any("printed over" in p.message for p in found), found
    assert not boxes.check_pages(_layout("<p>First line of text</p><p>Second line below it</p>"))


def test_the_audit_sees_text_outside_the_printable_area():
    found = boxes.check_pages(_layout(f"<p>{LONG_WORD}{LONG_WORD}</p>"))
    assert any("outside the printable area" in p.message for p in found), found


def test_the_audit_sees_a_missing_or_shrunken_qr_code():
    from kit import qr

    assert any("missing" in p.message for p in boxes.check_qr(_layout("<p>no code</p>")))
    squeezed = _layout(f'<div style="width: 20mm">{qr.svg(URL, 30.0)}</div>', "svg { max-width: 100%; }")
    assert any("not 30 mm" in p.message for p in boxes.check_qr(squeezed))
    assert not boxes.check_qr(_layout(qr.svg(URL, 30.0)))


@pytest.mark.parametrize("case", ["overlap", "off-card"])
def test_the_pdf_reader_of_these_tests_can_fail(tmp_path, case):
    """The checks above read the PDF: they must see what the audit sees."""
    from kit.render import write_pdf

    if case == "overlap":
        document = _layout('<p>First line of text</p><p style="margin-top: -1.2em">Second line over it</p>')
    else:
        document = _layout("<p style='margin-left: -12mm'>Text off the edge</p>")
    target = tmp_path / "x.pdf"
    write_pdf(document, target)
    assert problems(target)


def test_a_problem_on_a_card_names_whose_words_are_at_fault(tmp_path):
    """Text on a statement's card that is not the statement's own (the pack's
    title on its back, a --set value) is named as what it is."""
    from kit.audit import Auditor
    from kit.boxes import Problem
    from kit.pack import load_pack

    auditor = Auditor(load_pack(_pack(tmp_path)), get("sort-cards"), (("school", "Sint-Jozefsschool"),))

    def named(text: str) -> str:
        return auditor.error(Problem("st-01", f"text {text!r} runs past its card's safe area", text)).one_line()

    assert "statements.yaml:1: statement 'st-01'" in named("Teachers want")  # its own words
    assert "pack.yaml:3: the pack's title" in named("Staff wellbeing")
    assert named("Sint-Jozefsschool").startswith("--set school=")
    assert "statement 'st-01'" in named("QUESTION FOR THE TEAM")  # the kit's words: the card is the place
