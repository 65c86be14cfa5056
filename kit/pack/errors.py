"""A pydantic error of a pack, in the kit's words, with the item path it names.

Shared by YAML and table packs; where the path is in the user's files is
for `loaded` to say (a line, or a cell).
"""

from __future__ import annotations

from ..model import Pack, PathError
from ..suggest import unknown_field_hint


def error_path(error: dict) -> tuple[tuple, str | None]:
    """The item path of a pydantic error, and its message when a check of the
    model named the item itself (`PathError`)."""
    loc = tuple(error["loc"])
    exc = (error.get("ctx") or {}).get("error")
    if isinstance(exc, PathError):
        return loc + exc.path, str(exc)
    return loc, None


def plain_message(error: dict) -> str:
    """A pydantic error's message, in the kit's words where pydantic's would puzzle."""
    message = error["msg"]
    if error["type"] == "value_error":
        message = message.removeprefix("Value error, ")
    loc = error["loc"]
    if error["type"] == "string_pattern_mismatch" and loc and loc[-1] in ("id", "category", "refers_to"):
        message = "ids are lower-case letters, digits and dashes"
    return message


def describe(error: dict) -> tuple[tuple, str]:
    """(item path, message) for an error in a YAML pack: the message names the field."""
    loc, given = error_path(error)
    if given:
        return loc, given
    kind = error["type"]
    if kind == "extra_forbidden":
        return loc, (f"unknown field {loc[-1]!r}" + (f" in {dotted_name(loc[:-1])}" if len(loc) > 1 else "")
                     + unknown_field_hint(Pack, loc))
    if kind == "missing":
        return loc, f"missing field {loc[-1]!r}" + (f" in {dotted_name(loc[:-1])}" if len(loc) > 1 else "")
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        length = len(error.get("input") or "")
        return loc, f"{dotted_name(loc)} is {length:,} characters; at most {limit:,} fit where it is printed: shorten it"
    message = plain_message(error)
    return loc, f"{dotted_name(loc)}: {message}" if loc else message


def describe_cell(error: dict) -> tuple[tuple, str]:
    """(item path, message) for an error in a table pack: the cell it names says sheet, row and column."""
    loc, given = error_path(error)
    if given:
        return loc, given
    if error["type"] == "missing":
        return loc, "field required"
    return loc, plain_message(error)


def dotted_name(loc: tuple) -> str:
    """statements[3].citation.text"""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out


def column_name(path: tuple) -> str:
    """A path as a spreadsheet column names it, lists counted from 1: citation.text, questions.2"""
    return ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in path)
