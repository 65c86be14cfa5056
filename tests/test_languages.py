"""A pack in any language: its own label table (YAML or a workbook sheet),
right to left for Arabic, the symbols people type, dates as each language
writes them. Read back from the PDFs: words, glyph boxes and fonts."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import ALL_PRODUCTS, ENGLISH_PACK, ROOT, cli, shared_folder, write_pack
from pdfread import chars_of, glyph_ids, lines_of, text

from kit.labels import format_date

DATA = ROOT / "tests" / "data"
PRODUCTS = ALL_PRODUCTS.split(",")
# Words a page may hold in Latin letters whatever the language: the pack's own
# URLs and e-mail addresses.
LATIN_OK = {"https", "example", "org", "reports", "dobrobut", "olena", "kovalenko"}


def _english_words(pdf: Path) -> list[str]:
    import re

    return sorted({w for w in re.findall(r"[A-Za-z]{2,}", text(pdf)) if w.lower() not in LATIN_OK})


def _letters(value: str) -> str:
    """Letters only, Arabic presentation forms folded (the text layer may hold either)."""
    return "".join(c for c in unicodedata.normalize("NFKC", value) if unicodedata.category(c)[0] == "L")


def _copy(name: str, target: Path) -> Path:
    return Path(shutil.copytree(DATA / name, target))


@pytest.fixture(scope="module")
def ukrainian_kit(tmp_path_factory):
    """Built once for all xdist workers."""

    def make(folder):
        pack = _copy("uk", folder / "pack")
        result = cli("--content", str(pack), "--out", str(folder / "out"), "--only", ALL_PRODUCTS,
                     "--set", "date=2026-12-04", "--set", "school=Ліцей №3")
        assert result.returncode == 0, result.stderr

    return shared_folder(tmp_path_factory, "uk-kit", make) / "out" / "dobrobut-vchyteliv"


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_ukrainian_pack_with_its_own_labels_prints_no_english_word(ukrainian_kit, product):
    pdf = ukrainian_kit / f"{product}.pdf"
    assert _english_words(pdf) == [], product


def test_the_ukrainian_labels_are_the_packs_own(ukrainian_kit):
    words = text(ukrainian_kit / "worksheet.pdf")
    assert "Робочий аркуш" in words.replace("\n", " ") or "РОБОЧИЙ АРКУШ" in words  # its title, from labels.yaml
    assert "Які чинники ви впізнаєте?" in words.replace("\n", " ")  # worksheet_prompt around a category label
    assert "4 грудня 2026 р." in words  # the date as CLDR writes Ukrainian
    guide = text(ukrainian_kit / "guide.pdf").replace("\n", " ")
    assert "сторінка 1 з 2" in guide and "Вступ" in guide  # page_of and the default steps of the session


def _flat(value, prefix=""):
    """A label table as the rows of a `labels` sheet: sources.report, default_guide.2.title."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flat(inner, f"{prefix}{key}.")
    elif isinstance(value, list):
        for number, inner in enumerate(value, start=1):
            yield from _flat(inner, f"{prefix}{number}.")
    else:
        yield prefix[:-1], value


def _workbook_with_labels(pack_folder: Path, target: Path, rows) -> Path:
    import openpyxl

    from kit.pack import load_pack
    from kit.pack.export import write_workbook

    write_workbook(load_pack(pack_folder).pack, target)
    book = openpyxl.load_workbook(target)
    sheet = book.create_sheet("labels")
    sheet.append(["key", "value", "english"])
    for key, value in rows:
        sheet.append([key, value, "(help: not read)"])
    book.save(target)
    return target


def test_the_same_pack_as_a_workbook_with_a_labels_sheet_prints_no_english_word(tmp_path):
    pack = _copy("uk", tmp_path / "pack")
    table = yaml.safe_load((pack / "labels.yaml").read_text(encoding="utf-8"))
    (pack / "labels.yaml").unlink()
    book = _workbook_with_labels(pack, tmp_path / "dobrobut.xlsx", list(_flat(table)))
    result = cli("--content", str(book), "--out", str(tmp_path / "out"), "--only", ALL_PRODUCTS,
                     "--set", "date=2026-12-04")
    assert result.returncode == 0, result.stderr
    for product in PRODUCTS:
        pdf = tmp_path / "out" / "dobrobut-vchyteliv" / f"{product}.pdf"
        assert _english_words(pdf) == [], product
    assert "Посібник ведучого" in text(tmp_path / "out" / "dobrobut-vchyteliv" / "guide.pdf")


