"""The facilitator's workflow: second pack, labels, batches, previews, init, watch."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time

from conftest import ENGLISH_PACK, ROOT, build, cli, write_pack
from pdfread import contains, text


def test_teamleren_pack_builds_what_it_can_and_says_what_it_leaves_out(tmp_path):
    result = cli("--content", "content/teamleren", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "teamleren"
    assert (out / "dialogue-cards.pdf").is_file() and (out / "guide.pdf").is_file()
    assert not (out / "sort-cards.pdf").exists()
    skipped = [line for line in result.stdout.splitlines() if "skipped" in line]
    assert any(line.startswith("sort-cards: skipped") for line in skipped)
    assert any(line.startswith("poster: skipped") for line in skipped)
    assert all(len(line) < 120 for line in skipped)
    deck = text(out / "dialogue-cards.pdf")
    assert contains(deck, "KempenKind") and contains(deck, "SKOzoK")


def test_lang_overrides_the_pack_language_for_every_printed_label(english_pack, tmp_path):
    result = cli("--content", str(english_pack), "--out", str(tmp_path), "--only", "sort-cards,dialogue-cards", "--lang", "nl")
    assert result.returncode == 0, result.stderr
    deck = text(tmp_path / "staff-wellbeing" / "dialogue-cards.pdf")
    assert "vraag voor het team" in deck.lower() and "question for the team" not in deck.lower()
    sort = text(tmp_path / "staff-wellbeing" / "sort-cards.pdf")
    assert "Print op ware grootte" in sort and "Print at actual size" not in sort


def test_unknown_lang_is_bad_input(tmp_path):
    result = cli("--out", str(tmp_path), "--lang", "xx")
    assert result.returncode == 2 and "no labels for language 'xx'" in result.stderr


def test_set_values_are_printed_on_the_kit(english_pack, tmp_path):
    result = cli("--content", str(english_pack), "--out", str(tmp_path), "--only", "dialogue-cards",
                     "--set", "school=Basisschool De Linde", "--set", "date=4 december 2026")
    assert result.returncode == 0, result.stderr
    deck = text(tmp_path / "staff-wellbeing" / "dialogue-cards.pdf")
    assert "Basisschool De Linde" in deck and "4 december 2026" in deck


def test_a_batch_of_three_schools_gives_three_personalised_kits(english_pack, tmp_path):
    csv = tmp_path / "schools.csv"
    csv.write_text("school,team,date\nDe Linde,Team A,2026-12-04\nHet Anker,,2026-12-11\n't Klavertje,Lager,2027-01-08\n", encoding="utf-8")
    result = cli("--content", str(english_pack), "--out", str(tmp_path / "out"), "--only", "dialogue-cards",
                     "--batch", str(csv), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    folders = {p.name: p for p in (tmp_path / "out" / "staff-wellbeing").iterdir() if p.is_dir()}
    assert set(folders) == {"de-linde-team-a-2026-12-04", "het-anker-2026-12-11", "t-klavertje-lager-2027-01-08"}
    for name, school in [("de-linde-team-a-2026-12-04", "De Linde"), ("het-anker-2026-12-11", "Het Anker"), ("t-klavertje-lager-2027-01-08", "'t Klavertje")]:
        assert school in text(folders[name] / "dialogue-cards.pdf")


def test_a_bad_batch_row_is_reported_by_line_and_the_others_build(english_pack, tmp_path):
    csv = tmp_path / "schools.csv"
    csv.write_text("school,team,date\nDe Linde,Team A,2026-12-04\nHet Anker,B,2026-12-11,extra\nDe Linde,Team A,2026-12-04\n", encoding="utf-8")
    result = cli("--content", str(english_pack), "--out", str(tmp_path / "out"), "--only", "sort-cards", "--batch", str(csv))
    assert result.returncode == 2
    assert "schools.csv:3:" in result.stderr and "schools.csv:4:" in result.stderr
    folders = [p.name for p in (tmp_path / "out" / "staff-wellbeing").iterdir() if p.is_dir()]
    assert folders == ["de-linde-team-a-2026-12-04"]
    assert (tmp_path / "out" / "staff-wellbeing" / "de-linde-team-a-2026-12-04" / "sort-cards.pdf").is_file()


def test_preview_writes_every_page_and_a_contact_sheet(english_pack, tmp_path):
    result = cli("--content", str(english_pack), "--out", str(tmp_path), "--only", "sort-cards", "--preview")
    assert result.returncode == 0, result.stderr
    preview = tmp_path / "staff-wellbeing" / "preview"
    import pypdf

    pages = len(pypdf.PdfReader(tmp_path / "staff-wellbeing" / "sort-cards.pdf").pages)
    assert len(list(preview.glob("sort-cards-p*.png"))) == pages
    assert (preview / "sort-cards-contact.png").stat().st_size > 1000


def test_init_writes_a_pack_that_builds_as_it_is(tmp_path):
    result = cli("init", str(tmp_path / "My Study"))
    assert result.returncode == 0, result.stderr
    build(tmp_path / "My Study", tmp_path / "out", "dialogue-cards,sort-cards,poster,answer-key")
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 4


def test_format_docs_and_schema_are_generated_from_the_models():
    from kit.schema import DOC, SCHEMA, json_schema, markdown

    assert DOC.read_text(encoding="utf-8") == markdown(), "run: python generate.py docs"
    assert SCHEMA.read_text(encoding="utf-8") == json_schema(), "run: python generate.py docs"
    assert "statements" in SCHEMA.read_text(encoding="utf-8")


def _state(paths):
    """What a rewrite would change: the file's inode, its time and its bytes."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in paths}


