"""'Did you mean ...?' for a misspelt field of a pack.

pydantic reports `sourc: report` as two errors, a missing `source` and an
unknown `sourc`, the missing one first; the unknown one is what the user
typed, so it is the one reported, with the known field it is closest to.
"""

from __future__ import annotations

import difflib
import types
import typing

from pydantic import BaseModel


def first_error(errors: list[dict]) -> dict:
    """The error to report: the first, unless an unknown field sits next to it."""
    first = errors[0]
    parent = tuple(first["loc"])[:-1]
    for error in errors:
        if error["type"] == "extra_forbidden" and tuple(error["loc"])[:-1] == parent:
            return error
    return first


def _inner(annotation):
    """The model or list a field holds, without Annotated, Optional and unions."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = (models or args)[0]
        else:
            return annotation


def fields_at(model: type[BaseModel], path: tuple) -> list[str]:
    """The field names of the model found at `path` (('statements', 3) -> a statement's)."""
    current = model
    for part in path:
        current = _inner(current)
        if isinstance(part, int):
            if typing.get_origin(current) not in (list, tuple):
                return []
            current = typing.get_args(current)[0]
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        current = current.model_fields[part].annotation
    current = _inner(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def did_you_mean(name: str, known: list[str]) -> str:
    """" (did you mean 'source'?)" for a close known name, else ""."""
    close = difflib.get_close_matches(str(name).lower(), known, n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown_field_hint(model: type[BaseModel], loc: tuple) -> str:
    return did_you_mean(loc[-1], fields_at(model, loc[:-1])) if loc else ""
