"""The pydantic models seen as flat spreadsheet columns.

A nested field is named with a dot (`citation.text`); a list is numbered from
1 (`authors.1`, `questions.2`). Read from the models, so a field added to
`kit/model.py` needs no change here.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import Enum

from pydantic import BaseModel

from ..model import Pack
from ..suggest import did_you_mean

# Numbered columns written for a list even when the pack uses fewer, so there is room to add one.
SPARE_LIST_COLUMNS = 3


def _strip_annotation(annotation):
    """(kind, inner): kind is model, list, enum, int, float, bool or str."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
            continue
        break
    if origin in (list, tuple):
        return "list", typing.get_args(annotation)[0]
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "model", annotation
        if issubclass(annotation, Enum):
            return "enum", annotation
        if issubclass(annotation, bool):
            return "bool", annotation
        if issubclass(annotation, int):
            return "int", annotation
        if issubclass(annotation, float):
            return "float", annotation
    return "str", annotation


def list_sections() -> list[str]:
    """The pack's fields that are lists of items: one sheet each."""
    out = []
    for name, info in Pack.model_fields.items():
        kind, inner = _strip_annotation(info.annotation)
        if kind == "list" and _strip_annotation(inner)[0] == "model":
            out.append(name)
    return out


def item_model(section: str) -> type[BaseModel]:
    return _strip_annotation(_strip_annotation(Pack.model_fields[section].annotation)[1])[1]


def ordered_fields(model: type[BaseModel]) -> list[str]:
    """`id` first, the model's own fields next, inherited ones (source, ...) last."""
    inherited = set()
    for base in model.__mro__[1:]:
        if isinstance(base, type) and issubclass(base, BaseModel):
            inherited |= set(getattr(base, "model_fields", {}))
    own = [n for n in model.model_fields if n not in inherited]
    names = own + [n for n in model.model_fields if n in inherited]
    return sorted(names, key=lambda n: n != "id")


@dataclass
class Leaf:
    kind: str  # enum, int, float, bool, str
    annotation: object
    required: bool
    description: str


def leaf(model: type[BaseModel], parts: list[str]) -> Leaf:
    """The field a flat column name (`citation.text`, `questions.2`) stands for; ValueError if none."""
    required = True
    current = model
    index = 0
    while index < len(parts):
        name = parts[index]
        info = current.model_fields.get(name) if isinstance(current, type) else None
        if info is None:
            hint = did_you_mean(name, list(current.model_fields)) if isinstance(current, type) else ""
            raise ValueError(f"unknown field {'.'.join(parts[: index + 1])!r}{hint}")
        required = required and info.is_required()
        kind, inner = _strip_annotation(info.annotation)
        index += 1
        while kind == "list":
            if index >= len(parts) or not parts[index].isdigit() or int(parts[index]) < 1:
                raise ValueError(
                    f"{'.'.join(parts[:index])!r} is a list: number it "
                    f"{'.'.join(parts[:index])}.1, {'.'.join(parts[:index])}.2, ..."
                )
            index += 1
            required = False
            kind, inner = _strip_annotation(inner)
        if kind == "model":
            if index >= len(parts):
                names = ", ".join(f"{'.'.join(parts)}.{n}" for n in ordered_fields(inner))
                raise ValueError(f"{'.'.join(parts)!r} has parts: use the columns {names}")
            current = inner
            continue
        if index != len(parts):
            raise ValueError(f"unknown field {'.'.join(parts)!r}")
        return Leaf(kind, inner, required, info.description or "")
    raise ValueError(f"unknown field {'.'.join(parts)!r}")


def columns(model: type[BaseModel], items: list[dict], prefix: str = "") -> list[str]:
    """Flat column names for `items` of `model`: every field, lists numbered as far as needed."""
    out = []
    for name in ordered_fields(model):
        kind, inner = _strip_annotation(model.model_fields[name].annotation)
        key = prefix + name
        values = [item.get(name) for item in items if isinstance(item, dict)]
        if kind == "model":
            out += columns(inner, [v for v in values if isinstance(v, dict)], key + ".")
        elif kind == "list":
            count = max([len(v) for v in values if isinstance(v, list)] + [0])
            inner_kind, inner_model = _strip_annotation(inner)
            if inner_kind == "model":
                nested = [x for v in values if isinstance(v, list) for x in v]
                for n in range(1, max(count, 1) + 1):
                    out += columns(inner_model, nested, f"{key}.{n}.")
            else:
                out += [f"{key}.{n}" for n in range(1, max(count, SPARE_LIST_COLUMNS) + 1)]
        else:
            out.append(key)
    return out


def flatten(value, prefix: str, out: dict) -> dict:
    if isinstance(value, dict):
        for key, inner in value.items():
            flatten(inner, f"{prefix}{key}.", out)
    elif isinstance(value, list):
        for n, inner in enumerate(value, start=1):
            flatten(inner, f"{prefix}{n}.", out)
    elif value is not None:
        out[prefix[:-1]] = value
    return out
