"""Command line: `python generate.py [options]` or `findings-kit [options]`.

Exit status: 0 when every asked product was written (or skipped because the
pack has nothing for it), 2 on bad input (pack, options, text that does not
fit), 1 on an internal failure.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .context import Options
from .errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, KitError
from .paths import CONTENT, DEFAULT_PACK_ID, LAYOUTS, NEW_PACK
from .products import DEFAULT_PRODUCTS, REGISTRY

DEFAULT_PACK = CONTENT / DEFAULT_PACK_ID
DEFAULT_OUT = Path("output")

EPILOG = """\
examples:
  %(prog)s                                   build the default kit into output/
  %(prog)s init content/my-study             start a new content pack
  %(prog)s docs                              regenerate docs/content-format.md and the JSON Schema
  %(prog)s --only sort-cards --paper letter  one product on US Letter
  %(prog)s --content content/teamleren       another content pack
  %(prog)s --only alignment                  a duplex test sheet for your printer
  %(prog)s --set school="De Linde" --set date=2026-12-04

Each product is written to OUT/<pack-id>/<product>.pdf. Print card sheets at
actual size (100 %%), duplex flipped on the long edge unless --duplex says
otherwise. Exit status: 0 done, 2 bad input (the message names the file and
line), 1 internal failure.
"""


def _parser() -> argparse.ArgumentParser:
    from .imposition import CARD_SIZES, DUPLEX_MODES, SHEETS

    name = Path(sys.argv[0]).name
    p = argparse.ArgumentParser(
        prog="python -m kit" if name == "__main__.py" else name,
        description="Turn research findings kept as YAML into print-ready PDFs for a team day: "
        "dialogue cards, sort cards, a poster, an answer key, a worksheet and a facilitator guide.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--content", type=Path, default=DEFAULT_PACK, metavar="PATH",
                   help="content pack folder (default: content/collectief-leren)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: output/)")
    p.add_argument("--only", metavar="A,B",
                   help=f"products to build, by id: {', '.join(REGISTRY)} (default: {', '.join(DEFAULT_PRODUCTS)})")
    p.add_argument("--paper", default="a4", choices=[s for s in SHEETS if s != "a2"],
                   help="sheet for the cards, answer key, worksheet and guide (default: a4)")
    p.add_argument("--poster-paper", default="a3", choices=["a3", "a2"], help="sheet for the poster (default: a3)")
    p.add_argument("--card-size", metavar="SIZE",
                   help=f"card size for the card products: {', '.join(CARD_SIZES)} or WxH in mm "
                   "(default: dialogue 95x130 for dialogue cards, poker 63x88 for sort cards)")
    p.add_argument("--bleed", type=float, default=0.0, metavar="MM",
                   help="bleed around each card in mm: 0 for an office printer (default), 3 for a print shop")
    p.add_argument("--duplex", default="long", choices=DUPLEX_MODES,
                   help="how backs are printed: flip on the long edge (default) or short edge, "
                   "none (no backs), fold (front and back side by side, for printers without duplex)")
    p.add_argument("--back-offset", default="0,0", metavar="X,Y",
                   help="shift of the back side in mm, as measured with --only alignment (e.g. 1.5,-0.5)")
    p.add_argument("--low-ink", action="store_true", help="white card faces, outlines and dark text only")
    p.add_argument("--pdf-variant", metavar="NAME", help="a WeasyPrint PDF variant, e.g. pdf/a-3b or pdf/ua-1")
    p.add_argument("--lang", metavar="CODE", help="language of the printed labels (default: the pack's language)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="values",
                   help="a value printed where it helps: school, team, date, facilitator (repeatable)")
    p.add_argument("--batch", type=Path, metavar="FILE.csv",
                   help="one personalised kit per CSV row; the columns are --set keys (school, team, date, ...); "
                   "each row goes to OUT/<pack-id>/<school-team-date>/")
    p.add_argument("--preview", action="store_true",
                   help="also write a PNG of every page and a contact sheet per product, in OUT/<pack-id>/preview/")
    p.add_argument("--watch", action="store_true",
                   help="keep running: rebuild what changed whenever a pack or layout file is saved (Ctrl-C stops)")
    p.add_argument("--force", action="store_true", help="render every product, even when nothing changed")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="processes to use (default: all cores)")
    p.add_argument("--verbose", action="store_true",
                   help="also say how many layout passes each product took and the CPU time they took")
    return p


def _options(args) -> Options:
    from .imposition import parse_offset

    if not 0 <= args.bleed <= 10:
        raise KitError("--bleed must be between 0 and 10 mm")
    values = []
    for item in args.values:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise KitError(f"--set takes key=value (e.g. school=De Linde), not {item!r}")
        values.append((key, value.strip()))
    if args.pdf_variant:
        from weasyprint.pdf import VARIANTS

        if args.pdf_variant not in VARIANTS:
            raise KitError(f"unknown PDF variant {args.pdf_variant!r}; variants: {', '.join(sorted(VARIANTS))}")
    if args.lang:
        from .labels import labels

        labels(args.lang, strict=True)
    if args.card_size:
        from .imposition import parse_card_size

        parse_card_size(args.card_size)
    return Options(
        paper=args.paper,
        poster_paper=args.poster_paper,
        card_size=args.card_size,
        bleed=args.bleed,
        duplex=args.duplex,
        back_offset=parse_offset(args.back_offset),
        low_ink=args.low_ink,
        pdf_variant=args.pdf_variant,
        lang=args.lang,
        values=tuple(values),
    )


def init_pack(argv: list[str]) -> int:
    """`init PATH`: a new pack from the commented template, ready to build."""
    import re
    import shutil

    p = argparse.ArgumentParser(prog="generate.py init", description="Write a new content pack that builds as it is.")
    p.add_argument("path", type=Path, help="folder to create, e.g. content/my-study")
    target = p.parse_args(argv).path
    if target.exists() and any(target.iterdir()):
        raise KitError("folder exists and is not empty; choose a new folder", target)
    pack_id = re.sub(r"[^a-z0-9]+", "-", target.name.lower()).strip("-")[:60] or "my-pack"
    shutil.copytree(NEW_PACK, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    main_file = target / "pack.yaml"
    main_file.write_text(main_file.read_text(encoding="utf-8").replace("__ID__", pack_id), encoding="utf-8")
    print(f"wrote {target}/: build it with: python generate.py --content {target}")
    return EXIT_OK


def write_docs(argv: list[str]) -> int:
    """`docs`: regenerate docs/content-format.md and docs/pack.schema.json."""
    argparse.ArgumentParser(prog="generate.py docs", description=write_docs.__doc__).parse_args(argv)
    from .schema import write_docs as write

    for path in write():
        print(f"wrote {path}")
    return EXIT_OK


COMMANDS = {"init": init_pack, "docs": write_docs}


def _previews(results) -> None:
    from .preview import write_previews

    for result in results:
        if result.path and result.status in ("built", "cached"):
            written = write_previews(Path(result.path))
            print(f"{written[-1]}: contact sheet of {len(written) - 1} page{'s' if len(written) != 2 else ''}")


def _batch(args, pack, products, options) -> int:
    from rich.console import Console
    from rich.table import Table

    from .batch import build_batch, read_rows

    console = Console(stderr=True)
    rows = read_rows(args.batch)
    results = build_batch(args.content, args.out / pack.id, products, options, rows,
                          force=args.force, jobs=args.jobs, console=console)
    table = Table(title=f"{pack.id}: {len(rows)} rows")
    for column in ("line", "folder", "products", "pages", "status"):
        table.add_column(column)
    status = EXIT_OK
    for row in rows:
        if row.error:
            table.add_row(str(row.line), row.slug or "-", "-", "-", "[red]bad row")
            print(f"error: {row.error}", file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        done = results.get(row.line, [])
        failed = [r for r in done if r.status in ("error", "internal")]
        for r in failed:
            print(f"error: line {row.line}: {r.product}: {r.message}", file=sys.stderr)
            status = max(status, EXIT_BAD_INPUT if r.status == "error" else EXIT_INTERNAL)
        written = [r for r in done if r.status in ("built", "cached")]
        table.add_row(str(row.line), str(args.out / pack.id / row.slug), str(len(written)),
                      str(sum(r.pages for r in written)), "[red]failed" if failed else "[green]ok")
        if args.preview:
            _previews(written)
    Console().print(table)
    return status


def _snapshot(folders) -> dict:
    state = {}
    for folder in folders:
        for path in Path(folder).rglob("*"):
            if path.is_file() and path.suffix in (".yaml", ".yml", ".j2", ".css", ".ttf"):
                state[path] = path.stat().st_mtime_ns
    return state


def _watch(args, out, products, options, report) -> int:
    import time

    from .build import build_kit

    folders = [args.content, LAYOUTS]
    print(f"watching {args.content} and layouts/ (Ctrl-C stops)")
    last = None
    while True:
        state = _snapshot(folders)
        if state != last:
            last = state
            started = time.perf_counter()
            try:
                results = build_kit(args.content, out, products, options, force=False, jobs=args.jobs, on_result=report)
                rebuilt = [r.product for r in results if r.status == "built"]
                print(f"rebuilt {', '.join(rebuilt) or 'nothing'} in {time.perf_counter() - started:.1f} s")
                if args.preview:
                    _previews([r for r in results if r.status == "built"])
            except KitError as exc:
                print(f"error: {exc.one_line()}", file=sys.stderr)
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:])
        args = _parser().parse_args(argv)
        from .build import build_kit, select
        from .loader import load_pack

        options = _options(args)
        products = select(args.only)
        loaded = load_pack(args.content)
        pack = loaded.pack
        out = args.out / pack.id
        failures = {"error": 0, "internal": 0}

        def report(result):
            if result.status in ("built", "cached"):
                extra = f", {result.note}" if result.note else ""
                state = "unchanged" if result.status == "cached" else f"{result.seconds:.1f} s"
                if args.verbose and result.status == "built":
                    state += (f", {result.passes} layout pass{'es' if result.passes != 1 else ''}: "
                              f"{result.laid_out} pages laid out in {result.layout_seconds:.2f} s CPU")
                print(f"{result.path}: {result.pages} page{'s' if result.pages != 1 else ''}{extra} ({state})")
            elif result.status == "skipped":
                print(f"{result.product}: skipped, {result.message}")
            else:
                failures[result.status] += 1
                label = "error" if result.status == "error" else "internal error"
                print(f"{label}: {result.product}: {result.message}", file=sys.stderr)

        if args.batch:
            return _batch(args, pack, products, options)
        if args.watch:
            return _watch(args, out, products, options, report)
        results = build_kit(args.content, out, products, options, force=args.force, jobs=args.jobs,
                            on_result=report, loaded=loaded)
        if args.preview:
            _previews(results)
        if failures["internal"]:
            return EXIT_INTERNAL
        return EXIT_BAD_INPUT if failures["error"] else EXIT_OK
    except KitError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted; earlier PDFs are unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("KIT_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (set KIT_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
