"""Content YAML -> validated `Pack`, with file and line for every error.

A pack is a folder: `pack.yaml` holds the metadata and may hold every
section; a section may instead live in a file of its own named after it
(`statements.yaml`, ...). YAML is parsed once into nodes, so that any
pydantic error can be traced back to the line it came from.
"""

from __future__ import annotations

import gc
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import KitError
from .model import MAX_ITEMS, SECTION_FILES, Pack, PathError
from .suggest import first_error, unknown_field_hint

MAX_FILE_BYTES = 5 * 1024 * 1024
# libyaml's parser where PyYAML has it (ten times faster); both only build plain data.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PACK_FILE = "pack.yaml"
LABELS_KEY = "labels"  # labels.yaml, or a `labels` section of pack.yaml: the pack's own label table
# A pack needs 4 levels (pack > cases > case > questions); the rest is room for mistakes.
MAX_DEPTH = 20
# Values (keys, texts, lists) in one file: room for MAX_ITEMS items of the largest kind; it stops
# a file of millions of tiny values before they are all built.
MAX_NODES = 50 * MAX_ITEMS


@dataclass
class LoadedPack:
    pack: Pack
    folder: Path
    files: list[Path]
    # (section, index, field...) -> (file, line) for error messages after loading
    lines: dict[tuple, tuple[Path, int]] = field(default_factory=dict)
    labels: dict = field(default_factory=dict)  # the pack's own labels (kit/pack_labels.py), checked

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


def _read(file: Path) -> bytes:
    """The bytes of a pack file: a regular file of at most 5 MB, nothing else.

    A FIFO would block, a device reports size 0 and never ends, a folder is
    not text: each is refused before it is opened for reading.
    """
    try:
        info = os.stat(file)
    except OSError as exc:
        raise KitError(f"cannot read: {exc.strerror}", file) from None
    if stat.S_ISDIR(info.st_mode):
        raise KitError("is a folder, not a file", file)
    if not stat.S_ISREG(info.st_mode):
        raise KitError("not a regular file (a device, pipe or socket); a pack file must be a plain text file", file)
    if info.st_size > MAX_FILE_BYTES:
        raise KitError(f"file is {info.st_size / 1e6:.1f} MB; a pack file may be at most 5 MB", file)
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since stat(), open() must not hang.
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise KitError(f"cannot read: {exc.strerror}", file) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise KitError("not a regular file; a pack file must be a plain text file", file)
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise KitError(f"cannot read: {exc.strerror}", file) from None
    if len(data) > MAX_FILE_BYTES:
        raise KitError("file is over 5 MB; a pack file may be at most 5 MB", file)
    return data


