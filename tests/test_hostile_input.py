"""A pack may come from someone else: it must not run code, read files or
call the network, and any text either builds or fails with a message.

The command line runs in this process (`cli`); a child only where a build is killed."""

from __future__ import annotations

import http.server
import os
import signal
import string
import subprocess
import sys
import threading
import time

import pypdf
import pytest
import yaml
from conftest import ENGLISH_PACK, GENERATE, alias_bomb, cli, write_pack
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pdfread import contains, text

from kit.errors import KitError


def test_html_in_a_statement_prints_as_text(small_pack, tmp_path):
    target = small_pack / "statements.yaml"
    target.write_text(target.read_text().replace("text: Pupils notice calmer classrooms.", "text: '<b>Bold</b> <img src=\"file:///etc/passwd\">'"))
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "sort-cards,answer-key")
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
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "dialogue.yaml" in result.stderr and "5 MB" in result.stderr


def test_more_items_than_the_limit_are_refused(small_pack, tmp_path):
    from kit.model import MAX_ITEMS, SECTION_LIMITS

    count = SECTION_LIMITS["statements"]
    items = [{"id": f"s-{i}", "category": "drivers", "text": "A statement.", "source": "kit"} for i in range(count)]
    (small_pack / "statements.yaml").write_text(yaml.safe_dump(items))
    guide = [{"title": f"Step {i}", "minutes": 5, "text": "Talk."} for i in range(MAX_ITEMS - count)]
    (small_pack / "guide.yaml").write_text(yaml.safe_dump(guide))
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and f"at most {MAX_ITEMS}" in result.stderr


def test_a_url_too_long_for_a_scannable_qr_code_is_refused(small_pack, tmp_path):
    target = small_pack / "pack.yaml"
    long_url = "https://example.org/" + "a" * 270
    target.write_text(target.read_text().replace("https://example.org/reports/staff-wellbeing-2024", long_url))
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "sort-cards")
    assert result.returncode == 2 and "pack.yaml:" in result.stderr and "QR" in result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_as_a_pack_file_load_or_fail_with_a_message(tmp_path, data):
    from kit.pack import load_pack

    folder = write_pack(tmp_path / "fuzz", ENGLISH_PACK)
    (folder / "statements.yaml").write_bytes(data)
    try:
        load_pack(folder)
    except KitError as exc:
        # only statements.yaml changed, so the message names it (the folder's own name says "pack")
        assert exc.file == str(folder / "statements.yaml"), exc.one_line()
        assert "\n" not in exc.one_line() and exc.one_line().isprintable()


# Text whose characters read back from a PDF as they were written (no shaping, no reordering).
PLAIN = set(string.ascii_letters + string.digits + " .,;:!?'()&<>/")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
@example("Pupils & <b>teachers</b> share plans: 'week 3'!")
def test_any_text_builds_a_valid_pdf_or_fails_with_a_message(tmp_path_factory, words):
    """Built as a build builds it (laid out, audited, written); when it is
    built, the words are in the PDF, read back."""
    from kit.build import Status, Task
    from kit.build.worker import render_product
    from kit.context import Options
    from kit.pack import load_pack

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
    except KitError as exc:  # refused as a pack: one line
        assert "\n" not in exc.one_line()
        return
    printed = " ".join(words.split())  # as the model keeps it
    plain = bool(printed) and set(printed) <= PLAIN
    for product in ("sort-cards", "dialogue-cards"):
        result = render_product(Task(loaded, out, product, Options(), "key"))
        if result.status == Status.ERROR:
            assert "\n" not in result.message and result.where is not None, result.message
            assert not plain, f"{product}: plain text of {len(printed)} characters refused: {result.message}"
            continue
        assert result.status == Status.BUILT, result.message
        target = out / f"{product}.pdf"
        assert len(pypdf.PdfReader(target).pages) >= 2
        if plain:
            assert contains(text(target), printed), f"{product}: {printed!r} is not printed"
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
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "sort-cards")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / "staff-wellbeing" / "sort-cards.pdf"
    assert not [g for g in glyph_ids(pdf) if g[2] == 0]
    letters = lambda value: {c for c in unicodedata.normalize("NFKC", value) if unicodedata.category(c)[0] == "L"}  # noqa: E731
    assert letters(words) <= letters(text(pdf))

    target.write_text(original.replace("text: Pupils notice calmer classrooms.", "text: 'التعلم الجماعي · 集体学习'"))
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "cjk"), "--only", "sort-cards")
    assert result.returncode == 2 and "statements.yaml" in result.stderr and "集 (U+96C6)" in result.stderr


