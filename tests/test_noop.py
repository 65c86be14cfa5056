"""A rebuild that has nothing to do says so at once, without loading the pack
or importing the renderer; anything a build reads or wrote that changed
makes it build again, and then it renders exactly what changed.

Each run is a real command line, in a copy of the kit (so that its layouts,
fonts, label tables and version can be edited), that reports which of the
heavy modules it imported."""

from __future__ import annotations

import compileall
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, cli

HEAVY = ("weasyprint", "jinja2", "pydantic", "qrcode", "openpyxl", "rich", "pypdf")
pytestmark = pytest.mark.slow  # a real command line in a child per run
PRODUCTS = "results-sheet,alignment,case-cards"  # one prints the school, one prints no --set value, one is skipped
# Runs the command line and then says (on stderr's last line) which heavy modules it imported.
RUNNER = (
    "import sys\n"
    "from kit.cli import main\n"
    "code = main(sys.argv[1:])\n"
    f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})\n"
    "print('imported:', ','.join(heavy), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@pytest.fixture(scope="module")
def kit_copy(tmp_path_factory) -> Path:
    """The kit as a checkout of its own: its files may be edited without touching this one."""
    root = tmp_path_factory.mktemp("kit-copy")
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("kit", "layouts"):
        shutil.copytree(ROOT / folder, root / folder, ignore=ignore)
    shutil.copytree(ROOT / "content" / "collectief-leren", root / "pack")
    # Bytecode once here, not in every child (PYTHONDONTWRITEBYTECODE may be set): a child
    # compiling the kit's modules takes longer than the build it runs.
    compileall.compile_dir(root / "kit", quiet=1)
    return root


class Run:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.stdout = proc.stdout
        *rest, last = proc.stderr.rstrip("\n").split("\n")
        assert last.startswith("imported:"), proc.stderr
        self.stderr = "\n".join(rest)
        self.imported = set(filter(None, last.split(":", 1)[1].strip().split(",")))

    @property
    def rendered(self) -> set[str]:
        """The products this run rendered (reported with seconds, not 'unchanged')."""
        return {Path(line.split(":", 1)[0]).stem for line in self.stdout.splitlines()
                if ": " in line and line.rstrip().endswith(" s)")}

    @property
    def fast(self) -> bool:
        """Answered without loading the pack or importing the renderer's companions."""
        return not self.imported & {"weasyprint", "jinja2", "pydantic", "qrcode"}


def kit(root: Path, *args, env: dict | None = None) -> Run:
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment.update(PYTHONPATH=str(root), **(env or {}))
    proc = subprocess.run([sys.executable, "-c", RUNNER, *map(str, args)], cwd=root, env=environment,
                          capture_output=True, text=True, timeout=600)
    return Run(proc)


def build(root: Path, *args, **kw) -> Run:
    run = kit(root, "--content", "pack", "--out", "out", "--only", PRODUCTS, "--jobs", "1", *args, **kw)
    assert run.code == 0, run.stderr
    return run


def settle(root: Path, *args, **kw) -> Run:
    """Build, then check that the same command again is a no-op answered at once."""
    build(root, *args, **kw)
    again = build(root, *args, **kw)
    assert again.fast and not again.rendered, (again.imported, again.stdout)
    return again


def test_a_no_op_imports_nothing_heavy_and_says_what_is_up_to_date(kit_copy):
    forced = build(kit_copy, "--force")  # --force renders everything it is asked for
    assert not forced.fast and forced.rendered == {"results-sheet", "alignment"}
    slow = build(kit_copy)  # the ordinary way decides it has nothing to do ...
    assert not slow.rendered
    fast = build(kit_copy)  # ... and from then on it is answered from the manifest
    assert fast.fast, fast.imported
    assert not fast.imported, f"a no-op imported {fast.imported}"
    assert fast.code == 0
    assert fast.stdout == slow.stdout  # the same lines, in the same order
    assert "results-sheet.pdf: 1 page" in fast.stdout and "(unchanged)" in fast.stdout
    assert "case-cards: skipped, the pack has no cases" in fast.stdout
    # --verbose and --jobs change no PDF: still a no-op
    assert build(kit_copy, "--verbose", "--jobs", "2").fast
    # argparse's abbreviation of --force is --force, for the manifest's quick answer too
    abbreviated = build(kit_copy, "--forc")
    assert not abbreviated.fast and abbreviated.rendered == {"results-sheet", "alignment"}


