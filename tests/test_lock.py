"""What a fresh clone installs is what was tested: the README's commands and
CI install the locks, and the locks satisfy pyproject.toml's ranges."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT
from packaging.requirements import Requirement


def _pins(lock: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        found = re.match(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)", line)
        if found:
            pins[re.sub(r"[-_.]+", "-", found[1]).lower()] = found[2]
    return pins


def _requirements(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    return [Requirement(text) for text in listed]


def test_every_dependency_is_pinned_within_its_range_with_hashes():
    for lock, extra in (("kit.txt", None), ("test.txt", "test")):
        pins = _pins(lock)
        for requirement in _requirements(extra):
            name = re.sub(r"[-_.]+", "-", requirement.name).lower()
            assert name in pins, f"{requirement.name} is not in requirements/{lock}: run .ci/lock"
            assert requirement.specifier.contains(pins[name], prereleases=True), (
                f"requirements/{lock} pins {name}=={pins[name]}, outside {requirement.specifier}: run .ci/lock")
        text = (ROOT / "requirements" / lock).read_text()
        blocks = [block for block in re.split(r"\n(?=[a-z])", text) if "==" in block]
        unhashed = [block.split()[0] for block in blocks if "--hash=sha256:" not in block]
        assert not unhashed, f"requirements/{lock} has pins without hashes: {unhashed}"


def test_ci_runs_the_readme_test_command_with_the_lock():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    commands = re.findall(r"```sh\n(apt-get .*?)\n```", readme)
    build, test = commands[0], commands[1]
    assert "--require-hashes -r requirements/kit.txt" in build
    assert "--require-hashes -r requirements/test.txt" in test
    assert test.replace("apt-get", "$SUDO apt-get") in ci