def test_a_misspelt_label_is_named_with_its_file_and_line(tmp_path):
    pack = write_pack(tmp_path / "pack", {**ENGLISH_PACK, "labels.yaml": "poster: Aanbevelingen\n\ntick_recognize: Herken ik\n"})
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", "poster")
    assert result.returncode == 2
    line = result.stderr.strip().splitlines()[-1]
    assert "labels.yaml:3:" in line and "'tick_recognize'" in line and "'tick_recognise'" in line, line
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "staff-wellbeing" / "poster.pdf").exists()


def test_a_misspelt_label_in_pack_yaml_and_in_a_workbook_is_named(tmp_path):
    main = ENGLISH_PACK["pack.yaml"] + "labels:\n  sources:\n    reprot: bevinding\n"
    pack = write_pack(tmp_path / "pack", {**ENGLISH_PACK, "pack.yaml": main})
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", "poster")
    assert result.returncode == 2
    lines = main.splitlines()
    assert f"pack.yaml:{lines.index('    reprot: bevinding') + 1}:" in result.stderr
    assert "'sources.reprot'" in result.stderr

    book = _workbook_with_labels(write_pack(tmp_path / "plain", ENGLISH_PACK), tmp_path / "p.xlsx",
                                 [("poster", "Posters"), ("qestion_for_team", "Vraag")])
    result = cli("--content", str(book), "--out", str(tmp_path / "out"), "--only", "poster")
    assert result.returncode == 2
    assert "sheet labels, row 3" in result.stderr and "'qestion_for_team'" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ('"page {n} of {totl}"', "{n}, {total}"),  # a placeholder misspelt
        ('"page {n}"', "{n}, {total}"),  # one left out
        ('"page {n} of {total"', "brace"),  # a brace without its pair
    ],
)
def test_a_label_whose_placeholders_differ_from_english_names_the_key(tmp_path, value, said):
    pack = write_pack(tmp_path / "pack", {**ENGLISH_PACK, "labels.yaml": f"page_of: {value}\n"})
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", "guide")
    assert result.returncode == 2
    assert "'page_of'" in result.stderr and said in result.stderr and "labels.yaml:1:" in result.stderr


def test_labels_writes_the_complete_table_to_translate(tmp_path):
    from kit.labels import english

    target = tmp_path / "labels.yaml"
    result = cli("labels", "uk", str(target))
    assert result.returncode == 0, result.stderr
    written = target.read_text(encoding="utf-8")
    table = yaml.safe_load(written)
    assert dict(_flat(table)) == dict(_flat(english()))  # every key, with the English text
    assert "# page numbers at the foot" in written and "# beside every QR code" in written  # where each prints
    # as written, it is a valid label table of a pack
    pack = write_pack(tmp_path / "pack", {**ENGLISH_PACK, "labels.yaml": written})
    assert cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", "poster").returncode == 0
    again = cli("labels", "uk", str(target))
    assert again.returncode == 2 and "exists" in again.stderr


