"""The house rules of kit/: no module imports one that imports it back (directly
or around a loop), and none is over 400 lines. Read from the source, imports
inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

KIT = ROOT / "kit"
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for path in KIT.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The kit modules `name` imports: `from .x import y` counts as kit.x.y when that is a module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            for alias in node.names:
                inner = f"{target}.{alias.name}"
                found.add(inner if inner in modules else target)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {module for module in found if module in modules and module != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_of_the_kit_imports_one_that_imports_it_back():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert "kit.pack.dispatch" in graph["kit.pack"] and "kit.build.worker" in graph["kit.build.pool"]  # read right
    assert not _cycles(graph)


def test_the_cycle_finder_finds_a_loop():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_of_the_kit_is_over_400_lines():
    long = {name: n for name, path in _modules().items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules: {long}"


def test_every_package_of_the_kit_is_in_the_wheel():
    """A package missing from pyproject's list works from the checkout and breaks the installed tool."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "kit").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def _twice(tree: ast.Module) -> list[str]:
    seen, twice = set(), []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in seen:
                twice.append(f"{node.name} (line {node.lineno})")
            seen.add(node.name)
    return twice


def test_no_module_of_the_kit_defines_a_function_twice():
    # a second definition silently replaces the first: --watch once called the
    # no-op's _snapshot with the watch loop's arguments
    found = {name: _twice(ast.parse(path.read_text(encoding="utf-8"))) for name, path in _modules().items()}
    assert not {name: twice for name, twice in found.items() if twice}


def test_the_twice_finder_finds_a_second_definition():
    assert _twice(ast.parse("def a(): pass\ndef b(): pass\ndef a(x): pass\n")) == ["a (line 3)"]
