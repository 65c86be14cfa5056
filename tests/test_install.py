"""The installed command works from any folder: the wheel carries the layouts, labels, fonts and packs.

The wheel is built from the tracked files and installed (no dependencies:
they are taken from this environment) into a fresh virtual environment
outside the repository, once for the run (`conftest.installed`); the run's
default kit is that command's build from an empty folder (`default_kit`).
"""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from conftest import run_in

from kit.products import default_ids

pytestmark = pytest.mark.install


def test_the_installed_command_runs_the_installed_kit(installed, tmp_path):
    command, env = installed
    python = command.parent / "python"
    where = run_in([python, "-c", "import kit; print(kit.__file__)"], cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(command.parent.parent), where  # not the checkout


def test_installed_command_builds_the_default_kit_from_an_empty_folder(default_kit):
    # the run's default kit is the installed command's build (conftest.default_kit)
    run = default_kit.parents[1]
    assert sorted(p.name for p in run.iterdir()) == ["output"]
    for product in (p for p in default_ids() if p != "case-cards"):  # the default pack has no cases
        assert (default_kit / f"{product}.pdf").stat().st_size > 1000, product
    assert len(pypdf.PdfReader(default_kit / "dialogue-cards.pdf").pages) > 1


def test_installed_command_starts_and_builds_packs_in_any_folder(installed, tmp_path):
    command, env = installed
    # a spreadsheet pack
    result = run_in([str(command), "init", "--xlsx", "findings.xlsx"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    result = run_in([str(command), "--content", "findings.xlsx", "--only", "answer-key"], cwd=tmp_path,
                  env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "findings" / "answer-key.pdf").is_file()
    # a YAML pack
    result = run_in([str(command), "init", "my-pack"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    result = run_in([str(command), "--content", "./my-pack", "--only", "poster", "--lang", "fr"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "my-pack" / "poster.pdf").is_file()
    # a shipped pack to a workbook
    result = run_in([str(command), "export", "teamleren", "team.xlsx"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    # the developer command says what it is for
    result = run_in([str(command), "docs"], cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "checkout" in result.stderr and "Traceback" not in result.stderr
