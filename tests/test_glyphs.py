"""Text in other scripts prints with real glyphs (the shipped fallback fonts),
or the build stops and names the item and the characters. Read back from the
PDF: no .notdef glyph, every character of the pack in the text layer."""

from __future__ import annotations

import unicodedata

import pytest
import yaml
from conftest import ENGLISH_PACK, cli, shared_folder, write_pack
from pdfread import glyph_ids, text

from kit import glyphs

SCRIPTS = {
    "greek": "Συλλογική μάθηση στο σχολείο",
    "cyrillic": "Совместное обучение в школе",
    "arabic": "التعلم الجماعي في المدرسة",
    "hebrew": "למידה שיתופית בבית הספר",
}
CJK = "集体学习"
PRODUCTS = "dialogue-cards,sort-cards,answer-key,worksheet,guide"


def _pack_in_scripts(folder, extra: str = ""):
    """The English pack with text in every script in the fields each product prints."""
    files = {name: yaml.safe_load(source) for name, source in ENGLISH_PACK.items()}
    words = " · ".join(SCRIPTS.values())
    files["pack.yaml"]["title"] = f"Staff wellbeing {SCRIPTS['greek']}"
    files["pack.yaml"]["citation"]["short"] = f"Doe & Roe (2024) {SCRIPTS['cyrillic']}"
    files["categories.yaml"][0]["label"] = SCRIPTS["hebrew"]
    files["categories.yaml"][1]["definition"] = f"{SCRIPTS['arabic']}."
    files["categories.yaml"][0]["prompt"] = SCRIPTS["cyrillic"]
    files["statements.yaml"] = yaml.safe_load(ENGLISH_PACK["statements.yaml"])
    files["statements.yaml"][2]["text"] = words + extra
    files["dialogue.yaml"][0]["question"] = words
    return write_pack(folder, {name: yaml.safe_dump(data, allow_unicode=True) for name, data in files.items()})


def _letters(value: str) -> set[str]:
    # The text layer may hold Arabic in its presentation forms: compare NFKC letters.
    return {c for c in unicodedata.normalize("NFKC", value) if not c.isspace() and unicodedata.category(c)[0] in "LN"}


@pytest.fixture(scope="module")
def scripts_kit(tmp_path_factory):
    """Built once for all xdist workers."""

    def make(folder):
        pack = _pack_in_scripts(folder / "pack")
        result = cli("--content", str(pack), "--out", str(folder / "out"), "--only", PRODUCTS)
        assert result.returncode == 0, result.stderr

    return shared_folder(tmp_path_factory, "scripts-kit", make) / "out" / "staff-wellbeing"


@pytest.mark.parametrize("product", PRODUCTS.split(","))
def test_greek_cyrillic_arabic_and_hebrew_print_with_real_glyphs(scripts_kit, product):
    pdf = scripts_kit / f"{product}.pdf"
    shown = glyph_ids(pdf)
    assert shown, product
    notdef = [(page, font) for page, font, gid in shown if gid == 0]
    assert not notdef, (product, notdef[:5])
    printed = _letters(text(pdf))
    # the guide prints the title and the citation; the others a statement or question in all four
    scripts = ("greek", "cyrillic") if product == "guide" else SCRIPTS
    wanted = set().union(*(_letters(SCRIPTS[name]) for name in scripts))
    assert wanted <= printed, (product, sorted(wanted - printed))


def test_the_fallback_fonts_are_embedded(scripts_kit):
    from pdfread import fonts

    names = {font["name"].partition("+")[2] for font in fonts(scripts_kit / "sort-cards.pdf")}
    assert {"Noto-Sans-Arabic-Bold", "Noto-Sans-Hebrew-Bold", "Noto-Sans-Bold"} <= names, names


def test_text_the_fonts_cannot_print_is_refused_naming_the_item_and_characters(tmp_path):
    pack = _pack_in_scripts(tmp_path / "pack", extra=f" {CJK}")
    for product in ("sort-cards", "worksheet"):
        result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", product)
        assert result.returncode == 2, result.stderr
        line = result.stderr.strip().splitlines()[-1]
        assert "statements.yaml" in line and "st-03" in line and "集 (U+96C6)" in line and "fonts" in line, line
        assert not (tmp_path / "out" / "staff-wellbeing" / f"{product}.pdf").exists()


def test_a_set_value_the_fonts_cannot_print_is_refused_naming_the_option(tmp_path):
    pack = write_pack(tmp_path / "pack", ENGLISH_PACK)
    result = cli("--content", str(pack), "--out", str(tmp_path / "out"), "--only", "guide", "--set", f"school={CJK}")
    assert result.returncode == 2, result.stderr
    assert "--set school" in result.stderr and "学" in result.stderr


def test_latin_and_punctuation_are_covered_without_reading_a_font():
    below, start, end = glyphs._ALWAYS
    for code in [*range(0x20, below), *range(start, end)]:
        if unicodedata.category(chr(code)) not in ("Cc", "Cf", "Cn"):
            assert code in glyphs.covered(), hex(code)


SYMBOLS = "→ ← ↑ ↓ ⇒ ⟶ ✓ ✔ ✗ ✘ ☐ ☑ ☒ ≥ ≤ ≠ ≈ ± × ÷ • ★ ∞ √ ∑ ➜ ❖"


def test_the_symbols_people_type_are_in_the_shipped_fonts():
    assert glyphs.missing(SYMBOLS) == []


def test_the_symbol_fonts_ship_with_their_licence():
    from kit.paths import FONTS

    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    for name in ("NotoSansSymbols2-Regular.ttf", "NotoSansMath-Regular.ttf"):
        assert (FONTS / name).is_file()
    assert "Noto Sans Math" in readme and "Noto Sans Symbols 2" in readme and "OFL-Noto.txt" in readme
    assert "Open Font License" in (FONTS / "OFL-Noto.txt").read_text(encoding="utf-8")


def test_an_unprintable_item_is_one_report_with_all_its_characters(tmp_path):
    from kit.pack import load_pack

    files = dict(ENGLISH_PACK)
    files["statements.yaml"] = files["statements.yaml"].replace(
        "Pupils notice calmer classrooms.", f"Pupils notice {CJK} calmer classrooms.")
    files["categories.yaml"] = files["categories.yaml"].replace("label: Risks", "label: Risks 危")
    loaded = load_pack(write_pack(tmp_path / "pack", files))
    found = glyphs.unprintable(loaded)
    assert [(u.field, u.item.split(" ")[0]) for u in found] == [("categories", "categories[3]"),
                                                                   ("statements", "statements[6]")]
    assert found[1].chars == tuple(CJK) and found[1].where.line and found[1].where.file.name == "statements.yaml"
    # only the products that print categories or statements are stopped by them
    assert [p for p in glyphs.PRINTED_BY if glyphs.blocking(loaded, p)] == ["sort-cards", "answer-key", "worksheet"]
