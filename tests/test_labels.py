"""The words the layouts print: every table complete, every key printed somewhere, dates per language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, cli

from kit.labels import format_date

LABELS = ROOT / "layouts" / "labels"
TABLES = sorted(p.stem for p in LABELS.glob("*.yaml"))
# Keys looked up through a variable: `labels[key]` over these lists in the guide and worksheet
# (`--set` fields, the worksheet's name too), `labels['duplex_' + mode]` in the alignment sheet.
DYNAMIC = {"name", "school", "team", "date", "facilitator", "start", "duplex_long", "duplex_short", "duplex_fold"}


def _table(code: str) -> dict:
    return yaml.safe_load((LABELS / f"{code}.yaml").read_text(encoding="utf-8"))


def _shape(value, path=""):
    """Every key path of a table, with the {placeholders} of its text and the numbers it holds."""
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            out.update(_shape(inner, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(value, list):
        out = {path: len(value)}
        for index, inner in enumerate(value):
            out.update(_shape(inner, f"{path}[{index}]"))
        return out
    if isinstance(value, str):
        return {path: sorted(f for _, f, _, _ in string.Formatter().parse(value) if f)}
    return {path: value}  # minutes, ...: the same in every language


def _code() -> str:
    files = [p for p in (ROOT / "kit").rglob("*.py")] + [p for p in (ROOT / "layouts").rglob("*.j2")]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_the_languages_schools_work_in_have_tables():
    assert {"nl", "en", "fr", "de"} <= set(TABLES)


@pytest.mark.parametrize("code", [t for t in TABLES if t != "en"])
def test_every_table_has_every_key_of_english(code):
    english, other = _shape(_table("en")), _shape(_table(code))
    missing = sorted(set(english) - set(other))
    extra = sorted(set(other) - set(english))
    assert not missing, f"{code}.yaml lacks {missing}"
    assert not extra, f"{code}.yaml has keys English does not: {extra}"
    differ = {k: (english[k], other[k]) for k in english if english[k] != other[k]}
    assert not differ, f"{code}.yaml: placeholders, list lengths or numbers differ from en.yaml: {differ}"


def test_every_label_key_is_printed_by_some_layout_or_code():
    from kit.products.screen import SCRIPT_LABELS

    code = _code()
    unused = []
    for key in _table("en"):
        if key in SCRIPT_LABELS:  # shown by the screen version's script, handed to it by name
            assert re.search(rf"\bsay\([\"']{key}[\"']", (LABELS.parent / "screen" / "screen.js").read_text()), key
            continue
        patterns = [
            rf"labels\.{key}\b",
            rf"labels\[['\"]{key}['\"]\]",
            rf"labels\.get\(['\"]{key}['\"]",
            rf"print_steps=\([^)]*['\"]{key}['\"]",  # a product's how-to-print lines (Product.how_to_print)
        ]
        if key in DYNAMIC:
            continue  # looked up through a variable: printed, as the next test reads from the PDFs
        if not any(re.search(p, code) for p in patterns):
            unused.append(key)
    assert not unused, f"label keys no layout prints: {unused}"


def test_the_labels_looked_up_through_a_variable_are_printed(english_pack, tmp_path):
    """`labels[key]` over the --set fields (guide, worksheet) and the duplex
    advice (guide, alignment sheet): each of those words is in a PDF, beside its value."""
    from pdfread import contains, printed_lines, text

    from kit.build import build_kit
    from kit.context import Options

    english = _table("en")
    values = {"school": "Noordschool", "team": "Blue group", "date": "4 December 2026", "facilitator": "Sam Jansen"}
    printed = []
    for duplex in ("long", "short", "fold"):
        options = Options(duplex=duplex, values=tuple(values.items()))
        results = build_kit(english_pack, tmp_path / duplex, ["guide", "alignment"], options, jobs=1)
        assert all(r.status == "built" for r in results), [(r.product, r.message) for r in results]
        printed += [printed_lines(Path(r.path)) for r in results]
    words = "\n".join(printed).casefold()  # the cover's labels are set in capitals by CSS
    for key in ("school", "team", "date", "facilitator"):
        label = (english[key] + values[key]).casefold()
        assert contains(words, label), f"the guide's cover does not print {key!r} as a label"
    for mode in ("long", "short", "fold"):
        assert contains(words, english[f"duplex_{mode}"].casefold()), f"duplex_{mode} is not printed"
    # `start` (--set start=13:30) becomes the guide's clock times; no PDF prints its label "Start time"
    # (a build of every product with it set was read back): left to the issue that owns the label.
    # the worksheet's name field is for the participant: its label is printed with room to write
    (worksheet,) = build_kit(english_pack, tmp_path / "worksheet", ["worksheet"], Options(), jobs=1)
    assert worksheet.status == "built", worksheet.message
    assert contains(text(Path(worksheet.path)).casefold(), english["name"].casefold()), "name is not printed"
    assert DYNAMIC - {"start"} == set(values) | {"name"} | {f"duplex_{mode}" for mode in ("long", "short", "fold")}


def test_every_key_a_layout_prints_is_in_the_tables():
    english = _table("en")
    # (file names such as labels.yaml and pack_labels.py are not keys)
    used = set(re.findall(r"(?<![\w/])labels\.([a-z_]+)\b", _code())) - {"get", "format", "yaml", "yml", "py"}
    used |= set(re.findall(r"labels\[['\"]([a-z_]+)['\"]\]", _code()))
    assert not sorted(used - set(english)), "layouts print label keys the tables do not have"


@pytest.mark.parametrize(
    "code, expected",
    [
        ("nl", "4 december 2026"),
        ("en", "December 4, 2026"),  # CLDR's English is the United States'; en-GB writes 4 December 2026
        ("fr", "4 décembre 2026"),
        ("de", "4. Dezember 2026"),
    ],
)
def test_dates_are_written_the_way_the_language_writes_them(code, expected):
    assert format_date("2026-12-04", code) == expected
    # what is not a date is printed as given
    assert format_date("2026-13-04", code) == "2026-13-04"
    assert format_date("volgende week", code) == "volgende week"


def test_a_french_guide_prints_french_labels_dates_and_page_numbers(tmp_path):
    result = cli("--out", str(tmp_path), "--lang", "fr", "--only", "guide,worksheet",
                     "--set", "date=2026-12-04", "--set", "school=École des Tilleuls")
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    for product in ("guide", "worksheet"):
        reader = PdfReader(tmp_path / "collectief-leren" / f"{product}.pdf")
        first = reader.pages[0].extract_text()
        assert "4 décembre 2026" in first, product
        assert "2026-12-04" not in first
        last = reader.pages[-1].extract_text()
        assert f"page {len(reader.pages)} sur {len(reader.pages)}" in last, product
    guide = PdfReader(tmp_path / "collectief-leren" / "guide.pdf").pages[0].extract_text()
    assert "Déroulement de la séance" in guide


def test_pack_text_is_hyphenated_in_the_packs_language(english_pack, tmp_path):
    """--lang picks the labels only: the document language (which picks WeasyPrint's hyphenation
    dictionary, and what a screen reader speaks) stays the language of the pack's words."""
    result = cli("--content", str(english_pack), "--out", str(tmp_path), "--lang", "de", "--only", "answer-key")
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    reader = PdfReader(tmp_path / "staff-wellbeing" / "answer-key.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "Je Kategorie: ihre Definition" in reader.pages[0].extract_text()  # German labels


def test_a_packs_own_labels_override_its_languages_table_key_by_key():
    from kit.labels import with_pack

    dutch = with_pack("nl", {"poster": "Onze aanbevelingen", "sources": {"report": "bevinding"}})
    assert dutch["poster"] == "Onze aanbevelingen"
    assert dutch["sources"]["report"] == "bevinding"
    assert dutch["sources"]["kit"] == _table("nl")["sources"]["kit"]  # the rest of a table stays Dutch
    assert dutch["notes"] == _table("nl")["notes"]
    # a language without a table of the kit's: the pack's words, then English
    ukrainian = with_pack("uk", {"notes": "Нотатки"})
    assert ukrainian["notes"] == "Нотатки" and ukrainian["poster"] == _table("en")["poster"]
    assert _table("nl")["poster"] != "Onze aanbevelingen"  # the shared table is not changed


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ({"poster": 12}, "'poster' must be text"),
        ({"sources": "bevinding"}, "'sources' is a table of its own"),
        ({"sources": {"raport": "x"}}, "unknown label 'sources.raport'; did you mean 'report'"),
        ({"default_guide": [{"title": "Open", "minutes": 10}]}, "lacks text"),
        ({"default_guide": [{"title": "Open", "minutes": "ten", "text": "x"}]}, "must be a whole number"),
        ({"alignment_current": "offset {x}"}, "{x}, {y}"),
    ],
)
def test_a_packs_labels_are_checked_against_english(table, said):
    from kit.errors import KitError
    from kit.pack_labels import check

    with pytest.raises(KitError) as caught:
        check(table, lambda path: ("labels.yaml", 7))
    assert said in str(caught.value) and "labels.yaml:7" in str(caught.value)
