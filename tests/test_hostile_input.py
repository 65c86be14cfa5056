"""A pack may come from someone else: it must not run code, read files or
call the network, and any text either builds or fails with a message."""

from __future__ import annotations

import http.server
import signal
import subprocess
import sys
import threading
import time

import pypdf
import pytest
import yaml
from conftest import ENGLISH_PACK, ROOT, run_cli, write_pack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfread import text

from kit.errors import KitError


@pytest.fixture
def small_pack(tmp_path):
    return write_pack(tmp_path / "pack", ENGLISH_PACK)


def test_html_in_a_statement_prints_as_text(small_pack, tmp_path):
    target = small_pack / "statements.yaml"
    target.write_text(target.read_text().replace("text: Pupils notice calmer classrooms.", "text: '<b>Bold</b> <img src=\"file:///etc/passwd\">'"))
    result = run_cli("--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "sort-cards,answer-key")
    assert result.returncode == 0, result.stderr
    for product in ("sort-cards", "answer-key"):
        content = text(tmp_path / "out" / "staff-wellbeing" / f"{product}.pdf")
        assert "<b>Bold</b>" in content.replace("\r\n", " ").replace("\n", " ")


class _Counter(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_renderer_reads_no_local_file_and_calls_no_network():
    from kit.render import _layout

    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/x.png"
    html = (
        f'<link rel="attachment" href="file:///etc/passwd"><link rel="stylesheet" href="{url}">'
        f'<img src="{url}"><img src="file:///etc/passwd"><div style="background: url({url})">x</div>'
    )
    try:
        pdf = _layout(html, []).write_pdf()
    finally:
        server.shutdown()
    assert _Counter.hits == 0
    assert b"root:" not in pdf and b"/EmbeddedFile" not in pdf


def test_the_fetcher_allows_only_the_projects_layouts_and_fonts():
    from kit.render import FETCHER, LAYOUTS

    with pytest.raises(ValueError):
        FETCHER.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        FETCHER.fetch("http://example.org/image.png")
    with pytest.raises(ValueError):
        FETCHER.fetch((LAYOUTS / ".." / ".." / "etc" / "passwd").as_uri())
    assert FETCHER.fetch((LAYOUTS / "common" / "base.css").as_uri())


def test_a_pack_file_over_5_mb_is_refused(small_pack, tmp_path):
    (small_pack / "dialogue.yaml").write_text("# " + "x" * (5 * 1024 * 1024 + 10) + "\n[]\n")
    result = run_cli("--content", str(small_pack), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "dialogue.yaml" in result.stderr and "5 MB" in result.stderr


def test_more_than_5000_items_are_refused(small_pack, tmp_path):
    items = [{"id": f"s-{i}", "category": "drivers", "text": "A statement.", "source": "kit"} for i in range(5001)]
    (small_pack / "statements.yaml").write_text(yaml.safe_dump(items))
    result = run_cli("--content", str(small_pack), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "at most 5000" in result.stderr


def test_a_url_too_long_for_a_scannable_qr_code_is_refused(small_pack, tmp_path):
    target = small_pack / "pack.yaml"
    long_url = "https://example.org/" + "a" * 270
    target.write_text(target.read_text().replace("https://example.org/reports/staff-wellbeing-2024", long_url))
    result = run_cli("--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "sort-cards")
    assert result.returncode == 2 and "pack.yaml:" in result.stderr and "QR" in result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_as_a_pack_file_load_or_fail_with_a_message(tmp_path, data):
    from kit.loader import load_pack

    folder = write_pack(tmp_path / "fuzz", ENGLISH_PACK)
    (folder / "statements.yaml").write_bytes(data)
    try:
        load_pack(folder)
    except KitError as exc:
        assert "statements.yaml" in str(exc) or "pack" in str(exc)
        assert "\n" not in exc.one_line()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_builds_a_valid_pdf_or_fails_with_a_message(tmp_path_factory, words):
    from kit.context import Context, Options
    from kit.loader import load_pack
    from kit.products import get
    from kit.render import write_pdf

    folder = write_pack(tmp_path_factory.mktemp("any-text"), ENGLISH_PACK)
    items = yaml.safe_load((folder / "statements.yaml").read_text())
    items[0]["text"] = words
    cards = yaml.safe_load((folder / "dialogue.yaml").read_text())
    cards[0]["question"] = words
    (folder / "statements.yaml").write_text(yaml.safe_dump(items, allow_unicode=True))
    (folder / "dialogue.yaml").write_text(yaml.safe_dump(cards, allow_unicode=True))
    out = tmp_path_factory.mktemp("any-out")
    try:
        loaded = load_pack(folder)
        for product in ("sort-cards", "dialogue-cards"):
            target = out / f"{product}.pdf"
            write_pdf(get(product).build(Context(loaded, Options())).document, target)
            assert len(pypdf.PdfReader(target).pages) >= 2
    except KitError as exc:
        assert "\n" not in exc.one_line()
    assert not list(out.glob("*.part"))


def test_right_to_left_and_other_scripts_print_or_are_refused(small_pack, tmp_path):
    """Arabic, Hebrew, Greek and Cyrillic print with real glyphs (no .notdef,
    every letter in the text layer); CJK, which no shipped font has, is
    refused with the item and the characters named."""
    import unicodedata

    from pdfread import glyph_ids

    words = "التعلم الجماعي · למידה שיתופית · Συλλογική μάθηση · Совместное обучение"
    target = small_pack / "statements.yaml"
    original = target.read_text()
    target.write_text(original.replace("text: Pupils notice calmer classrooms.", f"text: '{words}'"))
    result = run_cli("--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "sort-cards")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / "staff-wellbeing" / "sort-cards.pdf"
    assert not [g for g in glyph_ids(pdf) if g[2] == 0]
    letters = lambda value: {c for c in unicodedata.normalize("NFKC", value) if unicodedata.category(c)[0] == "L"}  # noqa: E731
    assert letters(words) <= letters(text(pdf))

    target.write_text(original.replace("text: Pupils notice calmer classrooms.", "text: 'التعلم الجماعي · 集体学习'"))
    result = run_cli("--content", str(small_pack), "--out", str(tmp_path / "cjk"), "--only", "sort-cards")
    assert result.returncode == 2 and "statements.yaml" in result.stderr and "集 (U+96C6)" in result.stderr


def test_an_interrupted_build_leaves_earlier_pdfs_whole_and_the_next_build_repairs(small_pack, tmp_path):
    args = ["--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "dialogue-cards,sort-cards", "--jobs", "1"]
    assert run_cli(*args).returncode == 0
    out = tmp_path / "out" / "staff-wellbeing"
    before = {p.name: p.read_bytes() for p in out.glob("*.pdf")}
    for delay in (0.8, 1.6, 2.4):
        process = subprocess.Popen([sys.executable, str(ROOT / "generate.py"), *args, "--force"], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        for pdf in out.glob("*.pdf"):  # each PDF is the old one or a whole new one
            assert len(pypdf.PdfReader(pdf).pages) > 0
    # break a cache record the way a killed write could leave it
    (out / ".kit-cache" / "sort-cards.json").write_text("{")
    again = run_cli(*args)
    assert again.returncode == 0, again.stderr
    assert not list(out.glob(".*.part"))
    assert {p.name: p.read_bytes() for p in out.glob("*.pdf")} == before  # reproducible, so the same bytes
