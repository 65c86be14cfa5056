"""Fixtures: kits built once per session and read back.

The default kit and the English kit are built by the real command line, in a
child, once for all of pytest-xdist's workers (`shared_folder`); the variants
the print tests read are built in this process (`build`), where the command
line is not what is being tested, and each variant only once (`sort_cards`).
What the tests share beyond fixtures is in `helpers.py` (imported here, so
`from conftest import ...` keeps working)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import (  # noqa: E402,F401 - re-exported for `from conftest import ...`
    ALL_PRODUCTS,
    CATEGORIES,
    DEFAULT_PACK,
    ENGLISH_PACK,
    GENERATE,
    LARGE_DECK,
    ROOT,
    TEAMLEREN,
    Ran,
    alias_bomb,
    big_pack,
    build,
    build_results,
    cards_by_code,
    cli,
    expected_codes,
    install_wheel,
    installed_env,
    letters,
    line_of,
    replace_in,
    run_cli,
    run_in,
    shared_folder,
    write_pack,
)

CHROMIUM = Path("/usr/bin/chromium")
# Debian's chromium (apt), driven by Playwright, which cannot download its own browser here.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Tests that need a browser are marked `browser` (deselect with -m "not browser") and skip
    where Debian's chromium is not installed; CI installs it and runs them."""
    missing = pytest.mark.skip(reason="Debian's chromium is not installed (/usr/bin/chromium); CI installs it")
    for item in items:
        if "browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(missing)
    # The long tests first: pytest-xdist's workers then end on short ones together, instead of
    # one waiting while the other finishes a build that started last.
    items.sort(key=lambda item: not (item.get_closest_marker("slow") or item.get_closest_marker("install")))


@pytest.fixture(scope="session")
def sort_cards(tmp_path_factory, english_pack):
    """sort_cards(**options) -> the English pack's sort-cards.pdf with those options, built once."""
    built: dict[tuple, Path] = {}

    def get(**options) -> Path:
        key = tuple(sorted(options.items()))
        if key not in built:
            out = tmp_path_factory.mktemp("sort-cards")
            built[key] = build(english_pack, out, "sort-cards", **options) / "sort-cards.pdf"
        return built[key]

    return get


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> tuple[Path, dict]:
    """(command, environment): the wheel built from the tracked files, installed into a
    fresh virtual environment outside the repository, once for the whole run."""
    return installed_env(shared_folder(tmp_path_factory, "install", install_wheel))


@pytest.fixture(scope="session")
def default_kit(tmp_path_factory, installed) -> Path:
    """The default pack's default products, built as the README's first command does:
    by the installed command, from an empty folder (`run/`), with its pool's workers."""
    command, env = installed

    def make(folder):
        (folder / "run").mkdir()
        result = run_in([command, "--content", "collectief-leren", "--jobs", "2"], cwd=folder / "run", env=env)
        assert result.returncode == 0, result.stderr

    return shared_folder(tmp_path_factory, "default-kit", make) / "run" / "output" / "collectief-leren"


# The --set keys the products print, each given a sentinel in `marked_kit`.
KEYS = ("school", "team", "date", "facilitator", "name", "room", "start")


def sentinel(key: str) -> str:
    return "13:47" if key == "start" else f"Zq{key.capitalize()}Mark"  # a start time must be a time


@pytest.fixture(scope="session")
def marked_kit(tmp_path_factory):
    """(output folder, Options): every product of the default pack with a sentinel for
    each --set key (and the case cards from teamleren, in `cases/`: the default pack
    has none), built once for all xdist workers."""
    from kit.build import build_kit
    from kit.context import Options
    from kit.products import ids

    options = Options(values=tuple((key, sentinel(key)) for key in KEYS))

    def make(out):
        # one job: in a test process, which has loaded WeasyPrint, a pool's workers are
        # spawned and each imports the kit again (6 s more CPU for the same PDFs)
        results = build_kit(DEFAULT_PACK, out, list(ids()), options, jobs=1)
        assert all(r.status == "built" or r.product == "case-cards" for r in results), \
            [(r.product, r.message) for r in results]
        cases = build_kit(TEAMLEREN, out / "cases", ["case-cards"], options, jobs=1)
        assert cases[0].status == "built", cases[0].message

    return shared_folder(tmp_path_factory, "marked-kit", make), options


