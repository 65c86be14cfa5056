"""Fixtures: kits built once per session and read back.

The default kit is built by the real command line; the variants the print
tests read are built in this process (`build`), where the command line is
not what is being tested, and each variant only once (`sort_cards`)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PACK = ROOT / "content" / "collectief-leren"
sys.path.insert(0, str(Path(__file__).resolve().parent))

ALL_PRODUCTS = "dialogue-cards,sort-cards,poster,answer-key,worksheet,guide"

ENGLISH_PACK = {
    "pack.yaml": """\
id: staff-wellbeing
language: en
title: Staff wellbeing in small schools
subtitle: Cards for a team day
citation:
  text: "Doe, J., & Roe, R. (2024). Staff wellbeing in small schools. Final report. Leeds: Example Institute."
  short: Doe & Roe (2024)
authors: [Jane Doe, Richard Roe]
contacts:
  - name: Jane Doe
    email: jane.doe@example.org
report_url: https://example.org/reports/staff-wellbeing-2024
links:
  - label: Project page
    url: https://example.org/projects/wellbeing
""",
    "categories.yaml": """\
- id: drivers
  label: Drivers
  question: WHY
  definition: Drivers are the reasons staff give for taking part in wellbeing work.
  prompt: Which drivers do you recognise?
  source: report
- id: conditions
  label: Conditions
  question: HOW
  definition: Conditions make wellbeing work possible in a school.
  prompt: Which conditions do you recognise?
  prompt_context: Think of a recent term.
  source: report
- id: outcomes
  label: Outcomes
  question: WHAT FOR
  definition: Outcomes are what changes for staff and pupils.
  source: report
- id: risks
  label: Risks
  question: WHAT IF
  definition: Risks are what can make wellbeing work fail.
  source: kit
""",
    "statements.yaml": "\n".join(
        f"- id: st-{i:02d}\n  category: {cat}\n  text: {text}\n  source: {src}"
        for i, (cat, text, src) in enumerate(
            [
                ("drivers", "Teachers want to stay in the profession for longer.", "report"),
                ("drivers", "A colleague's burnout made the team stop and think.", "report"),
                ("conditions", "Protected time in the timetable for peer support.", "report"),
                ("conditions", "A head teacher who models taking breaks.", "report"),
                ("conditions", "Clear agreements about e-mail outside working hours.", "summary"),
                ("outcomes", "Fewer days of sick leave across the year.", "report"),
                ("outcomes", "Pupils notice calmer classrooms.", "report"),
                ("risks", "Wellbeing becomes one more task on the list.", "kit"),
            ],
            start=1,
        )
    )
    + "\n",
    "recommendations.yaml": "\n".join(
        f"- id: rec-{i}\n  title: Recommendation {i}\n  text: Schools should make step {i} of the plan visible to every member of staff.\n  source: report"
        for i in range(1, 6)
    )
    + "\n",
    "dialogue.yaml": """\
- id: d-1
  kind: question
  question: When did you last feel supported by a colleague?
  source: kit
- id: d-2
  kind: recommendation
  refers_to: rec-1
  text: Schools should make step 1 of the plan visible to every member of staff.
  question: What would that look like here?
  question_source: kit
  source: report
""",
}


def expected_codes(pack) -> dict[str, str]:
    """The codes the sort cards must show, by the rule the facilitator is told
    (written out here again, not taken from the kit): statements ordered by the
    SHA-256 of "<pack id>/<statement id>", numbered from 1, zero-padded to the
    width of the largest number and at least two digits."""
    ordered = sorted(pack.statements, key=lambda s: hashlib.sha256(f"{pack.id}/{s.id}".encode()).hexdigest())
    width = max(2, len(str(len(ordered))))
    return {statement.id: f"{number:0{width}d}" for number, statement in enumerate(ordered, start=1)}


def cards_by_code(pages, codes: dict[str, str]) -> dict[str, list]:
    """Statement id -> the front cards that show its code as a whole number."""
    import re

    found: dict[str, list] = {key: [] for key in codes}
    for page in pages:
        for card in page.cards:
            numbers = set(re.findall(r"\d+", card.text))
            for key, code in codes.items():
                if code in numbers:
                    found[key].append(card)
    return found


def write_pack(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "generate.py"), *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )


def build(pack: Path, out: Path, products: str, **options) -> Path:
    """Build in this process, one product after another: no interpreter to start, no pool."""
    from kit.build import build_kit
    from kit.context import Options

    results = build_kit(pack, out, products.split(","), Options(**options), jobs=1, force=True)
    failed = [r for r in results if r.status != "built"]
    assert not failed, failed
    return out


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
def default_kit(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("default-kit")
    result = run_cli("--out", str(out), "--only", ALL_PRODUCTS)
    assert result.returncode == 0, result.stderr
    return out / "collectief-leren"


@pytest.fixture(scope="session")
def letter_kit(tmp_path_factory) -> Path:
    return build(DEFAULT_PACK, tmp_path_factory.mktemp("letter-kit"), "dialogue-cards,sort-cards", paper="letter")


@pytest.fixture(scope="session")
def english_pack(tmp_path_factory) -> Path:
    return write_pack(tmp_path_factory.mktemp("packs") / "staff-wellbeing", ENGLISH_PACK)


@pytest.fixture(scope="session")
def english_kit(tmp_path_factory, english_pack) -> Path:
    out = tmp_path_factory.mktemp("english-kit")
    result = run_cli("--content", str(english_pack), "--out", str(out), "--only", ALL_PRODUCTS)
    assert result.returncode == 0, result.stderr
    return out / "staff-wellbeing"


@pytest.fixture
def pack_copy(tmp_path) -> Path:
    """A writable copy of the default pack, to break in a test."""
    target = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, target)
    return target
