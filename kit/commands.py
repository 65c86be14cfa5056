"""The command line's subcommands (`init`, `labels`, `docs`, `import`, `export`,
`serve`), and how --content names a pack; `kit.cli` runs them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import EXIT_OK, KitError
from .paths import NEW_PACK


def init_pack(argv: list[str]) -> int:
    """`init PATH` or `init --xlsx FILE.xlsx`: a new pack from the commented template, ready to build."""
    import re
    import shutil

    p = argparse.ArgumentParser(prog=f"{_prog()} init", description="Write a new content pack that builds as it is.")
    p.add_argument("path", type=Path, nargs="?", help="folder to create, e.g. content/my-study")
    p.add_argument("--xlsx", type=Path, metavar="FILE.xlsx",
                   help="write the new pack as a spreadsheet workbook instead")
    p.add_argument("--language", metavar="CODE", default="en",
                   help="language the pack is written in (e.g. nl, uk, ar; default: en); for a language the kit "
                   "has no labels for, the pack gets the kit's own words to translate (labels.yaml, or a labels sheet)")
    args = p.parse_args(argv)
    from .label_file import language_code, needs_own_labels, offer_labels

    language = language_code(args.language)
    if (args.path is None) == (args.xlsx is None):
        p.error("give a folder to create, or --xlsx FILE.xlsx")
    target = args.xlsx or args.path
    pack_id = re.sub(r"[^a-z0-9]+", "-", target.stem.lower() if args.xlsx else target.name.lower()).strip("-")[:60]
    pack_id = pack_id or "my-pack"
    if args.xlsx:
        from .pack.starter import starter_workbook

        _refuse_existing(target)
        starter_workbook(NEW_PACK, pack_id, target, language)
        note = " (translate the labels sheet)" if needs_own_labels(language) else ""
        print(f"wrote {target}{note}: fill it in, then build it with: {_prog()} --content {target}")
        offer_labels(language, _prog())
        return EXIT_OK
    if target.exists() and any(target.iterdir()):
        raise KitError("folder exists and is not empty; choose a new folder", target)
    shutil.copytree(NEW_PACK, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    main_file = target / "pack.yaml"
    main_file.write_text(main_file.read_text(encoding="utf-8").replace("__ID__", pack_id)
                         .replace("language: en", f"language: {language}"), encoding="utf-8")
    if needs_own_labels(language):
        from .label_file import write as write_label_file

        write_label_file(language, target / "labels.yaml")
        print(f"wrote {target}/labels.yaml: the words the kit prints itself, to translate into {language}")
    print(f"wrote {target}/: build it with: {_prog()} --content {target}")
    offer_labels(language, _prog())
    return EXIT_OK


def _prog() -> str:
    name = Path(sys.argv[0]).name
    return "python generate.py" if name == "generate.py" else "python -m kit" if name == "__main__.py" else name


def _refuse_existing(target: Path) -> None:
    if target.suffix.lower() != ".xlsx":
        raise KitError("a workbook is written as FILE.xlsx", target)
    if target.exists():
        raise KitError("file exists; choose a new name (an earlier workbook is never overwritten)", target)


def content_path(value: Path | str) -> Path:
    """A pack folder, workbook or CSV folder as given, else a shipped pack named by its id."""
    from .paths import shipped_pack, shipped_packs

    path = Path(value)
    if path.exists():
        return path
    shipped = shipped_pack(str(value))
    if shipped:
        return shipped
    if len(path.parts) == 1 and not path.suffix:
        raise KitError(f"no such folder, and no shipped pack with this id (shipped: {', '.join(shipped_packs())})",
                       path)
    return path


def import_pack(argv: list[str]) -> int:
    """`import FILE.xlsx DIR`: write a workbook (or CSV folder) as the equivalent YAML pack."""
    p = argparse.ArgumentParser(prog=f"{_prog()} import", description=import_pack.__doc__.split(": ", 1)[1])
    p.add_argument("source", type=Path, help="a .xlsx workbook or a folder of CSV files")
    p.add_argument("folder", type=Path, help="folder to create for the YAML pack")
    args = p.parse_args(argv)
    from .pack import load_pack
    from .pack.export import write_yaml_pack
    from .pack.table_loader import is_table_pack

    if not is_table_pack(args.source):
        raise KitError("not a workbook (.xlsx) or a folder of CSV files with pack.csv", args.source)
    if args.folder.exists() and (not args.folder.is_dir() or any(args.folder.iterdir())):
        raise KitError("folder exists and is not empty; choose a new folder", args.folder)
    loaded = load_pack(args.source)
    written = write_yaml_pack(loaded.pack, args.folder, note=f"Imported from {args.source.name} by findings-kit.")
    if load_pack(args.folder).pack != loaded.pack:  # never hand over a pack that differs from the workbook
        raise RuntimeError("the written YAML pack does not read back as the workbook")
    print(f"wrote {args.folder}/ ({', '.join(p.name for p in written)}): "
          f"build it with: {_prog()} --content {args.folder}")
    return EXIT_OK


def export_pack(argv: list[str]) -> int:
    """`export PACK FILE.xlsx`: write a pack (folder or shipped id) as a spreadsheet workbook."""
    p = argparse.ArgumentParser(prog=f"{_prog()} export", description=export_pack.__doc__.split(": ", 1)[1])
    p.add_argument("pack", help="a pack folder, or the id of a shipped pack (e.g. collectief-leren)")
    p.add_argument("target", type=Path, metavar="FILE.xlsx", help="workbook to write (must not exist)")
    args = p.parse_args(argv)
    from .pack import load_pack
    from .pack.export import write_workbook

    _refuse_existing(args.target)
    loaded = load_pack(content_path(args.pack))
    write_workbook(loaded.pack, args.target)
    print(f"wrote {args.target}: build it with: {_prog()} --content {args.target}")
    return EXIT_OK


def write_docs(argv: list[str]) -> int:
    """`docs`: regenerate docs/content-format.md and docs/pack.schema.json."""
    argparse.ArgumentParser(prog="generate.py docs", description=write_docs.__doc__).parse_args(argv)
    from .paths import in_checkout

    if not in_checkout():
        raise KitError("`docs` regenerates docs/ of a checkout of the findings-kit repository; "
                       "this is an installed package: run `python generate.py docs` in a clone")
    from .schema import write_docs as write

    for path in write():
        print(f"wrote {path}")
    return EXIT_OK


def serve(argv: list[str]) -> int:
    """`serve`: the web page and API on this computer (kit/web)."""
    from .web import serve as run

    return run(argv)


def write_labels(argv: list[str]) -> int:
    """`labels LANG FILE`: write every word the kit prints itself, to translate for a pack."""
    from .label_file import command

    return command(argv, _prog())


COMMANDS = {"init": init_pack, "labels": write_labels, "docs": write_docs, "import": import_pack, "export": export_pack, "serve": serve}