def test_init_offers_the_labels_in_a_language_the_kit_has_no_table_for(tmp_path):
    result = cli("init", str(tmp_path / "studie"), "--language", "uk")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "studie" / "labels.yaml").is_file() and "labels.yaml" in result.stdout
    assert "language: uk" in (tmp_path / "studie" / "pack.yaml").read_text(encoding="utf-8")
    result = cli("init", "--xlsx", str(tmp_path / "studie.xlsx"), "--language", "uk")
    assert result.returncode == 0, result.stderr
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "studie.xlsx")["labels"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["page_of"] == "page {n} of {total}" and rows["sources.report"] == "research finding"
    from kit.labels import english

    assert rows["default_guide.1.minutes"] == english()["default_guide"][0]["minutes"]
    built = cli("--content", str(tmp_path / "studie.xlsx"), "--out", str(tmp_path / "out"), "--only", "guide")
    assert built.returncode == 0, built.stderr
    # a language with a table of its own: init says how to word it differently
    result = cli("init", str(tmp_path / "nl"), "--language", "nl")
    assert not (tmp_path / "nl" / "labels.yaml").exists() and "labels nl" in result.stdout


# --- Right to left ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def arabic_kit(tmp_path_factory):
    """Built once for all xdist workers."""

    def make(folder):
        pack = _copy("ar", folder / "pack")
        result = cli("--content", str(pack), "--out", str(folder / "out"), "--only", ALL_PRODUCTS,
                     "--set", "date=2026-12-04", "--set", "school=مدرسة النور")
        assert result.returncode == 0, result.stderr

    return shared_folder(tmp_path_factory, "ar-kit", make) / "out" / "rafah-almuallimin"


@pytest.fixture(scope="module")
def arabic_pack():
    from kit.pack import load_pack

    return load_pack(DATA / "ar").pack


def _line_text(line) -> str:
    return "".join(c.char for c in line)


def _is_statement_line(line, statements) -> bool:
    """Whether a line of the page starts a statement (its first eight letters,
    wherever a source mark or a Latin abbreviation follows them): the PDF may
    list an Arabic run in visual order (right to left reversed), so both are tried."""
    letters = _letters(_line_text(line))
    return any(s[:8] in letters or s[:8] in letters[::-1] for s in statements)


def test_an_arabic_pack_builds_all_six_products_set_right_to_left(arabic_kit):
    for product in PRODUCTS:
        assert (arabic_kit / f"{product}.pdf").is_file(), product
    shown = glyph_ids(arabic_kit / "dialogue-cards.pdf")
    assert shown and not [g for g in shown if g[2] == 0]
    assert "4 ديسمبر 2026" in text(arabic_kit / "poster.pdf")  # the date as CLDR writes Arabic


def test_arabic_worksheet_lines_end_at_the_right_edge_of_their_column(arabic_kit, arabic_pack):
    right_margin = 210 - 15  # A4, 15 mm margins
    statements = [_letters(s.text) for s in arabic_pack.statements]
    checked = 0
    for page in chars_of(arabic_kit / "worksheet.pdf"):
        for line in lines_of([c for c in page if unicodedata.category(c.char) != "Mn"]):
            if not _is_statement_line(line, statements):
                continue
            checked += 1
            right = max(c.right for c in line)
            left = min(c.left for c in line)
            assert abs(right - right_margin) < 1.0, (_line_text(line), right)
            assert left > 15 + 20, (_line_text(line), left)  # ragged on the left, not the right
    assert checked >= len(statements)


def test_arabic_sort_cards_set_each_line_against_the_right_of_the_card(arabic_kit, arabic_pack):
    from pdfread import card_boxes

    pdf = arabic_kit / "sort-cards.pdf"
    boxes = card_boxes(pdf)
    pages = chars_of(pdf)
    statements = {s.id: _letters(s.text) for s in arabic_pack.statements}
    checked = 0
    for card_id, letters in statements.items():
        page, left, top, right, bottom = boxes[f"front-{card_id}"]
        inside = [c for c in pages[page] if left < c.left and c.right < right and top < c.top and c.bottom < bottom
                  and unicodedata.category(c.char) != "Mn"]
        lines = [line for line in lines_of(inside) if _is_statement_line(line, [letters])]
        assert lines, card_id
        ends = [max(c.right for c in line) for line in lines]
        # every line ends at the same place, 3 mm (the safe area) inside the right cut, whatever its length
        assert max(ends) - min(ends) < 0.8, (card_id, ends)
        assert right - 3 - 1.0 < max(ends) <= right - 3 + 0.3, (card_id, max(ends), right)
        checked += 1
    assert checked == len(statements)
    # the code, the card's furniture, is mirrored: in the bottom left corner
    codes = [c for c in pages[boxes["front-ib-01"][0]] if c.char.isdigit()]
    page, left, top, right, bottom = boxes["front-ib-01"]
    mine = [c for c in codes if left < c.left < right and top < c.top < bottom]
    assert mine and max(c.right for c in mine) < left + (right - left) / 3, mine


def test_a_latin_abbreviation_in_an_arabic_sentence_keeps_its_order_and_parentheses(arabic_kit):
    for page in chars_of(arabic_kit / "sort-cards.pdf"):
        for line in lines_of(page):
            chars = "".join(c.char for c in line)
            if "PLC" not in chars:
                continue
            placed = sorted(line, key=lambda c: c.left)
            letters = [c for c in placed if c.char in "PLC"]
            assert [c.char for c in letters] == ["P", "L", "C"]  # left to right inside the Arabic line
            arabic = [c for c in placed if "\u0600" <= c.char <= "\u06ff"]
            # at the end of the sentence, so at the left end of the line: the Arabic is to its right
            assert arabic and min(c.left for c in arabic) > letters[-1].right
            brackets = [c for c in placed if c.char in "()"]
            assert len(brackets) == 2
            assert brackets[0].right <= letters[0].left + 0.1 and brackets[1].left >= letters[-1].right - 0.1
            return
    pytest.fail("no line with PLC on the sort cards")


def test_a_web_address_in_an_arabic_line_reads_left_to_right_in_one_piece(arabic_kit, arabic_pack):
    url = str(arabic_pack.links[0].url)
    assert url.endswith("/")  # a neutral last character: the bidi algorithm would move it to the far left
    for page in chars_of(arabic_kit / "guide.pdf"):
        for line in lines_of(page, gap_mm=8):
            latin = "".join(c.char for c in sorted(line, key=lambda c: c.left) if c.char.isascii())
            if "projects" in latin:
                assert latin.startswith(url), latin
                return
    pytest.fail("no line with the project's address in the guide")


def test_an_arabic_citation_too_wide_for_the_card_is_blamed_not_the_card_it_is_on(tmp_path):
    pack = _copy("ar", tmp_path / "pack")
    main = (pack / "pack.yaml").read_text(encoding="utf-8")
    wide = "الحسينيوالعمريومجموعةكبيرةجدامنالباحثينالآخرينفيمعهدالبحوثالتربويةفيعمان (2024)"
    main = main.replace("  short: الحسيني والعمري (2024)", f"  short: {wide}")
    (pack / "pack.yaml").write_text(main, encoding="utf-8")
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", "sort-cards")
    assert result.returncode == 2
    line = main.splitlines().index(f"  short: {wide}") + 1
    assert f"pack.yaml:{line}: the pack's citation.short" in result.stderr, result.stderr
    assert "statement" not in result.stderr


def test_a_packs_own_label_too_long_for_its_place_is_blamed_with_its_line(tmp_path):
    pack = _copy("ar", tmp_path / "pack")
    main = (pack / "pack.yaml").read_text(encoding="utf-8")
    long = "كُتبتلهذهالمجموعة" * 5
    main = main.replace("    kit: كُتبت لهذه المجموعة", f"    kit: {long}")
    (pack / "pack.yaml").write_text(main, encoding="utf-8")
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", "dialogue-cards")
    assert result.returncode == 2
    line = main.splitlines().index(f"    kit: {long}") + 1
    assert f"pack.yaml:{line}: the pack's label 'sources.kit'" in result.stderr, result.stderr
    assert "dialogue card" not in result.stderr


def test_the_pages_of_an_arabic_pack_say_rtl_and_do_not_hyphenate():
    from kit.direction import direction, hyphenates

    assert [direction(code) for code in ("ar", "he", "fa", "ur", "ps", "yi", "ckb")] == ["rtl"] * 7
    assert [direction(code) for code in ("nl", "en", "uk", "el", "xx")] == ["ltr"] * 5
    assert hyphenates("nl") and hyphenates("uk") and hyphenates("nl-BE")
    assert not hyphenates("ar") and not hyphenates("xx")
    from kit.context import Context, Options
    from kit.pack import load_pack

    meta = Context(load_pack(DATA / "ar"), Options()).document_meta("x")
    assert (meta["lang"], meta["dir"], meta["hyphenate"]) == ("ar", "rtl", False)
    meta = Context(load_pack(DATA / "uk"), Options()).document_meta("x")
    assert (meta["lang"], meta["dir"], meta["hyphenate"]) == ("uk", "ltr", True)


# --- Symbols ---------------------------------------------------------------------------------

SYMBOLS = "→ ✓ ✗ ≥ ≤ × • ☐ ⇒ ★ ✔ ☑"


def _squashed(name: str) -> str:
    """'Noto-Sans-Symbols-2' (the PDF, after the CSS family) and 'Noto Sans Symbols2' (the file) alike."""
    return name.replace("-", "").replace(" ", "").lower()


def _families() -> dict[str, set[int]]:
    """Family name, squashed -> the characters its shipped files have."""
    from fontTools.ttLib import TTFont

    out: dict[str, set[int]] = {}
    for path in sorted((ROOT / "kit" / "fonts").glob("*.ttf")):
        font = TTFont(path, lazy=True)
        out.setdefault(_squashed(font["name"].getDebugName(1)), set()).update(font.getBestCmap())
    return out


def _family_of(pdf_font: str, families) -> str:
    for suffix in ("-BoldItalic", "-Bold", "-Italic", ""):
        family = _squashed(pdf_font[: len(pdf_font) - len(suffix)])
        if pdf_font.endswith(suffix) and family in families:
            return family
    raise AssertionError(f"font {pdf_font!r} is not one the kit ships")


def _symbols_pack(folder: Path, extra: str = "") -> Path:
    files = dict(ENGLISH_PACK)
    files["pack.yaml"] = files["pack.yaml"].replace("title: Staff wellbeing in small schools",
                                                    "title: Staff wellbeing → results ✓")
    files["statements.yaml"] = files["statements.yaml"].replace(
        "Teachers want to stay", f"{SYMBOLS} Teachers want to stay").replace(
        "Pupils notice calmer classrooms.", f"Pupils notice calmer classrooms.{extra}")
    files["categories.yaml"] = files["categories.yaml"].replace("label: Drivers", "label: Drivers ✓")
    files["recommendations.yaml"] = files["recommendations.yaml"].replace("step 1 of", "step 1 → 2 of")
    files["dialogue.yaml"] = files["dialogue.yaml"].replace("colleague?", "colleague ≥ once?")
    files["labels.yaml"] = 'tick_recognise: "✓ I recognise this"\ntick_not_yet: "✗ not yet"\n'
    return write_pack(folder, files)


def test_the_symbols_people_type_print_in_every_product_from_a_font_that_has_them(tmp_path):
    pack = _symbols_pack(tmp_path / "pack")
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", ALL_PRODUCTS)
    assert result.returncode == 0, result.stderr
    families = _families()
    wanted = set(SYMBOLS.replace(" ", ""))
    for product in PRODUCTS:
        pdf = tmp_path / "out" / "staff-wellbeing" / f"{product}.pdf"
        assert not [g for g in glyph_ids(pdf) if g[2] == 0], product  # no empty box
        seen = set()
        for page in chars_of(pdf):
            for char in page:
                if char.char in wanted or char.char in "→✓✗≥":
                    family = _family_of(char.font, families)
                    assert ord(char.char) in families[family], (product, char.char, char.font)
                    seen.add(char.char)
        assert seen, product  # each product prints some of them (title, labels, texts)
    sorts = {c.char for page in chars_of(tmp_path / "out" / "staff-wellbeing" / "sort-cards.pdf") for c in page}
    assert wanted <= sorts, sorted(wanted - sorts)


def test_a_character_no_font_has_is_reported_once_and_stops_only_what_prints_it(tmp_path):
    pack = _symbols_pack(tmp_path / "pack", extra=" 集")
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", ALL_PRODUCTS)
    assert result.returncode == 2
    assert result.stderr.count("集 (U+96C6)") == 1, result.stderr
    named = [line for line in result.stderr.splitlines() if "U+96C6" in line][0]
    assert "statements.yaml:" in named and "'st-07'" in named
    out = tmp_path / "out" / "staff-wellbeing"
    for product in ("sort-cards", "answer-key", "worksheet"):  # they print the statement
        assert not (out / f"{product}.pdf").exists(), product
        assert f"{product}:" in result.stderr
    for product in ("dialogue-cards", "poster", "guide"):  # they do not
        assert (out / f"{product}.pdf").is_file(), product


# --- Dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "4 december 2026"),
        ("nl-BE", "4 december 2026"),
        ("en", "December 4, 2026"),
        ("fr", "4 décembre 2026"),
        ("de", "4. Dezember 2026"),
        ("uk", "4 грудня 2026\u202fр."),  # a narrow no-break space before the abbreviation of year
        ("ar", "4 ديسمبر 2026"),
        ("he", "4 בדצמבר 2026"),
        ("es", "4 de diciembre de 2026"),
        ("it", "4 dicembre 2026"),
        ("pl", "4 grudnia 2026"),
        ("tr", "4 Aralık 2026"),
        ("pt-BR", "4 de dezembro de 2026"),
    ],
)
def test_a_date_prints_as_the_language_writes_it(language, expected):
    assert format_date("2026-12-04", language) == expected
    assert format_date("2026-02-30", language) == "2026-02-30"  # not a day: printed as given
    assert format_date("next week", language) == "next week"


