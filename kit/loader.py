"""Content YAML -> validated `Pack`, with file and line for every error.

A pack is a folder: `pack.yaml` holds the metadata and may hold every
section; a section may instead live in a file of its own named after it
(`statements.yaml`, ...). YAML is parsed once into nodes, so that any
pydantic error can be traced back to the line it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import KitError
from .model import SECTION_FILES, Pack, PathError

MAX_FILE_BYTES = 5 * 1024 * 1024
# libyaml's parser where PyYAML has it (ten times faster); both only build plain data.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PACK_FILE = "pack.yaml"


@dataclass
class LoadedPack:
    pack: Pack
    folder: Path
    files: list[Path]
    # (section, index, field...) -> (file, line) for error messages after loading
    lines: dict[tuple, tuple[Path, int]] = field(default_factory=dict)

    def where(self, path: tuple) -> tuple[Path, int | None]:
        return _lookup(self.lines, path, self.folder / PACK_FILE)

    def where_item(self, item_id: str) -> tuple[Path, int | None]:
        """File and line of the item with this id (for fit errors)."""
        for section in SECTION_FILES:
            for index, entry in enumerate(getattr(self.pack, section, [])):
                if getattr(entry, "id", None) == item_id:
                    return self.where((section, index))
        return self.folder / PACK_FILE, None


def _lookup(lines, path, default_file):
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), (default_file, None))


def _parse(file: Path):
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise KitError(f"cannot read: {exc.strerror}", file) from None
    if size > MAX_FILE_BYTES:
        raise KitError(f"file is {size / 1e6:.1f} MB; a pack file may be at most 5 MB", file)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KitError(f"not UTF-8 text (byte {exc.start})", file) from None
    try:
        loader = SAFE_LOADER(text)
    except yaml.YAMLError as exc:  # a character YAML does not allow, seen before parsing
        raise KitError(f"invalid YAML: {getattr(exc, 'reason', exc)}", file, _line_at(text, getattr(exc, "position", 0))) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _refuse_duplicate_keys(node, file)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise KitError(f"invalid YAML: {problem}", file, mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise KitError(f"invalid YAML: {exc}", file) from None
    finally:
        loader.dispose()
    return data, node


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _refuse_duplicate_keys(node, file):
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise KitError(f"key {key.value!r} appears twice", file, key.start_mark.line + 1)
                seen.add(key.value)
            _refuse_duplicate_keys(value, file)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_duplicate_keys(item, file)


def _record_lines(node, file, prefix, lines):
    lines[prefix] = (file, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = prefix + (key.value,)
            lines[path] = (file, key.start_mark.line + 1)
            if isinstance(value, (yaml.MappingNode, yaml.SequenceNode)):
                _record_lines(value, file, path, lines)
                lines[path] = (file, key.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, file, prefix + (index,), lines)


def _describe(error: dict) -> tuple[tuple, str]:
    loc = tuple(error["loc"])
    kind = error["type"]
    exc = (error.get("ctx") or {}).get("error")
    if isinstance(exc, PathError):
        return loc + exc.path, str(exc)
    if kind == "extra_forbidden":
        return loc, f"unknown field {loc[-1]!r}" + (f" in {_name(loc[:-1])}" if len(loc) > 1 else "")
    if kind == "missing":
        return loc, f"missing field {loc[-1]!r}" + (f" in {_name(loc[:-1])}" if len(loc) > 1 else "")
    message = error["msg"]
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
    if kind == "string_pattern_mismatch" and loc and loc[-1] in ("id", "category", "refers_to"):
        message = "ids are lower-case letters, digits and dashes"
    return loc, f"{_name(loc)}: {message}" if loc else message


def _name(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out


def load_pack(folder: Path | str) -> LoadedPack:
    folder = Path(folder)
    from .workbook import is_table_pack, load_table_pack  # a .xlsx workbook or a folder of CSV files

    if is_table_pack(folder):
        return load_table_pack(folder)
    if not folder.is_dir():
        raise KitError("content pack folder not found", folder)
    main_file = folder / PACK_FILE
    if not main_file.is_file():
        raise KitError(f"not a content pack: {PACK_FILE} is missing", folder)

    lines: dict[tuple, tuple[Path, int]] = {}
    data, node = _parse(main_file)
    if not isinstance(data, dict):
        raise KitError("pack.yaml must be a mapping of fields (id:, title:, ...)", main_file, 1)
    _record_lines(node, main_file, (), lines)
    files = [main_file]

    for file in sorted(folder.glob("*.y*ml")):
        if file.name == PACK_FILE:
            continue
        section = file.stem
        if section not in SECTION_FILES:
            raise KitError(
                f"unknown pack file; section files are named {', '.join(s + '.yaml' for s in SECTION_FILES)}",
                file,
            )
        if section in data:
            raise KitError(f"section {section!r} is also given in {PACK_FILE}; keep it in one place", file)
        section_data, section_node = _parse(file)
        if section_data is None:
            continue
        if not isinstance(section_data, list):
            raise KitError(f"{file.name} must be a list of items (each starting with '- ')", file, 1)
        data[section] = section_data
        _record_lines(section_node, file, (section,), lines)
        files.append(file)

    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        path, message = _describe(exc.errors()[0])
        file, line = _lookup(lines, path, main_file)
        raise KitError(message, file, line) from None
    return LoadedPack(pack=pack, folder=folder, files=files, lines=lines)
