"""Bad input: one line naming the file and line, exit status 2, and no PDF.

The command line runs in this process (`cli`): a refusal needs no process of its own."""

from __future__ import annotations

import re

import pytest
from conftest import cli, line_of, replace_in


def _fails(pack, out, *extra, product="sort-cards"):
    result = cli("--content", str(pack), "--out", str(out), "--only", product, *extra)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line, never a traceback
    assert "Traceback" not in result.stderr
    assert not list(out.rglob("*.pdf"))
    return lines[0]


def test_broken_yaml_names_file_and_line(small_pack, tmp_path):
    target = small_pack / "statements.yaml"
    replace_in(target, "text: Protected time", 'text: "Protected time')
    message = _fails(small_pack, tmp_path / "out")
    assert re.search(r"statements\.yaml:\d+: invalid YAML", message), message


def test_missing_field_names_file_line_and_field(small_pack, tmp_path):
    target = small_pack / "statements.yaml"
    line = line_of(target, "id: st-03")
    replace_in(target, "  text: Protected time in the timetable for peer support.\n", "")
    message = _fails(small_pack, tmp_path / "out")
    assert f"statements.yaml:{line}:" in message and "missing field 'text'" in message, message


def test_unknown_field_is_refused(small_pack, tmp_path):
    target = small_pack / "categories.yaml"
    replace_in(target, "  label: Outcomes\n", "  label: Outcomes\n  colr: red\n")
    message = _fails(small_pack, tmp_path / "out")
    line = line_of(target, "colr: red")
    assert f"categories.yaml:{line}:" in message and "unknown field 'colr'" in message, message


def test_duplicate_id_is_refused(small_pack, tmp_path):
    target = small_pack / "statements.yaml"
    replace_in(target, "id: st-04", "id: st-03")
    message = _fails(small_pack, tmp_path / "out")
    assert "duplicate id 'st-03'" in message and "statements.yaml:" in message, message


def test_statement_with_unknown_category_is_refused(small_pack, tmp_path):
    target = small_pack / "statements.yaml"
    replace_in(target, "category: outcomes", "category: results")
    line = line_of(target, "category: results")
    message = _fails(small_pack, tmp_path / "out")
    assert f"statements.yaml:{line}:" in message and "unknown category 'results'" in message, message


@pytest.mark.parametrize("url", ["ftp://example.org/report", "javascript:alert(1)", "example.org/report"])
def test_report_url_must_be_http(small_pack, tmp_path, url):
    target = small_pack / "pack.yaml"
    replace_in(target, "report_url: https://example.org/reports/staff-wellbeing-2024", f"report_url: {url}")
    message = _fails(small_pack, tmp_path / "out")
    assert f"pack.yaml:{line_of(target, 'report_url')}:" in message and "http" in message, message


def test_python_tags_in_yaml_are_refused(small_pack, tmp_path):
    target = small_pack / "pack.yaml"
    replace_in(target, "subtitle: Cards for a team day", 'subtitle: !!python/object/apply:os.system ["touch /tmp/pwned"]')
    message = _fails(small_pack, tmp_path / "out")
    assert "pack.yaml:" in message and "invalid YAML" in message, message