def test_no_op_rebuild_renders_nothing_and_force_renders_all(english_pack, tmp_path):
    args = ("--content", str(english_pack), "--out", str(tmp_path / "out"), "--only", "sort-cards,answer-key")
    assert cli(*args).returncode == 0
    pdfs = [tmp_path / "out" / "staff-wellbeing" / f"{name}.pdf" for name in ("sort-cards", "answer-key")]
    before = _state(pdfs)
    again = cli(*args)
    assert again.returncode == 0, again.stderr
    assert _state(pdfs) == before  # not written again, not even touched
    assert again.stdout.count("(unchanged)") == 2
    forced = cli(*args, "--force")
    assert forced.returncode == 0, forced.stderr
    after = _state(pdfs)
    for name, (inode, mtime, data) in before.items():
        assert after[name][:2] != (inode, mtime), name  # written anew (a new file put in place)
        assert after[name][2] == data, name  # to the same bytes
    assert "(unchanged)" not in forced.stdout


class _Lines:
    """A child's output, read by a thread: waiting for a line has a deadline,
    so a watcher that goes quiet fails the test instead of hanging the suite."""

    def __init__(self, process: subprocess.Popen):
        self.seen: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)  # the child closed its output: it has stopped

    def wait_for(self, word: str, count: int = 1, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while sum(word in line for line in self.seen) < count:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {word!r} within {seconds} s; output:\n" + "".join(self.seen)) from None
            if line is None:
                raise AssertionError(f"stopped before {word!r}; output:\n" + "".join(self.seen))
            self.seen.append(line)


def test_watch_rebuilds_what_changed(tmp_path):
    pack = write_pack(tmp_path / "pack", ENGLISH_PACK)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "generate.py"), "--content", str(pack), "--out", str(tmp_path / "out"),
         "--only", "sort-cards", "--watch", "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},  # a pipe is not a terminal: see each line as it is printed
    )
    try:
        lines = _Lines(process)
        lines.wait_for("rebuilt sort-cards")
        pdf = tmp_path / "out" / "staff-wellbeing" / "sort-cards.pdf"
        first = pdf.stat().st_mtime_ns
        time.sleep(1.1)
        target = pack / "statements.yaml"
        target.write_text(target.read_text().replace("Pupils notice calmer classrooms.", "Pupils notice calm."))
        lines.wait_for("rebuilt sort-cards", count=2)
        assert pdf.stat().st_mtime_ns != first
        assert contains(text(pdf), "Pupils notice calm.") and not contains(text(pdf), "calmer classrooms")
    finally:
        process.kill()
        process.wait()


def test_help_names_every_product_and_what_each_exit_status_means():
    from kit.products import ids

    result = cli("--help")
    assert result.returncode == 0 and result.stdout.startswith("usage: generate.py")
    words = " ".join(result.stdout.split())
    assert all(product in words for product in ids())
    assert "Exit status: 0 done, 2 bad input (the message names the file and line), 130 interrupted" in words


def test_an_option_value_argparse_refuses_is_exit_2_naming_the_option(tmp_path):
    result = cli("--out", str(tmp_path), "--paper", "a5")
    assert result.returncode == 2
    last = result.stderr.splitlines()[-1]
    assert last.startswith("generate.py: error: argument --paper: invalid choice: 'a5'") and "letter" in last, last
    assert not list(tmp_path.rglob("*.pdf"))
