"""The installed command works from any folder: the wheel carries the layouts, labels, fonts and packs.

Builds the wheel from the tracked files, installs it (no dependencies: they
are taken from this environment) into a fresh virtual environment outside the
repository, and runs `findings-kit` from an empty folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.install


def _run(args, cwd, env, timeout=240) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


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


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("install")
    source = _tracked_tree(base / "src")
    wheels = base / "wheels"
    # uv where the README's commands installed it (a third of pip's time), pip otherwise
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    build = [uv, "build", "--wheel", "-q", "-o"] if uv else [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w"]
    built = _run([*build, str(wheels), str(source)], cwd=base, env=None)
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("findings_kit-*.whl"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # bytecode written now (pip does by default): with PYTHONDONTWRITEBYTECODE set, each run would compile the kit
    install = [uv, "pip", "install", "--compile-bytecode"] if uv else [sys.executable, "-m", "pip", "install"]
    done = _run([*install, "--python", str(python), "--no-deps", "--no-index", "-q", str(wheel)], cwd=base, env=None)
    assert done.returncode == 0, done.stderr
    # The dependencies (WeasyPrint, ...) come from this environment's site-packages, read as a
    # plain folder: the .pth files there (an editable install of the checkout) are not run.
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=base, env=None).stdout.strip())
    (site / "shared-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = _run([str(python), "-c", "import kit; print(kit.__file__)"], cwd=base, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), where  # the installed kit, not the checkout
    return venv / "bin" / "findings-kit", env


def test_installed_command_builds_the_default_kit_from_an_empty_folder(installed, tmp_path):
    command, env = installed
    result = _run([str(command), "--content", "collectief-leren", "--jobs", "2"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "output" / "collectief-leren"
    for product in ("dialogue-cards", "sort-cards", "poster", "answer-key", "worksheet", "guide"):
        assert (out / f"{product}.pdf").stat().st_size > 1000, product
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_installed_command_starts_and_builds_packs_in_any_folder(installed, tmp_path):
    command, env = installed
    # a spreadsheet pack
    result = _run([str(command), "init", "--xlsx", "findings.xlsx"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    result = _run([str(command), "--content", "findings.xlsx", "--only", "answer-key"], cwd=tmp_path,
                  env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "findings" / "answer-key.pdf").is_file()
    # a YAML pack
    result = _run([str(command), "init", "my-pack"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    result = _run([str(command), "--content", "./my-pack", "--only", "poster", "--lang", "fr"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "my-pack" / "poster.pdf").is_file()
    # a shipped pack to a workbook
    result = _run([str(command), "export", "teamleren", "team.xlsx"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    # the developer command says what it is for
    result = _run([str(command), "docs"], cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "checkout" in result.stderr and "Traceback" not in result.stderr
