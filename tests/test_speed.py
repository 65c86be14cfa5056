"""A large deck is laid out in chunks on every core and joined in order: the
PDF is the same, byte for byte, however many processes made it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
import yaml
from conftest import DEFAULT_PACK, LARGE_DECK, big_pack, expected_codes
from pdfread import contains, text

from kit.build import Task, build_kit
from kit.build.deck import deck_tasks
from kit.build.worker import render_product
from kit.context import Options
from kit.labels import labels
from kit.pack import load_pack
from kit.sheets import CHUNK_PAGES


def _bad_deck(folder: Path, long_text_at: int) -> Path:
    """The large deck with one statement too long for any card."""
    big_pack(folder)
    statements = yaml.safe_load((folder / "statements.yaml").read_text())
    statements[long_text_at]["text"] = "far too long a text " * 80
    (folder / "statements.yaml").write_text(yaml.safe_dump(statements), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def deck(large_deck):
    return large_deck


@pytest.fixture(scope="module")
def two(large_deck_pdfs):
    """The deck built with two processes (by the command line, once for the run): its folder."""
    return large_deck_pdfs["cli"].parent


def test_a_large_deck_is_split_into_one_task_per_chunk(deck):
    task = Task(load_pack(deck), Path("out"), "sort-cards", Options(), "key")
    tasks = deck_tasks(task)
    assert [t.part for t in tasks] == list(range(1, len(tasks) + 1)) and len(tasks) >= 2
    small = Task(load_pack(DEFAULT_PACK), Path("out"), "sort-cards", Options(), "key")
    assert deck_tasks(small) == [small]  # a small deck stays one task


@pytest.mark.slow
def test_a_large_deck_is_the_same_pdf_with_one_or_two_processes(deck, two, large_deck_pdfs, tmp_path):
    folder = two
    pdf = (folder / "sort-cards.pdf").read_bytes()
    one = large_deck_pdfs["here"]  # built in this process, one job
    assert len(pypdf.PdfReader(one).pages) > CHUNK_PAGES  # large enough to be laid out in chunks
    assert one.read_bytes() == pdf

    # and the same as the whole deck rendered by one task, its chunks joined in that process
    whole = render_product(Task(load_pack(deck), tmp_path / "whole", "sort-cards", Options(), "key"))
    assert whole.status == "built", whole.message
    assert whole.passes >= 2  # one layout per chunk at least
    assert (tmp_path / "whole" / "sort-cards.pdf").read_bytes() == pdf

    # in order: the sheets count up, and so do the codes of the statement cards
    sheet = labels("en")["sheet"]
    pdf_pages = pdfium.PdfDocument(str(folder / "sort-cards.pdf"))
    sheets, codes = [], []
    for page in pdf_pages:
        words = page.get_textpage().get_text_range()
        sheets += [int(n) for n in re.findall(rf"{sheet} (\d+)/\d+", words)]
        codes += [int(c) for c in re.findall(r"^(\d{3})\r?$", words, re.MULTILINE)]
    pdf_pages.close()
    assert len(pypdf.PdfReader(folder / "sort-cards.pdf").pages) == whole.pages
    assert sheets == list(range(1, len(sheets) + 1)) and len(sheets) > CHUNK_PAGES / 2
    assert codes == list(range(1, LARGE_DECK + 1))

    # the parts are gone: only the PDF and the build record are left
    assert sorted(p.name for p in folder.iterdir()) == [".kit-cache", ".kit-lock", "sort-cards.pdf"]


@pytest.mark.slow
def test_a_card_that_does_not_fit_in_a_later_chunk_fails_the_deck_and_keeps_the_old_pdf(deck, two, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(two, out)
    before = (out / "sort-cards.pdf").read_bytes()
    codes = expected_codes(load_pack(deck).pack)
    last = max(codes, key=codes.get)  # the statement printed last: in the last chunk
    bad = _bad_deck(tmp_path / "bad", int(last.split("-")[1]))
    results = build_kit(bad, out, ["sort-cards"], Options(), force=True, jobs=2)
    assert [r.status for r in results] == ["error"]
    assert last in results[0].message and "does not fit" in results[0].message
    assert (out / "sort-cards.pdf").read_bytes() == before
    assert not list(out.glob(".*.part"))
    assert contains(text(out / "sort-cards.pdf"), "Statement AA about")


def test_a_build_reports_its_layout_passes_and_can_dump_its_final_html(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_DUMP_HTML", str(tmp_path / "html"))
    result = render_product(Task(load_pack(DEFAULT_PACK), tmp_path / "out", "guide", Options(), "key"))
    assert result.status == "built", result.message
    assert result.passes >= 1 and result.laid_out >= result.pages > 0 and result.layout_seconds > 0
    html = (tmp_path / "html" / "guide.html").read_text(encoding="utf-8")
    assert contains(text(tmp_path / "out" / "guide.pdf"), "Collectief leren")
    # the dump is the document as written: WeasyPrint alone lays it out to the same pages and words
    from kit.render import _layout

    dumped = _layout(html)
    assert len(dumped.pages) == result.pages
    dumped.write_pdf(tmp_path / "dumped.pdf")
    assert text(tmp_path / "dumped.pdf") == text(tmp_path / "out" / "guide.pdf")


def test_the_poster_is_fitted_in_at_most_two_layouts_with_columns_the_kit_balanced(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_DUMP_HTML", str(tmp_path / "html"))
    result = render_product(Task(load_pack(DEFAULT_PACK), tmp_path / "out", "poster", Options(), "key"))
    assert result.status == "built", result.message
    assert result.passes <= 2 and "2 columns" in result.note, (result.passes, result.note)
    html = (tmp_path / "html" / "poster.html").read_text(encoding="utf-8")
    assert "columns:" not in html  # no CSS column balancing: it lays the list out many times
    assert html.count('data-fit="recommendations"') == 2

    page = pdfium.PdfDocument(str(tmp_path / "out" / "poster.pdf"))[0]
    chars = page.get_textpage()
    width = page.get_size()[0]
    words = chars.get_text_range()
    foot_top = chars.get_charbox(words.index("Bron:"))[3]
    lowest = {}
    for index in range(chars.count_chars()):
        left, bottom, right, top = chars.get_charbox(index)
        if bottom > foot_top and right > left:
            side = "left" if right < width / 2 else "right"
            lowest[side] = min(lowest.get(side, top), bottom)
    mm = 25.4 / 72
    # both columns end above the footer, within an item's height of each other
    assert set(lowest) == {"left", "right"}
    assert abs(lowest["left"] - lowest["right"]) * mm < 40, lowest


# Run in a child: this process has loaded the renderer already.
_LOOKUPS = """
import subprocess, sys
started = []
real = subprocess.Popen.__init__
def recording(self, args, *rest, **kw):
    started.append(args[0] if isinstance(args, (list, tuple)) else args)
    real(self, args, *rest, **kw)
subprocess.Popen.__init__ = recording
import kit.render
from weasyprint.text import ffi
print(sorted(started))
print([name for name in ("gobject", "pango", "harfbuzz", "harfbuzz_subset", "fontconfig", "pangoft2")
       if getattr(ffi, name) is not None])
"""


def test_the_renderer_finds_its_libraries_without_starting_the_compiler():
    """Every process that renders loads Pango, HarfBuzz, fontconfig and GLib:
    found by reading the linker's cache once, not by a compiler and a linker
    started for every name WeasyPrint tries (a fifth of a second each time)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _LOOKUPS], capture_output=True, text=True, check=True)
    started, loaded = done.stdout.splitlines()
    assert started == "['/sbin/ldconfig']", started
    assert loaded == str(["gobject", "pango", "harfbuzz", "harfbuzz_subset", "fontconfig", "pangoft2"])