def _kill_during_a_write(args, out, product):
    """Start a build and SIGKILL it while it is writing `product` (its .part file exists)."""
    process = subprocess.Popen([sys.executable, str(GENERATE), *args, "--force"], cwd=GENERATE.parent,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            parts = list(out.glob(f".{product}-*.pdf.part"))
            if parts and parts[0].stat().st_size > 0:
                process.send_signal(signal.SIGKILL)
                process.wait()
                return parts[0]
            time.sleep(0.002)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    raise AssertionError(f"the build ended before it was seen writing {product}")


def test_an_interrupted_build_leaves_earlier_pdfs_whole_and_the_next_build_repairs(small_pack, tmp_path):
    # enough cards that writing the deck takes a while (a two-card deck is written in less
    # time than the poll below can see); --jobs 1: the killed process is the writer. Every
    # product is written the same way (kit/build/worker.py), so one product stands for all.
    items = [{"id": f"s-{i}", "category": "drivers", "text": f"Statement number {i} about the team.", "source": "kit"}
             for i in range(100)]
    (small_pack / "statements.yaml").write_text(yaml.safe_dump(items))
    args = ["--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "sort-cards,alignment", "--jobs", "1"]
    assert cli(*args).returncode == 0
    out = tmp_path / "out" / "staff-wellbeing"
    before = {p.name: p.read_bytes() for p in out.glob("*.pdf")}
    part = _kill_during_a_write([*args[:4], "--only", "sort-cards", "--jobs", "1"], out, "sort-cards")
    assert part.exists()  # the kill did interrupt a write ...
    for pdf in out.glob("*.pdf"):  # ... and each PDF is still the old one or a whole new one
        assert pdf.read_bytes() == before[pdf.name] or len(pypdf.PdfReader(pdf).pages) > 0
    # break a cache record the way a killed write could leave it
    (out / ".kit-cache" / "sort-cards.json").write_text("{")
    again = cli(*args)
    assert again.returncode == 0, again.stderr
    assert not list(out.glob(".*.part"))
    assert {p.name: p.read_bytes() for p in out.glob("*.pdf")} == before  # reproducible, so the same bytes


# --- Hostile and clumsy packs: refused at once, in one line, naming the file ---


def _load_error(folder) -> KitError:
    from kit.pack import load_pack

    started = time.process_time()  # the work this process did: a loaded test machine does not inflate it
    with pytest.raises(KitError) as caught:
        load_pack(folder)
    assert time.process_time() - started < 1.0  # refused, not worked through
    assert "\n" not in caught.value.one_line() and caught.value.one_line().isprintable()
    return caught.value


@pytest.mark.parametrize("levels", [2, 7, 9])
def test_yaml_aliases_are_refused_at_once(small_pack, levels):
    pack = small_pack / "pack.yaml"
    pack.write_text(pack.read_text() + alias_bomb(levels))
    error = _load_error(small_pack)
    assert error.file == str(pack) and "alias" in error.detail
    assert error.line == ENGLISH_PACK["pack.yaml"].count("\n") + 2  # the first line with an alias


def test_a_merge_key_is_an_alias_too(small_pack):
    (small_pack / "statements.yaml").write_text(
        "- &base {id: a, category: drivers, text: One., source: kit}\n- <<: *base\n  id: b\n")
    error = _load_error(small_pack)
    assert error.file.endswith("statements.yaml") and error.line == 2


@pytest.mark.parametrize("depth", [25, 10_000, 200_000])
def test_deep_nesting_is_refused(small_pack, depth):
    # The kit's own bound or PyYAML's parser (6.0.4 and newer refuse deep
    # nesting themselves) may refuse first; either way the user is told
    # where, quickly, in one line.
    (small_pack / "statements.yaml").write_text("[" * depth + "]" * depth)
    error = _load_error(small_pack)
    assert error.file.endswith("statements.yaml") and error.line == 1
    assert "nest" in error.detail


def test_deep_nesting_exits_2_naming_the_file(small_pack, tmp_path):
    (small_pack / "statements.yaml").write_text("[" * 200_000 + "]" * 200_000)
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "statements.yaml" in result.stderr and "nest" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.pdf"))


def test_deep_block_nesting_is_refused(small_pack):
    (small_pack / "guide.yaml").write_text("".join("  " * i + "- \n" for i in range(30)))
    error = _load_error(small_pack)
    assert error.file.endswith("guide.yaml") and "nested" in error.detail


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_only_regular_files_are_read(small_pack, kind):
    target = small_pack / "statements.yaml"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dev-zero":
        target.symlink_to("/dev/zero")
    else:
        target.mkdir()
    error = _load_error(small_pack)
    assert error.file == str(target)
    assert ("folder" in error.detail) if kind == "folder" else ("not a regular file" in error.detail)


@pytest.mark.parametrize("content", ["", "\n\n", "# statements come later\n# (none yet)\n", "---\n"])
def test_an_empty_pack_file_is_an_error_not_an_empty_section(small_pack, content):
    (small_pack / "statements.yaml").write_text(content)
    error = _load_error(small_pack)
    assert error.file.endswith("statements.yaml") and "empty" in error.detail


def test_an_empty_pack_yaml_is_an_error(small_pack):
    (small_pack / "pack.yaml").write_text("# to do\n")
    error = _load_error(small_pack)
    assert error.file.endswith("pack.yaml") and "empty" in error.detail


def test_an_explicit_empty_list_is_a_section_the_pack_lacks(small_pack):
    from kit.pack import load_pack

    (small_pack / "dialogue.yaml").write_text("[]\n")
    assert load_pack(small_pack).pack.dialogue == []


def test_both_yml_and_yaml_are_named(small_pack):
    (small_pack / "statements.yml").write_text((small_pack / "statements.yaml").read_text())
    error = _load_error(small_pack)
    assert "statements.yaml" in error.detail and "statements.yml" in error.detail


def test_control_characters_in_file_names_are_escaped(small_pack, tmp_path):
    (small_pack / "notes\x1b[2J\x07.yaml").write_text("[]\n")
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "notes\\x1b[2J\\x07.yaml" in result.stderr


def test_an_unreadable_pack_file_is_bad_input(small_pack, monkeypatch):
    # root reads every file whatever its mode, so the refusal is simulated where the file is opened
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("statements.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    error = _load_error(small_pack)
    assert error.file.endswith("statements.yaml") and "Permission denied" in error.detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read any file")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_unreadable_pack_file_or_folder_exits_2(small_pack, tmp_path, what):
    target = small_pack / "statements.yaml" if what == "file" else small_pack
    target.chmod(0)
    try:
        result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"))
    finally:
        target.chmod(0o755)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_200_kb_statement_is_refused_naming_the_field(small_pack):
    items = yaml.safe_load((small_pack / "statements.yaml").read_text())
    items[2]["text"] = "word " * 40_000
    (small_pack / "statements.yaml").write_text(yaml.safe_dump(items, width=10**9))
    line = next(n for n, text in enumerate((small_pack / "statements.yaml").read_text().splitlines(), 1) if "word word" in text)
    error = _load_error(small_pack)
    assert error.file.endswith("statements.yaml") and error.line == line
    assert "statements[2].text is 200,000 characters" in error.detail and "at most 2,000" in error.detail


@pytest.mark.parametrize("section, entry", [
    ("guide", {"title": "Step", "minutes": 5, "text": "Talk."}),
    ("authors", "A. Author"),
])
def test_every_list_entry_counts_against_the_item_limit(small_pack, section, entry):
    from kit.model import MAX_ITEMS

    pack = yaml.safe_load((small_pack / "pack.yaml").read_text())
    pack[section] = [dict(entry) if isinstance(entry, dict) else entry for _ in range(MAX_ITEMS + 1)]
    (small_pack / "pack.yaml").write_text(yaml.safe_dump(pack))
    error = _load_error(small_pack)
    assert f"at most {MAX_ITEMS}" in error.detail


def test_case_questions_count_against_the_item_limit(small_pack):
    from kit.model import MAX_ITEMS

    cases = [{"id": "c-1", "title": "A case", "text": "What happened.", "source": "kit",
              "questions": ["Why?"] * MAX_ITEMS}]
    (small_pack / "cases.yaml").write_text(yaml.safe_dump(cases))
    error = _load_error(small_pack)
    assert f"at most {MAX_ITEMS}" in error.detail


def test_the_text_of_a_whole_pack_is_bounded(small_pack):
    from kit.model import MAX_TEXT_CHARS

    items = [{"id": f"s-{i}", "category": "drivers", "text": "x" * 900, "source": "kit"}
             for i in range(MAX_TEXT_CHARS // 900 + 1)]
    (small_pack / "statements.yaml").write_text(yaml.safe_dump(items))
    error = _load_error(small_pack)
    assert "characters of text" in error.detail


# --- Options the user typed: exit 2, one line ---


def _one_line_error(*args):
    result = cli(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.mark.parametrize("jobs", ["-1", "0"])
def test_jobs_below_one_is_bad_input(small_pack, tmp_path, jobs):
    assert "--jobs" in _one_line_error("--content", str(small_pack), "--out", str(tmp_path), "--jobs", jobs)


def test_only_naming_no_product_is_bad_input(small_pack, tmp_path):
    assert "--only" in _one_line_error("--content", str(small_pack), "--out", str(tmp_path), "--only", ",,,")


def test_out_that_is_a_file_is_bad_input(small_pack, tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF-")
    line = _one_line_error("--content", str(small_pack), "--out", str(target), "--only", "guide")
    assert str(target) in line and "not a folder" in line
    assert target.read_bytes() == b"%PDF-"


def test_out_that_cannot_be_written_is_bad_input(tmp_path, monkeypatch):
    from kit.build import lock

    monkeypatch.setattr(lock.os, "access", lambda path, mode: False)  # root may write anywhere
    with pytest.raises(KitError, match="cannot write in the output folder"), lock.locked(tmp_path / "out"):
        pass


def test_an_oversized_set_value_names_the_option(small_pack, tmp_path):
    line = _one_line_error("--content", str(small_pack), "--out", str(tmp_path), "--set", "school=" + "De Linde " * 50)
    assert "--set school=" in line and "pack.yaml" not in line


def test_pack_text_in_an_error_cannot_drive_the_terminal(small_pack, tmp_path):
    target = small_pack / "statements.yaml"
    target.write_text(target.read_text().replace("category: outcomes", 'category: "\\e[31mred\\e[0m"', 1))
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "\x1b" not in result.stderr


# --- Batches ---


def test_batch_rows_in_any_script_get_their_own_folders(tmp_path):
    from kit.batch import read_rows

    csv = tmp_path / "schools.csv"
    csv.write_text("school,team\n北京第一中学,A\nΕλληνικό Σχολείο,B\nШкола №5,C\nÉcole Sainte-Marie,D\n", encoding="utf-8")
    rows = read_rows(csv)
    assert [row.error for row in rows] == ["", "", "", ""]
    assert [row.slug for row in rows] == ["北京第一中学-a", "ελληνικο-σχολειο-b", "школа-no5-c", "ecole-sainte-marie-d"]


def test_a_batch_cell_over_the_field_limit_names_its_line(tmp_path):
    from kit.batch import read_rows

    csv = tmp_path / "schools.csv"
    csv.write_text("school,team\nDe Linde,A\nHet Anker," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(KitError) as caught:
        read_rows(csv)
    assert caught.value.line == 3 and caught.value.file == str(csv)


def test_a_long_batch_cell_is_a_bad_row_naming_line_and_column(tmp_path):
    from kit.batch import read_rows

    csv = tmp_path / "schools.csv"
    csv.write_text("school,team\nDe Linde,A\nHet Anker," + "x" * 500 + "\n", encoding="utf-8")
    rows = read_rows(csv)
    assert rows[0].error == "" and f"{csv}:3: column 'team'" in rows[1].error


def test_a_deck_longer_than_a_build_can_print_in_a_minute_is_refused(small_pack):
    from kit.model import SECTION_LIMITS

    limit = SECTION_LIMITS["dialogue"]
    cards = [{"id": f"d-{i}", "kind": "question", "question": "What would help?", "source": "kit"} for i in range(limit + 1)]
    (small_pack / "dialogue.yaml").write_text(yaml.safe_dump(cards))
    error = _load_error(small_pack)
    assert error.file.endswith("dialogue.yaml") and f"at most {limit}" in error.detail


def test_set_values_too_wide_for_the_about_card_are_named(small_pack, tmp_path):
    result = cli("--content", str(small_pack), "--out", str(tmp_path / "out"), "--only", "dialogue-cards",
                     "--jobs", "1", "--set", "school=" + "W" * 60, "--set", "team=" + "M" * 60)
    assert result.returncode == 2
    # the message names the option, never blames a pack item for it
    assert "--set school=" in result.stderr and "pack.yaml" not in result.stderr, result.stderr
