"""What the tests share: the English test pack, writing and editing packs,
the command line in this process (`cli`) or in a child (`run_cli`), builds in
this process (`build`), a large deck, hostile YAML, and folders built once for
all of pytest-xdist's workers (`shared_folder`).

`conftest.py` imports these names, so `from conftest import ...` keeps working."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PACK = ROOT / "content" / "collectief-leren"
TEAMLEREN = ROOT / "content" / "teamleren"
GENERATE = ROOT / "generate.py"

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


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a pack file; the text to replace must be there (a test never edits nothing)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The number of the first line of `path` holding `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in {path}")


@dataclass
class Ran:
    """What a command printed and its exit status (the fields of a CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str, jobs: bool = True) -> Ran:
    """The command line run in this process: `kit.cli.main(argv)`, its output captured.

    For what needs no process of its own (refusals, --help, what a build
    prints); a child (`run_cli`) stays for signals, exit statuses a process
    gives, and isolation. Run from the repository as `run_cli` is, named
    generate.py in its messages, and with `--jobs 1` unless the test gives
    --jobs or `jobs=False` (a pool's workers would each start an interpreter:
    the pool is tested where it is the point)."""
    from kit.cli import main

    argv = [str(arg) for arg in args]
    if jobs and "--jobs" not in argv and (not argv or argv[0].startswith("-")):
        argv += ["--jobs", "1"]
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = [str(GENERATE), *argv]
    try:
        with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: --help, --version, an option it refuses
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
    return Ran(code, out.getvalue(), err.getvalue())


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command line in a child process of its own, as a user starts it."""
    return subprocess.run(
        [sys.executable, str(GENERATE), *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )


def build_results(pack: Path, out: Path, products: str, **options) -> dict:
    """Product id -> Result of a build in this process, one product after another."""
    from kit.build import build_kit
    from kit.context import Options

    results = build_kit(pack, out, products.split(","), Options(**options), jobs=1, force=True)
    return {r.product: r for r in results}


def build(pack: Path, out: Path, products: str, **options) -> Path:
    """Build in this process, one product after another: no interpreter to start, no pool."""
    results = build_results(pack, out, products, **options)
    failed = [r for r in results.values() if r.status != "built"]
    assert not failed, failed
    return out


CATEGORIES = ["drivers", "conditions", "outcomes", "risks"]


def letters(number: int) -> str:
    """A name for item `number` without digits (a digit could pass for a card's code)."""
    return chr(65 + number % 26) + chr(65 + number // 26 % 26)


LARGE_DECK = 185  # statements: 46 pages of poker cards, laid out in two chunks


def big_pack(folder: Path, statements: int = LARGE_DECK) -> Path:
    """The English pack with a sort deck of more than 40 pages (laid out in chunks)."""
    write_pack(folder, ENGLISH_PACK)
    items = [{"id": f"s-{i:03d}", "category": CATEGORIES[i % 4],
              "text": f"Statement {letters(i)} about what the team does together.", "source": "kit"}
             for i in range(statements)]
    (folder / "statements.yaml").write_text(yaml.safe_dump(items))
    return folder


def alias_bomb(levels: int) -> str:
    """The classic 'billion laughs': each level repeats the one below nine times."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def shared_folder(tmp_path_factory, name: str, make) -> Path:
    """A folder filled once by `make(folder)` for the whole run: under
    pytest-xdist, the first worker to ask builds it while the others wait,
    then all read it. Only for what tests read and never change."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    folder = root / f"shared-{name}"
    with open(root / f"shared-{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".complete").exists():
            shutil.rmtree(folder, ignore_errors=True)  # of a worker whose build failed
            folder.mkdir()
            make(folder)
            (folder / ".complete").touch()
    return folder


def _tracked_tree(target: Path) -> Path:
    """The repository as a clone has it: the wheel must not depend on untracked files."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    files = [f for f in listed.decode().split("\0") if f]
    if not files:  # not a git checkout (an unpacked sdist): take the folders the wheel maps in
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    for name in files:
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def run_in(args, cwd, env, timeout=240) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def install_wheel(base: Path) -> None:
    """Builds the wheel from the tracked files and installs it into `base/venv`
    (no dependencies: they are read from this environment's site-packages)."""
    source = _tracked_tree(base / "src")
    wheels = base / "wheels"
    # uv where the README's commands installed it (a third of pip's time), pip otherwise
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    build = [uv, "build", "--wheel", "-q", "-o"] if uv else [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w"]
    built = run_in([*build, wheels, source], cwd=base, env=None)
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("findings_kit-*.whl"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # bytecode written now (pip does by default): with PYTHONDONTWRITEBYTECODE set, each run would compile the kit
    install = [uv, "pip", "install", "--compile-bytecode"] if uv else [sys.executable, "-m", "pip", "install"]
    done = run_in([*install, "--python", python, "--no-deps", "--no-index", "-q", wheel], cwd=base, env=None)
    assert done.returncode == 0, done.stderr
    # The dependencies (WeasyPrint, ...) come from this environment's site-packages, read as a
    # plain folder: the .pth files there (an editable install of the checkout) are not run.
    site = Path(run_in([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                       cwd=base, env=None).stdout.strip())
    (site / "shared-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")


def installed_env(base: Path) -> tuple[Path, dict]:
    """(the installed `findings-kit` command, the environment that runs it) of `install_wheel(base)`."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{base / 'venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return base / "venv" / "bin" / "findings-kit", env