def test_an_arabic_guide_listing_every_product_keeps_its_english_lines_on_the_page(tmp_path):
    """The guide of a full build lists each product to print; lines the Arabic
    label table has no words for are English, set left to right inside a
    right-to-left list. Each item's tick box hangs in its margin: an indented
    first line ran an English item past the page's left edge (the audit said so)."""
    from kit.build import Status, Task
    from kit.build.worker import render_product
    from kit.context import Options
    from kit.pack import load_pack
    from kit.products import ids

    result = render_product(Task(load_pack(DATA / "ar"), tmp_path, "guide", Options(products=tuple(ids())), "key"))
    assert result.status == Status.BUILT, result.message
    assert "One HTML file that opens in any browser" in " ".join(text(tmp_path / "guide.pdf").split())


@pytest.mark.parametrize("lang", [None, "en"])
def test_english_labels_on_a_right_to_left_page_keep_their_punctuation_at_their_end(tmp_path, lang):
    """A Hebrew pack with no label table of its own prints the English labels,
    each set in its own direction: a sentence's full stop, a question's mark and
    a label's colon stay at the right end of their English words, a step's number
    at their left end, on a page otherwise set right to left; the same with
    `--lang en`, which takes every label from the English table. (A category's
    own prompt is the pack's text, in the pack's direction: the outcomes have none.)"""
    from conftest import build

    files = dict(ENGLISH_PACK)
    files["pack.yaml"] = files["pack.yaml"].replace("language: en", "language: he").replace(
        "title: Staff wellbeing in small schools", "title: רווחת הצוות בבתי ספר קטנים")
    pack = write_pack(tmp_path / "pack", files)
    out = build(pack, tmp_path / "out", "worksheet,guide,answer-key", lang=lang)

    def visual_lines(product: str, index: int = 0) -> list[str]:
        page = chars_of(out / f"{product}.pdf")[index]
        return [_line_text(line) for line in lines_of(page, gap_mm=8)]

    worksheet = [line for page in (0, 1) for line in visual_lines("worksheet", page)]
    for words, last in (("Writedownanexample", "."), ("Whichoutcomesdoyourecognise", "?"), ("Anexamplefromourschool", ":")):
        line = next(line for line in worksheet if words in line)
        assert line.endswith(words + last) and not line.startswith(last), line
    assert any("\u05d0" <= char <= "\u05ea" for line in worksheet for char in line)  # the pack's own title, in Hebrew
    guide = visual_lines("guide")  # the labels' default steps (the pack has none)
    opening = next(line for line in guide if "Opening" in line)
    assert opening.startswith("1.Opening"), opening
    introduce = next(line for line in guide if "Introducethestudy" in line)
    assert introduce.endswith("envelope."), introduce
    key = visual_lines("answer-key")
    per_category = next(line for line in key if "Percategory" in line)
    assert per_category.startswith("Percategory:") and per_category.endswith("."), per_category
