"""Content YAML -> validated `Pack`, with file and line for every error.

A pack is a folder: `pack.yaml` holds the metadata and may hold every
section; a section may instead live in a file of its own named after it
(`statements.yaml`, ...). YAML is parsed once into nodes, so that any
pydantic error can be traced back to the line it came from.
"""

from __future__ import annotations

import gc
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import KitError, Where
from ..model import MAX_ITEMS, SECTION_FILES, Pack
from ..suggest import first_error
from .errors import describe
from .files import check_folder, read_file, yaml_files
from .loaded import LABELS_KEY, PACK_FILE, LoadedPack, lookup

# libyaml's parser where PyYAML has it (ten times faster); both only build plain data.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A pack needs 4 levels (pack > cases > case > questions); the rest is room for mistakes.
MAX_DEPTH = 20
# Values (keys, texts, lists) in one file: room for MAX_ITEMS items of the largest kind; it stops
# a file of millions of tiny values before they are all built.
MAX_NODES = 50 * MAX_ITEMS


def _parse(file: Path):
    """(data, node) of a pack file; (None, None) when it holds no YAML at all."""
    data = read_file(file)
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
    lines[prefix] = Where(file, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = prefix + (key.value,)
            lines[path] = Where(file, key.start_mark.line + 1)
            if isinstance(value, (yaml.MappingNode, yaml.SequenceNode)):
                _record_lines(value, file, path, lines)
                lines[path] = Where(file, key.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, file, prefix + (index,), lines)


def load_yaml_pack(folder: Path) -> LoadedPack:
    """Load the pack folder `folder` (pack.yaml and section files)."""
    check_folder(folder)
    files_in_folder = yaml_files(folder)
    main_file = folder / PACK_FILE
    if main_file not in files_in_folder:
        raise KitError(f"not a content pack: {PACK_FILE} is missing", folder)

    lines: dict[tuple, Where] = {}
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
        path, message = describe(first_error(exc.errors()))
        raise KitError(message, lookup(lines, path, Where(main_file))) from None
    from ..pack_labels import check as check_labels

    def where(path):  # as pack_labels reads it: (file, line)
        found = lookup(lines, (LABELS_KEY,) + path, Where(main_file))
        return found.text(), found.line

    own = check_labels(labels, where)
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
