"""A pack's own label table: `labels.yaml` in the pack folder, a `labels`
section in pack.yaml, or a `labels` sheet (key, value) in a workbook.

Checked where it is read, against the English table: an unknown key (a
typo would silently fall back to English) and a value whose placeholders
differ from the English text's stop the build, naming the file and line
(or the sheet, row and column).
"""

from __future__ import annotations

import string
from collections.abc import Callable

from .errors import KitError
from .labels import english

# Where an error points: the path of keys inside the table -> (file, line).
Where = Callable[[tuple], tuple[object, int | None]]


def step_fields() -> dict[str, type]:
    """The fields a step of the session (the `default_guide` list) may have,
    and their types: those of the English table's steps."""
    fields: dict[str, type] = {}
    for step in english()["default_guide"]:
        for name, value in step.items():
            fields.setdefault(name, type(value))
    return fields


def placeholders(text: str) -> set[str]:
    """'page {n} of {total}' -> {'n', 'total'}; ValueError for a lone brace."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def check(data, where: Where) -> dict:
    """A pack's label table, checked against the English one; returns it as read."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        file, line = where(())
        raise KitError("labels must be a table of key: text (page_of: \"page {n} of {total}\", ...)", file, line)
    _check_table(data, english(), (), where)
    return data


def _check_table(data: dict, reference: dict, path: tuple, where: Where) -> None:
    for key, value in data.items():
        here = path + (key,)
        name = ".".join(str(p) for p in here)
        if key not in reference:
            file, line = where(here)
            close = _close_to(str(key), reference)
            hint = f"; did you mean {close!r}?" if close else "; the keys are listed by `findings-kit labels LANG FILE`"
            raise KitError(f"unknown label {name!r}{hint}", file, line)
        wanted = reference[key]
        if isinstance(wanted, dict):
            if not isinstance(value, dict):
                file, line = where(here)
                raise KitError(f"label {name!r} is a table of its own ({', '.join(wanted)}): give each entry", file, line)
            _check_table(value, wanted, here, where)
        elif isinstance(wanted, list):
            _check_steps(value, here, where)
        else:
            _check_text(value, wanted, here, where)


def _check_text(value, english_text: str, path: tuple, where: Where) -> None:
    name = ".".join(str(p) for p in path)
    file, line = where(path)
    if not isinstance(value, str) or not value.strip():
        raise KitError(f"label {name!r} must be text", file, line)
    try:
        given = placeholders(value)
    except ValueError:
        raise KitError(f"label {name!r} has a brace without its pair; write placeholders as {{name}}", file, line) from None
    wanted = placeholders(english_text)
    if given != wanted:
        expected = ", ".join(f"{{{p}}}" for p in sorted(wanted)) or "none"
        found = ", ".join(f"{{{p}}}" for p in sorted(given)) or "none"
        raise KitError(f"label {name!r} must hold the placeholders {expected} as the English text does "
                       f"({english_text!r}), not {found}", file, line)


def _check_steps(value, path: tuple, where: Where) -> None:
    """`default_guide`: the steps of the session a pack without steps of its own gets."""
    name = ".".join(str(p) for p in path)
    if not isinstance(value, list) or not value:
        file, line = where(path)
        raise KitError(f"label {name!r} is a list of steps, each with title, minutes and text", file, line)
    for index, step in enumerate(value):
        here = path + (index,)
        file, line = where(here)
        if not isinstance(step, dict):
            raise KitError(f"step {index + 1} of {name!r} must have title, minutes and text", file, line)
        for field in ("title", "minutes", "text"):
            if field not in step:
                raise KitError(f"step {index + 1} of {name!r} lacks {field}", file, line)
        for field, kind in step.items():
            if field not in step_fields():
                file, line = where(here + (field,))
                raise KitError(f"unknown field {field!r} in step {index + 1} of {name!r}; "
                               f"a step has {', '.join(step_fields())}", file, line)
            if not isinstance(kind, step_fields()[field]) or isinstance(kind, bool):
                file, line = where(here + (field,))
                raise KitError(f"{field} of step {index + 1} of {name!r} must be "
                               f"{'a whole number' if step_fields()[field] is int else 'text'}", file, line)


def _close_to(key: str, reference: dict) -> str | None:
    import difflib

    found = difflib.get_close_matches(key, [str(k) for k in reference], n=1, cutoff=0.75)
    return found[0] if found else None


def from_rows(rows: list[tuple[str, object, object]]) -> tuple[dict, dict]:
    """A `labels` sheet's (key, value, where) rows -> the nested table and, per
    key path, the cell it came from. `sources.report` is entry `report` of
    `sources`; `default_guide.2.title` the title of the second step."""
    table: dict = {}
    cells: dict = {(): None}
    for key, value, where in rows:
        parts = [p.strip() for p in key.split(".")]
        node, path = table, ()
        if not all(parts):
            raise KitError(f"label {key!r}: an empty part between dots", where)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            part = int(part) - 1 if part.isdigit() and path == ("default_guide",) else part
            if isinstance(part, int) and part < 0:
                raise KitError(f"steps of {key.split('.')[0]!r} are numbered from 1", where)
            if not isinstance(node, dict):
                raise KitError(f"label {'.'.join(parts[:index])!r} is text; {key!r} cannot also be given", where)
            path += (part,)
            cells[path] = where
            if last:
                if isinstance(node, dict) and part in node:
                    raise KitError(f"label {key!r} is given twice", where)
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(table), cells


def _lists(node):
    """Numbered entries ({0: ..., 1: ...}) -> a list, in their order."""
    if isinstance(node, dict):
        if node and all(isinstance(k, int) for k in node):
            return [_lists(node[k]) for k in sorted(node)]
        return {k: _lists(v) for k, v in node.items()}
    return node