def test_unknown_product_is_refused(small_pack, tmp_path):
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "posters")
    assert result.returncode == 2
    assert "unknown product 'posters'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_pack_folder_is_bad_input(tmp_path):
    result = cli("--content", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "not found" in result.stderr


def test_text_that_cannot_fit_names_the_item_and_keeps_earlier_output(small_pack, tmp_path):
    out = tmp_path / "out"
    first = cli("--content", str(small_pack), "--out", str(out), "--only", "sort-cards")
    assert first.returncode == 0, first.stderr
    pdf = out / "staff-wellbeing" / "sort-cards.pdf"
    before = pdf.read_bytes()

    long_text = " ".join(["collaboration"] * 120)
    target = small_pack / "statements.yaml"
    replace_in(target, "text: Pupils notice calmer classrooms.", f"text: {long_text}")
    result = cli("--content", str(small_pack), "--out", str(out), "--only", "sort-cards")
    assert result.returncode == 2
    line = line_of(target, "collaboration collaboration")
    assert "'st-07'" in result.stderr and "does not fit" in result.stderr and "too long" in result.stderr
    assert f"statements.yaml:{line - 2}:" in result.stderr or f"statements.yaml:{line - 1}:" in result.stderr
    assert pdf.read_bytes() == before  # the earlier PDF is untouched
    assert not [p for p in pdf.parent.iterdir() if p.name.endswith(".part")]


def test_a_long_statement_is_shrunk_to_fit_instead_of_cut(small_pack, tmp_path):
    words = "Protected time in the timetable for peer support, agreed with the whole team and kept free of meetings every week of the year."
    replace_in(small_pack / "statements.yaml", "text: Protected time in the timetable for peer support.", f"text: {words}")
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "sort-cards")
    assert result.returncode == 0, result.stderr
    from pdfread import contains, text

    assert contains(text(tmp_path / "out" / "staff-wellbeing" / "sort-cards.pdf"), words)


def test_a_title_of_one_60_letter_word_is_broken_inside_its_card(small_pack, tmp_path):
    """Shrunk to the floor, then broken as a last resort (issue 13): printed
    whole and inside the card, or the card named."""
    from pdfcheck import problems
    from pdfread import contains, text

    word = "Samenwerkingsverbandsondersteuningsprofessionaliseringstraject"[:60].ljust(60, "x")
    target = small_pack / "dialogue.yaml"
    replace_in(target, "- id: d-1\n  kind: question\n", f"- id: d-1\n  kind: question\n  title: {word}\n")
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "dialogue-cards")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / "staff-wellbeing" / "dialogue-cards.pdf"
    assert contains(text(pdf), word)
    assert not problems(pdf)


FILLER = ["schools", "should", "share", "what", "works", "with", "every", "member", "of", "staff", "and", "keep", "short", "notes"]
FILLER += ["on", "it", "for", "the", "next", "year", "and", "the", "year", "after", "that", "too", "as", "well"]


@pytest.mark.parametrize("count, words, fits", [(30, 6, True), (40, 30, False)])
def test_a_poster_of_many_recommendations_is_one_page_or_a_clear_error(small_pack, tmp_path, count, words, fits):
    """30 recommendations of 6 words (a title that reads from two metres and a
    line of text each) fit one A3 sheet; 40 of 30 words (1,200 words: more
    than can be read from two metres on one A3 sheet) cannot, and the build
    stops naming them."""
    from pdfread import contains, page_sizes_mm, text

    def recommendation(number: int) -> str:
        words_of_it = [f"Region {number}", *FILLER][: words - 1]
        assert len(" ".join(words_of_it).split()) == words
        return " ".join(words_of_it)

    items = "".join(f"- id: rec-{i}\n  title: Step {i}\n  text: {recommendation(i)}\n  source: report\n" for i in range(1, count + 1))
    (small_pack / "recommendations.yaml").write_text(items)
    replace_in(small_pack / "dialogue.yaml", "  refers_to: rec-1\n", "")
    out = tmp_path / "out"
    if fits:
        result = cli("--content", str(small_pack), "--out", str(out), "--only", "poster")
        assert result.returncode == 0, result.stderr
        poster = out / "staff-wellbeing" / "poster.pdf"
        assert page_sizes_mm(poster) == [(297.0, 420.0)]
        content = text(poster)
        for number in range(1, count + 1):
            assert contains(content, recommendation(number)), number
    else:
        message = _fails(small_pack, out, product="poster")
        assert "recommendations.yaml:1:" in message and "recommendations does not fit" in message, message
        assert "--poster-paper a2" in message  # the larger sheet is a way out ...
        message = _fails(small_pack, out, "--poster-paper", "a2", product="poster")
        assert "A2 poster" in message and "--poster-paper" not in message, message  # ... but not from A2
