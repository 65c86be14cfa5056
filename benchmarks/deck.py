"""The 1,000-card sort deck against the simplest HTML WeasyPrint can print for
the same cards (`deck_rows`, called by `benchmarks/run.py`).

The floor HTML is built here from the deck pack's own statements and codes:
one absolutely placed box per card holding its text and its code, nine
poker cards to an A4 page (the kit's grid), and a back page behind each
front with one box per card holding the deck's name and the pack's title,
in the kit's fonts. WeasyPrint alone renders it in one process, start-up
included: the time no kit of these cards can beat by slimmer HTML alone.

Rows: the deck with 2 jobs (and 1) against that floor (target <= 0.8x),
peak memory of the process tree (summed PSS), and, as context, WeasyPrint
alone on the kit's own final HTML of the deck against the floor: what the
kit's HTML costs over the floor's.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

FLOOR_MAX = 0.8  # deck with every core / the floor HTML by WeasyPrint alone in one process
MEMORY_MAX_MB = 400  # deck, peak of the whole process tree, summed PSS (MB = 10^6 bytes)
SPEEDUP_MIN = 1.6  # deck --jobs 1 / default jobs

CARD = (63.0, 88.0)  # poker, the sort deck's default
SHEET = (210.0, 297.0)  # A4

FLOOR_CSS = """
@page { size: 210mm 297mm; margin: 0; }
body { margin: 0; font-family: "Atkinson Hyperlegible"; font-size: 12pt; line-height: 1.28; }
.p { position: relative; width: 210mm; height: 297mm; break-after: page; }
.c { position: absolute; width: 63mm; height: 88mm; box-sizing: border-box; padding: 3mm; }
.c p { margin: 0; }
.t { font-weight: 700; }
.k { font-size: 8pt; text-align: right; }
"""


def floor_html(pack_folder: Path) -> str:
    """The floor HTML of the deck pack's statement cards, fronts and backs."""
    import yaml

    from kit import imposition
    from kit.codes import sort_codes
    from kit.pack import load_pack

    pack = load_pack(pack_folder).pack
    codes = sort_codes(pack)
    statements = sorted(pack.statements, key=lambda s: codes[s.id])
    deck_name = yaml.safe_load((Path(__file__).resolve().parent.parent / "layouts/labels/nl.yaml")
                               .read_text(encoding="utf-8")).get("sort_deck", "Sort cards")
    grid = imposition.grid(CARD, SHEET)
    back = f'<p>{html.escape(deck_name)}</p><p class="t">{html.escape(pack.title)}</p>'
    pages = []
    for chunk in imposition.chunk(statements, grid.per_sheet):
        fronts = "".join(
            f'<div class="c" style="left: {slot.x:.3f}mm; top: {slot.y:.3f}mm;"><p class="t">'
            f'{html.escape(s.text)}</p><p class="k">{codes[s.id]}</p></div>'
            for slot, s in zip(grid.slots, chunk))
        backs = "".join(
            f'<div class="c" style="left: {b.x:.3f}mm; top: {b.y:.3f}mm;">{back}</div>'
            for b in (imposition.back_slot(slot, SHEET, "long") for slot in grid.slots[:len(chunk)]))
        pages.append(f'<section class="p">{fronts}</section><section class="p">{backs}</section>')
    return (f'<!doctype html><html lang="{pack.language}"><head><meta charset="utf-8"><title>floor</title>'
            f'<style>{FLOOR_CSS}</style></head><body>{"".join(pages)}</body></html>')


def _context_row(what: str, value: float, context: str) -> str:
    """A ratio shown for context: no target of its own."""
    return f"| {what} | {value:.2f}x | | | {context} |"


