"""Hyphenation patterns are parsed once per machine and kept in the user's
cache folder: a process that renders loads them instead of parsing them
again, and breaks words exactly where the parsed patterns would."""

from __future__ import annotations

import marshal

import pyphen
import pytest

from kit import hyphenation

WORDS = ["samenwerkingsverbanden", "professionaliseringstrajecten", "onderwijsprofessionals", "leerlingen"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(pyphen, "hdcache", {})
    monkeypatch.setattr(pyphen, "HyphDict", hyphenation.hyph_dict)
    return tmp_path / "findings-kit" / "hyphenation"


def _breaks(lang: str) -> list[str]:
    pyphen.hdcache.clear()
    dictionary = pyphen.Pyphen(lang=lang)
    return [dictionary.inserted(word) for word in WORDS]


def test_patterns_from_the_cache_break_words_where_parsed_ones_do(cache, monkeypatch):
    parsed = _breaks("nl")  # parsed, then kept
    kept = sorted(cache.glob("hyph_nl*.marshal"))
    assert len(kept) == 1
    monkeypatch.setattr(hyphenation, "_parse", lambda path: pytest.fail(f"{path} parsed again"))
    assert _breaks("nl") == parsed
    assert parsed[0] == "sa-men-wer-kings-ver-ban-den"


def test_a_damaged_or_foreign_cache_file_is_parsed_again_and_replaced(cache):
    parsed = _breaks("nl")
    (kept,) = cache.glob("hyph_nl*.marshal")
    for damage in (b"", b"\x00garbage", kept.read_bytes()[:1000],
                   marshal.dumps(({"ab": (0, ("1",))}, 2))):  # a number that is text
        kept.write_bytes(damage)
        assert _breaks("nl") == parsed
        assert kept.read_bytes() != damage


def test_a_cache_folder_that_cannot_be_written_only_means_parsing(cache, tmp_path, monkeypatch):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_folder))
    assert _breaks("nl")[0] == "sa-men-wer-kings-ver-ban-den"


def test_an_edited_pattern_file_is_not_answered_from_the_cache(cache, tmp_path):
    source = next(path for name, path in pyphen.LANGUAGES.items() if name == "nl")
    copy = tmp_path / "hyph_xx.dic"
    copy.write_bytes(source.read_bytes())
    first = hyphenation.hyph_dict(copy)
    text = copy.read_text(encoding=source.read_text(encoding="latin-1").split("\n")[0].strip() or "utf-8")
    copy.write_text(text.replace("\n", "\nxyz9q\n", 1), encoding="utf-8")  # one pattern more
    second = hyphenation.hyph_dict(copy)
    assert "xyzq" in second.patterns and "xyzq" not in first.patterns