def _parse(file: Path):
    """(data, node) of a pack file; (None, None) when it holds no YAML at all."""
    data = _read(file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KitError(f"not UTF-8 text (byte {exc.start})", file) from None
    try:
        loader = SAFE_LOADER(text)
    except yaml.YAMLError as exc:  # a character YAML does not allow, seen before parsing
        raise KitError(f"invalid YAML: {getattr(exc, 'reason', exc)}", file, _line_at(text, getattr(exc, "position", 0))) from None
    collecting = gc.isenabled()
    gc.disable()  # the node tree holds no cycles; collecting while it grows costs more than building it
    try:
        node = _compose(loader, file)
        if node is None:
            return None, None
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise KitError(f"invalid YAML: {problem}", file, mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise KitError(f"invalid YAML: {exc}", file) from None
    finally:
        loader.dispose()
        if collecting:
            gc.enable()
    return data, node


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _compose(loader, file: Path):
    """The document's node tree, built from the parser's events without recursion.

    Replaces PyYAML's composer, which follows aliases (a few hundred bytes of
    nested aliases expand to gigabytes) and recurses once per level (libyaml's
    crashes the process on deep nesting). Here an alias is refused where it
    stands, nesting is bounded, and a key given twice in a mapping is refused.
    """
    stack: list[list] = []  # [node, seen keys, pending key]
    root = None
    documents = count = 0
    while loader.check_event():
        event = loader.get_event()
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise KitError("more than one YAML document (a second '---'); a pack file holds one", file, line)
            continue
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            continue
        if isinstance(event, yaml.AliasEvent):
            raise KitError(f"alias *{event.anchor} refused: a pack file may not repeat text by reference; write it out", file, line)
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            node = stack.pop()[0]
            node.end_mark = event.end_mark
            if not stack:
                root = node
            continue
        tag = event.tag
        if isinstance(event, yaml.ScalarEvent):
            if tag is None or tag == "!":
                tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
            if tag is None or tag == "!":
                tag = loader.resolve(kind, None, event.implicit)
            node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
        else:  # pragma: no cover - every event kind is handled above
            raise KitError(f"invalid YAML: unexpected {type(event).__name__}", file, line)
        if stack:
            parent = stack[-1]
            if isinstance(parent[0], yaml.SequenceNode):
                parent[0].value.append(node)
            elif parent[2] is None:
                if isinstance(node, yaml.ScalarNode):
                    if node.value in parent[1]:
                        raise KitError(f"key {node.value!r} appears twice", file, line)
                    parent[1].add(node.value)
                parent[2] = node
            else:
                parent[0].value.append((parent[2], node))
                parent[2] = None
        elif isinstance(node, yaml.ScalarNode):
            root = node
        count += 1
        if count > MAX_NODES:
            raise KitError(f"more than {MAX_NODES:,} values in one file; a pack holds at most {MAX_ITEMS:,} items",
                           file, line)
        if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
            if len(stack) >= MAX_DEPTH:
                raise KitError(f"nested more than {MAX_DEPTH} levels deep; a pack needs 4 at most", file, line)
            stack.append([node, set(), None])
    return root


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


def error_path(error: dict) -> tuple[tuple, str | None]:
    """The item path of a pydantic error, and its message when a check of the
    model named the item itself (`PathError`); shared by YAML and table packs."""
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


def _describe(error: dict) -> tuple[tuple, str]:
    loc, given = error_path(error)
    if given:
        return loc, given
    kind = error["type"]
    if kind == "extra_forbidden":
        return loc, (f"unknown field {loc[-1]!r}" + (f" in {_name(loc[:-1])}" if len(loc) > 1 else "")
                     + unknown_field_hint(Pack, loc))
    if kind == "missing":
        return loc, f"missing field {loc[-1]!r}" + (f" in {_name(loc[:-1])}" if len(loc) > 1 else "")
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        length = len(error.get("input") or "")
        return loc, f"{_name(loc)} is {length:,} characters; at most {limit:,} fit where it is printed: shorten it"
    message = plain_message(error)
    return loc, f"{_name(loc)}: {message}" if loc else message


def _name(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out


def _pack_files(folder: Path) -> list[Path]:
    """The YAML files of the pack folder, by name (whatever kind of file they are)."""
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries]
    except OSError as exc:
        raise KitError(f"cannot read the pack folder: {exc.strerror}", folder) from None
    return sorted(folder / name for name in names if name.endswith((".yaml", ".yml")) and not name.startswith("."))


def load_pack(folder: Path | str) -> LoadedPack:
    folder = Path(folder)
    from .workbook import is_table_pack, load_table_pack  # a .xlsx workbook or a folder of CSV files

    if is_table_pack(folder):
        return load_table_pack(folder)
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        raise KitError("content pack folder not found", folder) from None
    except OSError as exc:
        raise KitError(f"cannot read the pack folder: {exc.strerror}", folder) from None
    if not stat.S_ISDIR(info.st_mode):
        raise KitError("not a folder; --content names a pack folder (with pack.yaml in it)", folder)
    files_in_folder = _pack_files(folder)
    main_file = folder / PACK_FILE
    if main_file not in files_in_folder:
        raise KitError(f"not a content pack: {PACK_FILE} is missing", folder)

    lines: dict[tuple, tuple[Path, int]] = {}
    data, node = _parse(main_file)
    if data is None:
        raise KitError("the file is empty (or holds only comments); it must give the pack's id, title, ...", main_file)
    if not isinstance(data, dict):
        raise KitError("pack.yaml must be a mapping of fields (id:, title:, ...)", main_file, 1)
    _record_lines(node, main_file, (), lines)
    files = [main_file]

    by_section: dict[str, Path] = {}
    labels = data.pop(LABELS_KEY, None)
    for file in files_in_folder:
        if file.name == PACK_FILE:
            continue
        section = file.stem
        if section == LABELS_KEY:
            labels = _labels_file(file, labels, lines)
            files.append(file)
            continue
        if section not in SECTION_FILES:
            raise KitError(
                f"unknown pack file; section files are named {', '.join(s + '.yaml' for s in SECTION_FILES)}"
                f" (and {LABELS_KEY}.yaml for the pack's own labels)",
                file,
            )
        if section in by_section:
            raise KitError(
                f"both {by_section[section].name} and {file.name} hold {section}; keep one of them", file
            )
        by_section[section] = file
        if section in data:
            raise KitError(f"section {section!r} is also given in {PACK_FILE}; keep it in one place", file)
        section_data, section_node = _parse(file)
        if section_data is None:
            raise KitError(
                f"the file is empty (or holds only comments); give the {section} as a list, or delete the file "
                f"if the pack has no {section}",
                file,
            )
        if not isinstance(section_data, list):
            raise KitError(f"{file.name} must be a list of items (each starting with '- ')", file, 1)
        if len(section_data) > MAX_ITEMS:  # said before thousands of items are validated
            raise KitError(f"the file holds {len(section_data):,} items; a pack holds at most {MAX_ITEMS:,}", file, 1)
        data[section] = section_data
        _record_lines(section_node, file, (section,), lines)
        files.append(file)

    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        path, message = _describe(first_error(exc.errors()))
        file, line = _lookup(lines, path, main_file)
        raise KitError(message, file, line) from None
    from .pack_labels import check as check_labels

    own = check_labels(labels, lambda path: _lookup(lines, (LABELS_KEY,) + path, main_file))
    return LoadedPack(pack=pack, folder=folder, files=files, lines=lines, labels=own)


def _labels_file(file: Path, given, lines: dict):
    """The table of labels.yaml, its lines recorded under ('labels', key, ...)."""
    if given is not None:
        raise KitError(f"labels are also given in {PACK_FILE}; keep them in one place", file)
    data, node = _parse(file)
    if data is None:
        raise KitError("the file is empty (or holds only comments); give the labels as key: text, "
                       "or delete the file", file)
    if not isinstance(data, dict):
        raise KitError(f"{file.name} must be a table of key: text (page_of: \"page {{n}} of {{total}}\", ...)",
                       file, 1)
    _record_lines(node, file, (LABELS_KEY,), lines)
    return data