def test_a_changed_pack_file_renders_again(kit_copy):
    settle(kit_copy)
    pack = kit_copy / "pack" / "pack.yaml"
    pack.write_text(pack.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    run = build(kit_copy)
    assert not run.fast
    assert run.rendered == {"results-sheet", "alignment"}  # every product's fingerprint holds the pack's files
    assert build(kit_copy).fast


def test_a_new_file_in_the_pack_folder_is_seen(kit_copy):
    settle(kit_copy)
    extra = kit_copy / "pack" / "cases.yaml"
    shutil.copy(ROOT / "content" / "teamleren" / "cases.yaml", extra)
    try:
        run = kit(kit_copy, "--content", "pack", "--out", "out", "--only", PRODUCTS, "--jobs", "1")
        assert not run.fast
        # the case cards are made of it (this pack's long URL makes their QR code too small: said, exit 2)
        assert "case-cards: skipped" not in run.stdout and "case-cards" in run.stdout + run.stderr
    finally:
        extra.unlink()
    run = build(kit_copy)
    assert "case-cards: skipped" in run.stdout and not run.fast


def test_changed_options_and_set_values_render_what_prints_them(kit_copy):
    settle(kit_copy, "--set", "school=De Linde")
    run = build(kit_copy, "--set", "school=Het Anker")
    assert not run.fast
    assert run.rendered == {"results-sheet"}  # the alignment sheet prints no school
    settle(kit_copy, "--set", "school=Het Anker")
    run = build(kit_copy, "--set", "school=Het Anker", "--paper", "letter")
    assert not run.fast and run.rendered == {"results-sheet", "alignment"}


def test_a_deleted_or_edited_output_renders_it_again(kit_copy):
    settle(kit_copy)
    out = kit_copy / "out" / "collectief-leren"
    (out / "alignment.pdf").unlink()
    run = build(kit_copy)
    assert not run.fast and run.rendered == {"alignment"}
    settle(kit_copy)
    pdf = out / "results-sheet.pdf"
    data = bytearray(pdf.read_bytes())
    data[-10] ^= 1  # the same size, one bit changed
    pdf.write_bytes(bytes(data))
    run = build(kit_copy)
    assert not run.fast and run.rendered == {"results-sheet"}
    settle(kit_copy)
    (out / ".kit-cache" / "alignment.json").unlink()  # a record gone: the PDF cannot be trusted
    run = build(kit_copy)
    assert not run.fast and run.rendered == {"alignment"}


def test_a_changed_kit_file_renders_again(kit_copy):
    """Each of the kit's own files a build reads, edited in turn (the version, a
    font, ...): the next build renders again, and the one after is a no-op."""
    settle(kit_copy)
    for edit in ("stylesheet", "label table", "font", "version", "source date"):
        env = None
        if edit == "stylesheet":
            css = kit_copy / "layouts" / "results-sheet" / "style.css"
            css.write_text(css.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
        elif edit == "label table":
            labels = kit_copy / "layouts" / "labels" / "nl.yaml"
            labels.write_text(labels.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        elif edit == "font":
            fonts = sorted((kit_copy / "kit" / "fonts").rglob("*.ttf"))
            fonts[0].write_bytes(fonts[0].read_bytes())  # the same bytes: no change ...
            assert build(kit_copy).fast  # ... is still a no-op
            fonts[0].write_bytes(fonts[0].read_bytes() + b"\0")
        elif edit == "version":
            init = kit_copy / "kit" / "__init__.py"
            init.write_text(init.read_text(encoding="utf-8").replace('__version__ = "', '__version__ = "9.'),
                            encoding="utf-8")
        else:
            env = {"SOURCE_DATE_EPOCH": "1700000000"}
        run = build(kit_copy, env=env)
        assert not run.fast, edit
        # a product's own stylesheet is its own; the rest is read by every product
        assert run.rendered == ({"results-sheet"} if edit == "stylesheet" else {"results-sheet", "alignment"}), edit
        assert build(kit_copy, env=env).fast, edit


def test_a_workbook_pack_changed_renders_again(kit_copy, tmp_path):
    def export(pack: Path, workbook: Path) -> None:  # in this process: the command line's export is not the point
        made = cli("export", pack, workbook)
        assert made.returncode == 0, made.stderr

    workbook = tmp_path / "findings.xlsx"
    export(kit_copy / "pack", workbook)
    args = ("--content", workbook, "--out", "out-xlsx", "--only", "results-sheet", "--jobs", "1")
    assert kit(kit_copy, *args).code == 0
    assert kit(kit_copy, *args).fast
    retitled = shutil.copytree(kit_copy / "pack", tmp_path / "retitled")
    main_file = retitled / "pack.yaml"
    main_file.write_text(main_file.read_text(encoding="utf-8").replace("title: ", "title: Nieuw - ", 1), encoding="utf-8")
    export(retitled, tmp_path / "retitled.xlsx")
    os.replace(tmp_path / "retitled.xlsx", workbook)
    run = kit(kit_copy, *args)
    assert run.code == 0 and not run.fast
    assert run.rendered == {"results-sheet"}
    assert kit(kit_copy, *args).fast


def test_a_build_with_an_error_is_never_replayed(kit_copy):
    settle(kit_copy)
    pack = kit_copy / "pack" / "pack.yaml"
    good = pack.read_text(encoding="utf-8")
    pack.write_text(good + "\nnot: [closed\n", encoding="utf-8")
    try:
        for _ in range(2):
            run = kit(kit_copy, "--content", "pack", "--out", "out", "--only", PRODUCTS, "--jobs", "1")
            assert run.code == 2 and "pack.yaml" in run.stderr
    finally:
        pack.write_text(good, encoding="utf-8")
