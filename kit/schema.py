"""The pack format's documentation and JSON Schema, generated from the same
pydantic models that validate packs, so they cannot drift apart."""

from __future__ import annotations

import json
import typing
from pathlib import Path

from pydantic import BaseModel

from .html import environment
from .model import SECTION_FILES, Pack
from .paths import DOCS

DOC = DOCS / "content-format.md"
SCHEMA = DOCS / "pack.schema.json"


def json_schema() -> str:
    schema = Pack.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Content pack (pack.yaml)"
    # Read beside the model, by kit/pack_labels.py, against the English table.
    schema["properties"]["labels"] = {
        "type": "object",
        "title": "Labels",
        "description": "The pack's own wording of what the kit prints itself, key by key "
        "(`findings-kit labels LANG FILE` lists every key); or a labels.yaml file in the pack folder.",
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _type_name(annotation) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (list, tuple):
        return f"list of {_type_name(args[0])}"
    if origin in (typing.Union, getattr(__import__('types'), 'UnionType', None)):
        return " or ".join(_type_name(a) for a in args)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    if isinstance(annotation, type) and hasattr(annotation, "__members__"):
        return " / ".join(f"`{m.value}`" for m in annotation)
    return getattr(annotation, "__name__", str(annotation))


def _models() -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []

    def visit(model):
        if model in seen:
            return
        seen.append(model)
        for field in model.model_fields.values():
            for arg in typing.get_args(field.annotation) + (field.annotation,):
                for inner in typing.get_args(arg) + (arg,):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        visit(inner)

    visit(Pack)
    return seen


def tables() -> list[dict]:
    out = []
    for model in _models():
        rows = []
        for name, field in model.model_fields.items():
            rows.append(
                {
                    "name": name,
                    "type": _type_name(field.annotation),
                    "required": field.is_required(),
                    "description": (field.description or "").replace("|", "\\|"),
                }
            )
        out.append({"name": model.__name__, "doc": (model.__doc__ or "").strip().split("\n\n")[0], "rows": rows})
    return out


def markdown() -> str:
    template = environment().from_string((DOCS / "content-format.md.j2").read_text(encoding="utf-8"))
    return template.render(models=tables(), sections=SECTION_FILES)


def write_docs() -> list[Path]:
    DOC.write_text(markdown(), encoding="utf-8")
    SCHEMA.write_text(json_schema(), encoding="utf-8")
    return [DOC, SCHEMA]
