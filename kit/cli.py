"""Command line: `python generate.py [options]` or `findings-kit [options]`.

Exit status: 0 when every asked product was written (or skipped because the
pack has nothing for it), 2 on bad input (pack, options, text that does not
fit), 1 on an internal failure.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from . import __version__
from .commands import COMMANDS, content_path
from .errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, KitError, printable
from .paths import CONTENT, DEFAULT_PACK_ID, LAYOUTS

# Imported where they are used, not here: a no-op rebuild (kit/noop.py) answers
# before the pack's models, the products and the renderer are imported.

DEFAULT_PACK = CONTENT / DEFAULT_PACK_ID
DEFAULT_OUT = Path("output")

EPILOG = """\
examples:
  %(prog)s                                   build the default kit into output/
  %(prog)s init content/my-study             start a new content pack
  %(prog)s init --xlsx findings.xlsx         start a new content pack as a spreadsheet
  %(prog)s init content/x --language uk      a new pack in Ukrainian, with its labels to translate
  %(prog)s labels uk labels.yaml             the words the kit prints itself, to translate
  %(prog)s --content findings.xlsx           build a pack kept as a spreadsheet
  %(prog)s export teamleren findings.xlsx    a pack (folder or shipped id) as a spreadsheet
  %(prog)s import findings.xlsx content/x    a spreadsheet as a YAML pack
  %(prog)s docs                              regenerate docs/content-format.md and the JSON Schema
  %(prog)s serve                             build, preview and download a kit in the browser
  %(prog)s --only sort-cards --paper letter  one product on US Letter
  %(prog)s --content teamleren               another content pack (a folder, or a shipped pack's id)
  %(prog)s --only alignment                  a duplex test sheet for your printer
  %(prog)s --only screen                     screen.html: the exercises on a projector or phone, offline
  %(prog)s --set school="De Linde" --set date=2026-12-04

Each product is written to OUT/<pack-id>/<product>.pdf (the screen version to
screen.html, one file that opens in any browser). Print card sheets at
actual size (100 %%), duplex flipped on the long edge unless --duplex says
otherwise. Exit status: 0 done, 2 bad input (the message names the file and
line), 130 interrupted (Ctrl-C; PDFs are whole), 1 internal failure.
"""


def _parser() -> argparse.ArgumentParser:
    from .options import add_arguments
    from .products import default_ids, ids

    name = Path(sys.argv[0]).name
    p = argparse.ArgumentParser(
        prog="python -m kit" if name == "__main__.py" else name,
        description="Turn research findings kept as YAML or in a spreadsheet into print-ready PDFs for a team day: "
        "dialogue cards with backs, cut-out sort cards and their mat, case cards, posters, an answer key, a worksheet, "
        "a results sheet and a facilitator guide with a run sheet; and the same exercise as one page for a screen.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--content", type=Path, default=DEFAULT_PACK, metavar="PATH",
                   help="content pack: a folder, a .xlsx workbook, a folder of CSV files or the id of a "
                   "shipped pack (default: collectief-leren)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: output/)")
    p.add_argument("--only", metavar="A,B",
                   help=f"products to build, by id: {', '.join(ids())} (default: {', '.join(default_ids())})")
    add_arguments(p)  # the build options: kit/options.py
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


def _options(args):
    from .options import from_args

    if args.jobs is not None and args.jobs < 1:
        raise KitError(f"--jobs must be 1 or more, not {args.jobs}")
    return from_args(args)


def _previews(results) -> None:
    from .preview import write_previews

    for result in results:
        if result.path and result.path.endswith(".pdf") and result.status.written:
            written = write_previews(Path(result.path))
            print(f"{written[-1]}: contact sheet of {len(written) - 1} page{'s' if len(written) != 2 else ''}")


def _batch(args, loaded, products, options) -> int:
    from rich.console import Console
    from rich.table import Table

    from .batch import build_batch, read_rows
    from .build import Status

    pack = loaded.pack

    console = Console(stderr=True)
    rows = read_rows(args.batch)
    out = args.out / pack.id

    def kit_done(row, done):
        # without a terminal there is no progress bar: one line per finished kit instead
        if not console.is_terminal:
            written = [r for r in done if r.status.written]
            failed = sum(r.status.failed for r in done)
            state = f", {failed} failed" if failed else ""
            print(printable(f"line {row.line}: {out / row.slug}: {len(written)} PDFs, "
                            f"{sum(r.pages for r in written)} pages{state}"), flush=True)

    results = build_batch(args.content, out, products, options, rows, force=args.force, jobs=args.jobs,
                          console=console, on_kit=kit_done, on_wait=lambda: _waiting(out), loaded=loaded)
    table = Table(title=f"{pack.id}: {len(rows)} rows")
    for column in ("line", "folder", "products", "pages", "status"):
        table.add_column(column)
    status = EXIT_OK
    for row in rows:
        if row.error:
            table.add_row(str(row.line), row.slug or "-", "-", "-", "[red]bad row")
            print(f"error: {printable(row.error)}", file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        done = results.get(row.line, [])
        failed = [r for r in done if r.status.failed]
        for r in failed:
            print(printable(f"error: line {row.line}: {r.product}: {r.message}"), file=sys.stderr)
            status = max(status, EXIT_BAD_INPUT if r.status == Status.ERROR else EXIT_INTERNAL)
        written = [r for r in done if r.status.written]
        table.add_row(str(row.line), str(args.out / pack.id / row.slug), str(len(written)),
                      str(sum(r.pages for r in written)), "[red]failed" if failed else "[green]ok")
        if args.preview:
            _previews(written)
    Console().print(table)
    return status


WATCHED = (".yaml", ".yml", ".j2", ".css", ".ttf", ".xlsx", ".xlsm", ".csv")


def _snapshot(folders) -> dict:
    state = {}
    for folder in folders:
        folder = Path(folder)
        for path in [folder] if folder.is_file() else folder.rglob("*"):  # a workbook is one file
            if path.is_file() and path.suffix.lower() in WATCHED:
                state[path] = path.stat().st_mtime_ns
    return state


def _watch(args, out, products, options, report) -> int:
    import time

    from .build import Status, build_kit

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
                rebuilt = [r.product for r in results if r.status == Status.BUILT]
                print(f"rebuilt {', '.join(rebuilt) or 'nothing'} in {time.perf_counter() - started:.1f} s")
                if args.preview:
                    _previews([r for r in results if r.status == Status.BUILT])
            except KitError as exc:
                print(f"error: {exc.one_line()}", file=sys.stderr)
        time.sleep(0.5)


def _waiting(out: Path) -> None:
    print(printable(f"{out}: another build is writing here; waiting for it to finish (Ctrl-C stops)"),
          file=sys.stderr, flush=True)


def _interrupted(exc: KeyboardInterrupt) -> None:
    """Say truthfully what an interrupted build left: which PDFs it wrote (whole)."""
    written = getattr(exc, "written", None)
    if not written:
        print("interrupted: no PDF was written; earlier PDFs are unchanged", file=sys.stderr)
        return
    if len(written) <= 10:
        names = ", ".join(written)
    else:
        folders = {str(Path(path).parent) for path in written}
        names = f"{len(written)} PDFs in {len(folders)} folder{'s' if len(folders) != 1 else ''}"
    print(printable(f"interrupted: wrote {names} (each whole); every other PDF is as it was before this build"),
          file=sys.stderr)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _unprinted(pack, products, results) -> list[str]:
    """After a full build: the warning naming every item of the pack that no product printed."""
    from .coverage import after_build

    missing = after_build(pack, products, results)
    if not missing:
        return []
    shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
    return [printable(f"warning: no product of this build prints {shown}")]


def _line(result, verbose: bool = False) -> str:
    """What the command line says of a product that was written or skipped."""
    from .build import Status

    if result.status == Status.SKIPPED:
        return printable(f"{result.product}: skipped, {result.message}")
    extra = f", {result.note}" if result.note else ""
    state = "unchanged" if result.status == Status.CACHED else f"{result.seconds:.1f} s"
    if verbose and result.status == Status.BUILT:
        state += (f", {result.passes} layout pass{'es' if result.passes != 1 else ''}: "
                  f"{result.laid_out} pages laid out in {result.layout_seconds:.2f} s CPU")
    if not result.path.endswith(".pdf"):  # a page (screen.html): its note says what it holds
        return printable(f"{result.path}: {result.note} ({state})")
    return printable(f"{result.path}: {result.pages} page{'s' if result.pages != 1 else ''}{extra} ({state})")


def _replay(argv: list[str]) -> int | None:
    """A no-op rebuild answered from the last build's manifest (kit/noop.py), or None."""
    from .noop import content_option, out_option, replay

    if any(name in sys.modules for name in ("kit.products", "kit.build", "kit.model")):
        # a process that runs the kit already (tests, a script calling main twice) may not run
        # the code its files hold, which is what the manifest vouches for: the ordinary way
        return None
    try:
        content = content_path(content_option(argv) or DEFAULT_PACK)
    except KitError:
        return None  # said by the ordinary way
    return replay(argv, content, Path(out_option(argv) or DEFAULT_OUT))


def _build_start(parser, argv: list[str], args):
    """What a later no-op needs to know of this build's start (kit/noop.py): its
    request and inputs, digested before the pack is read (an edit made during
    the build is seen by the next one); None if its run cannot be replayed."""
    from . import noop
    from .paths import layout_roots

    flags = [flag for action in parser._actions for flag in action.option_strings]
    wanted = None if args.batch or args.watch or args.preview else noop.request(argv, flags, recording=True)
    if wanted is None:
        return None
    roots = [str(root) for root in layout_roots()[1:]]  # the kit's own layouts are digested anyway
    return {"key": noop.key(wanted, args.content), "flags": flags, "layout_roots": roots,
            "inputs": noop.inputs(args.content, roots)}


def _recorder(snapshot, loaded, products):
    """The `on_done` of the build: under the folder's lock, the manifest of a
    build without errors, saying what a no-op of it prints."""
    from dataclasses import replace

    from . import noop
    from .build import Status
    from .build.records import skip_message
    from .products import get

    def on_done(out: Path, results) -> None:
        by_product = {r.product: r for r in results}
        if snapshot is None or any(r.status.failed for r in results) or set(by_product) != set(products):
            return
        lines = []
        for product_id in products:
            result = by_product[product_id]
            if result.status == Status.SKIPPED:  # as a build that finds it skipped says it
                result = replace(result, message=skip_message(get(product_id).missing(loaded.pack)))
            else:
                result = replace(result, status=Status.CACHED)
            lines.append(_line(result))
        files = [(f"{p}{get(p).suffix}", f"{p}.json") for p in products]
        noop.record(out, {**snapshot, "files": files, "outputs": noop.outputs(out, files), "stdout": lines,
                          "stderr": _unprinted(loaded.pack, products, results), "status": EXIT_OK})

    return on_done


def _build(parser, argv, args, options, products, pool) -> int:
    """Read the pack and build (or, with --batch or --watch, hand over); the exit status."""
    from .build import Status, build_kit
    from .pack import load_pack

    snapshot = _build_start(parser, argv, args)
    loaded = load_pack(args.content)
    on_done = _recorder(snapshot, loaded, products)
    pack = loaded.pack
    out = args.out / pack.id
    failures = {Status.ERROR: 0, Status.INTERNAL: 0}

    def report(result):
        if result.status.written or result.status == Status.SKIPPED:
            print(_line(result, args.verbose), flush=True)
        else:
            failures[result.status] += 1
            label = "error" if result.status == Status.ERROR else "internal error"
            print(printable(f"{label}: {result.product}: {result.message}"), file=sys.stderr)

    if args.batch:
        return _batch(args, loaded, products, options)
    if args.watch:
        return _watch(args, out, products, options, report)
    results = build_kit(args.content, out, products, options, force=args.force, jobs=args.jobs,
                        on_result=report, loaded=loaded, on_wait=lambda: _waiting(out), on_done=on_done, pool=pool)
    for line in _unprinted(pack, products, results):
        print(line, file=sys.stderr)
    if args.preview:
        _previews(results)
    if failures[Status.INTERNAL]:
        return EXIT_INTERNAL
    return EXIT_BAD_INPUT if failures[Status.ERROR] else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    if argv is None and hasattr(signal, "SIGTERM"):
        # SIGTERM (a service manager, `kill`) stops a build as Ctrl-C does
        signal.signal(signal.SIGTERM, _raise_interrupt)
    argv = sys.argv[1:] if argv is None else [str(token) for token in argv]
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:])
        replayed = _replay(argv)
        if replayed is not None:
            return replayed
        parser = _parser()
        args = parser.parse_args(argv)
        args.content = content_path(args.content)
        from .build import select

        options = _options(args)
        products = select(args.only)
        if args.batch or args.watch:
            return _build(parser, argv, args, options, products, None)
        from .build.pool import early
        from .products import get

        # the workers start (and load the renderer) while this process reads the pack
        decks = any(get(product).kind == "cards" for product in products)  # may be cut into parts
        with early(args.jobs, len(products), parts=decks) as pool:
            return _build(parser, argv, args, options, products, pool)
    except KitError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        _interrupted(exc)
        return EXIT_INTERRUPTED
    except Exception as exc:  # an internal failure: exit 1
        if os.environ.get("KIT_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (set KIT_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