@pytest.fixture(scope="session")
def letter_kit(tmp_path_factory) -> Path:
    return shared_folder(tmp_path_factory, "letter-kit",
                         lambda out: build(DEFAULT_PACK, out, "dialogue-cards,sort-cards", paper="letter"))


@pytest.fixture(scope="session")
def english_pack(tmp_path_factory) -> Path:
    """The English test pack, to read (a test that edits a pack takes `small_pack`)."""
    return shared_folder(tmp_path_factory, "packs", lambda folder: write_pack(folder / "staff-wellbeing", ENGLISH_PACK)
                         ) / "staff-wellbeing"


@pytest.fixture(scope="session")
def english_kit(tmp_path_factory, english_pack) -> Path:
    """The English pack's six products, built by the command line in a child."""

    def make(out):
        result = run_cli("--content", str(english_pack), "--out", str(out), "--only", ALL_PRODUCTS)
        assert result.returncode == 0, result.stderr

    return shared_folder(tmp_path_factory, "english-kit", make) / "staff-wellbeing"


@pytest.fixture
def small_pack(tmp_path) -> Path:
    """A writable copy of the English test pack, to change in a test."""
    return write_pack(tmp_path / "pack", ENGLISH_PACK)


@pytest.fixture
def pack_copy(tmp_path) -> Path:
    """A writable copy of the default pack, to break in a test."""
    target = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, target)
    return target


@pytest.fixture(scope="session")
def large_deck(tmp_path_factory) -> Path:
    """The English pack with a sort deck of 185 statements (46 pages: laid out in chunks), to read."""
    return shared_folder(tmp_path_factory, "large-deck", lambda folder: big_pack(folder / "staff-wellbeing")
                         ) / "staff-wellbeing"


@pytest.fixture(scope="session")
def large_deck_pdfs(tmp_path_factory, large_deck) -> dict[str, Path]:
    """The large deck's sort-cards.pdf, built once each way for the whole run:
    "cli" by the command line in a child with two processes (its parts rendered
    in a pool's workers and joined), "here" in this process with one job, at
    the same time as the child."""

    def make(folder):
        child = subprocess.Popen(
            [sys.executable, str(GENERATE), "--content", str(large_deck), "--out", str(folder / "cli"),
             "--only", "sort-cards", "--jobs", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            here = build_results(large_deck, folder / "here" / "staff-wellbeing", "sort-cards")["sort-cards"]
            assert here.status == "built", here.message
            # what the one process laid out, for the tests that count it
            (folder / "here.json").write_text(json.dumps({"pages": here.pages, "laid_out": here.laid_out}))
        finally:
            _, errors = child.communicate(timeout=900)
        assert child.returncode == 0, errors

    folder = shared_folder(tmp_path_factory, "large-deck-pdfs", make)
    return {name: folder / name / "staff-wellbeing" / "sort-cards.pdf" for name in ("cli", "here")}


@pytest.fixture(scope="session")
def large_deck_counts(large_deck_pdfs) -> dict[str, int]:
    """Pages and pages laid out of the large deck built in one process ("here")."""
    return json.loads((large_deck_pdfs["here"].parents[2] / "here.json").read_text())


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session (per xdist worker), shared by the page and screen tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Shots:
    """`shots(page, "name.png", **options)`: a screenshot of every state, to be looked at,
    taken when $KIT_SCREENSHOTS names a folder for them (each costs the browser 0.1 to
    0.4 s, about 10 s a run, for pictures nobody sees in a temporary folder)."""

    def __init__(self, folder: str | None):
        self.folder = Path(folder) if folder else None
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str, **options) -> None:
        if self.folder:
            page.screenshot(path=str(self.folder / name), **options)

    def note(self, name: str, text: str) -> None:
        """A figure written beside the screenshots (the rebuild's seconds)."""
        if self.folder:
            (self.folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def shots() -> Shots:
    return Shots(os.environ.get("KIT_SCREENSHOTS"))


@pytest.fixture(scope="session")
def web_server():
    """(base URL, app) of one real uvicorn server for the session (per xdist worker)."""
    from web_server import running_server

    with running_server() as (base, app):
        yield base, app