def deck_rows(bench, tmp: Path, reps: int) -> list[str]:
    """The deck's rows of the benchmark table; `bench` is `benchmarks/run.py`
    (its `run`, `generate`, `make_deck_pack`, `WEASYPRINT_ALONE`)."""
    import os

    cores = os.cpu_count() or 1
    cards = bench.DECK_CARDS
    median = bench.median
    pack = tmp / "deck-pack"
    bench.make_deck_pack(pack, cards)
    floor_dir, kit_html, alone_out = tmp / "floor", tmp / "deck-html", tmp / "deck-alone"
    for folder in (floor_dir, alone_out):
        folder.mkdir()
    (floor_dir / "floor.html").write_text(floor_html(pack), encoding="utf-8")
    alone = [sys.executable, "-c", bench.WEASYPRINT_ALONE]

    bench.log(f"{cards}-card deck: its final HTML for WeasyPrint alone")
    bench.run(bench.generate("--content", pack, "--only", "sort-cards", "--force", "--out", tmp / "deck"),
              env={"KIT_DUMP_HTML": kit_html})
    floor, deck, kit_alone = [], {1: [], cores: []}, []
    for i in range(reps):
        bench.log(f"{cards}-card deck: floor HTML by WeasyPrint alone ({i + 1}/{reps})")
        floor.append(bench.run(alone + [floor_dir, alone_out], memory=True))
        for jobs in ([1, cores] if i % 2 == 0 else [cores, 1]):
            bench.log(f"{cards}-card sort deck, --jobs {jobs} ({i + 1}/{reps})")
            deck[jobs].append(bench.run(bench.generate("--content", pack, "--only", "sort-cards", "--force",
                                                       "--verbose", "--jobs", jobs, "--out", tmp / "deck"),
                                        memory=True))
    bench.log(f"{cards}-card deck: the kit's final HTML by WeasyPrint alone (once)")
    kit_alone.append(bench.run(alone + [kit_html, alone_out]))

    t_floor = median([r.wall for r in floor])
    one, many = median([r.wall for r in deck[1]]), median([r.wall for r in deck[cores]])
    cpu_floor = median([r.cpu for r in floor])
    cpu_one, cpu_many = median([r.cpu for r in deck[1]]), median([r.cpu for r in deck[cores]])
    rows = [
        bench.ratio_row(f"{cards}-card sort deck, --jobs {cores} / floor HTML by WeasyPrint alone in one process",
                        many / t_floor, f"<= {FLOOR_MAX}x", many / t_floor <= FLOOR_MAX,
                        f"{many:.1f} s ({many / cards * 1000:.1f} ms a card) / floor {t_floor:.1f} s "
                        f"({max(r.peak_mb for r in floor):.0f} MB)"),
        _context_row(f"{cards}-card sort deck, --jobs 1 / floor HTML", one / t_floor,
                     f"{one:.1f} s ({one / cards * 1000:.1f} ms a card)"),
        # CPU time is what a busy machine inflates least: the work each side asks for
        _context_row(f"{cards}-card sort deck, CPU time, --jobs 1 / floor HTML", cpu_one / cpu_floor,
                     f"{cpu_one:.1f} s / {cpu_floor:.1f} s; --jobs {cores}: {cpu_many:.1f} s"),
        bench.ratio_row(f"{cards}-card sort deck speed-up, --jobs {cores} / --jobs 1", one / many,
                        f">= {SPEEDUP_MIN}x", one / many >= SPEEDUP_MIN, ""),
        _context_row(f"{cards}-card deck: WeasyPrint alone on the kit's final HTML / on the floor HTML",
                     kit_alone[0].wall / t_floor,
                     f"{kit_alone[0].wall:.1f} s; CPU {kit_alone[0].cpu / cpu_floor:.2f}x, "
                     f"{kit_alone[0].cpu:.1f} s (one run)"),
    ]
    peak = max(r.peak_mb for r in deck[1] + deck[cores])
    rows.append(f"| {cards}-card sort deck, peak memory of the process tree, summed PSS (all runs) | "
                f"{peak:.0f} MB | <= {MEMORY_MAX_MB} MB | {'met' if peak <= MEMORY_MAX_MB else '**NO**'} | "
                f"summed RSS (shared pages counted once per process): "
                f"{max(r.peak_rss_mb for r in deck[1] + deck[cores]):.0f} MB; "
                f"--jobs 1: {max(r.peak_mb for r in deck[1]):.0f} MB PSS |")
    for jobs in sorted(deck):
        figures = [bench.products_built(r.stdout)["sort-cards"] for r in deck[jobs]]
        per_sheet = median([f["layout_s"] / f["laid_out"] for f in figures]) * 1000
        rows.append(f"| {cards}-card sort deck, layout per sheet, --jobs {jobs} | {per_sheet:.1f} ms | | | "
                    f"{figures[0]['passes']} layout passes, {figures[0]['laid_out']} pages laid out for "
                    f"{figures[0]['pages']} |")
    return rows


def main(argv=None) -> int:
    """`python benchmarks/deck.py [--reps N]`: the deck's rows alone."""
    import run as bench

    return bench.standalone("The 1,000-card sort deck against its floor HTML.",
                            lambda tmp, reps: deck_rows(bench, tmp, reps), argv)


if __name__ == "__main__":
    sys.exit(main())
