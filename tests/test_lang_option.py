"""`--lang` names the language of the printed labels: a shipped table, or the
pack's own labels when the pack is in that language."""

from pathlib import Path

from kit.cli import main

from pdfread import contains, text

UK_PACK = Path(__file__).parent / "data" / "uk"


def test_lang_names_the_language_of_a_pack_that_brings_its_own_labels(tmp_path, capsys):
    assert main(["--content", str(UK_PACK), "--lang", "uk", "--only", "answer-key", "--out", str(tmp_path)]) == 0
    [pdf] = tmp_path.glob("*/answer-key.pdf")
    assert contains(text(pdf), "Ключ відповідей")  # the pack's own word for the answer key


def test_lang_without_a_table_or_the_packs_own_labels_is_refused_in_one_line(tmp_path, capsys):
    code = main(["--content", "collectief-leren", "--lang", "uk", "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and "no labels for language 'uk'" in err and "labels.yaml" in err
    assert not list(tmp_path.rglob("*.pdf"))


def test_lang_that_is_no_language_is_refused_before_anything_is_read(tmp_path, capsys):
    code = main(["--content", "collectief-leren", "--lang", "xx-qq", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "'xx-qq': it is not a language code" in err
