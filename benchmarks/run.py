#!/usr/bin/env python3
"""Benchmark of the kit against WeasyPrint alone: `python benchmarks/run.py [--reps N] [--only PARTS]`.

Every figure is the median of N runs (3 by default) of whole processes,
measured side by side in this one run:

- overhead: CPU time of the CLI's cold `--force --jobs 1` build of the default
  kit against a script that renders the same six final HTML documents (dumped
  by the kit with KIT_DUMP_HTML) once each with WeasyPrint;
- cold build wall time with the default jobs against that script's wall time;
- no-op rebuild (the same command without --force);
- a 1,000-card sort deck with `--jobs 1` and with the default jobs against
  the floor HTML of the same cards by WeasyPrint alone, speed-up, peak memory
  of the whole process tree (summed PSS, and summed RSS for context), layout
  per sheet (`benchmarks/deck.py`);
- how long Ctrl-C (SIGINT to the main process) takes to stop a cold build with
  the default jobs, from the signal to the exit of every process;
- the web page's rebuild after a new school name, request to first new
  preview (benchmarks/web.py);
- layout passes per product, as the kit reports them (`--verbose`);
- below the table, the timeline of one cold build: which process rendered
  which product when (KIT_TIMELINE, benchmarks/timeline.py);
- PDF sizes;
- a batch of 20 personalised kits against one kit (benchmarks/batch.py).

Any failed build raises: the benchmark stops with a non-zero exit. It prints
one Markdown table; targets are ratios, absolute times are context.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import web  # benchmarks/web.py: the web page's rebuild
from deck import deck_rows  # benchmarks/deck.py: the 1,000-card deck against its floor HTML
from timeline import timeline  # benchmarks/timeline.py: which worker rendered what when

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "content" / "collectief-leren"
DECK_CARDS = 1000

OVERHEAD_MAX = 1.10  # ours / WeasyPrint alone, CPU time
COLD_WALL_MAX = 0.75  # ours (default jobs) / WeasyPrint alone, wall time
NOOP_MAX = 0.05  # no-op rebuild / cold build
STOP_MAX_S = 2.0  # SIGINT during a build -> every process of it gone

# The same final HTML, rendered by WeasyPrint alone in one process, with the
# kit's fonts (its fontconfig file) and its layouts folder as base URL.
WEASYPRINT_ALONE = """
import os, sys
from pathlib import Path
from kit.paths import FONTS, LAYOUTS
os.environ["FONTCONFIG_FILE"] = str(FONTS / "fonts.conf")
import weasyprint
from weasyprint.text.fonts import FontConfiguration
fonts = FontConfiguration()
for html in sorted(Path(sys.argv[1]).glob("*.html")):
    document = weasyprint.HTML(filename=str(html), base_url=str(LAYOUTS) + "/").render(font_config=fonts)
    document.write_pdf(Path(sys.argv[2]) / (html.stem + ".pdf"))
"""


@dataclass
class Run:
    wall: float
    cpu: float  # user + system of the process and every child it waited for
    peak_mb: float  # largest sum of proportional set sizes (PSS) over the process tree
    peak_rss_mb: float  # largest sum of resident set sizes over the process tree
    stdout: str


def _tree_memory(root: int) -> tuple[int, int]:
    """Resident bytes of `root` and all its descendants, from /proc: summed
    RSS (which counts the pages of shared libraries once per process) and
    summed PSS (which shares them out: what the tree takes from the machine)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    stat = f.read()
                parents[int(entry.name)] = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError):
                continue  # ended meanwhile
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [child for child, parent in parents.items() if parent == pid and child not in tree]
    rss = pss = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm") as f:
                rss += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{pid}/smaps_rollup") as f:
                pss += next(int(line.split()[1]) for line in f if line.startswith("Pss:")) * 1024
        except (OSError, ValueError, StopIteration):
            continue
    return rss, pss


def _group_alive(group: int) -> bool:
    """Whether any process of process group `group` is still running (zombies do not count)."""
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != b"Z":
                return True
    return False


def run(args: list, env: dict | None = None, memory: bool = False) -> Run:
    """Run a command to its end; raise if it fails."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    # As installed: Python caches compiled modules (some machines switch that off;
    # then every run, the no-op rebuild above all, compiles the kit anew).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([str(a) for a in args], cwd=ROOT, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        peak = [0, 0]
        done = threading.Event()

        def watch():
            while not done.wait(0.05):
                rss, pss = _tree_memory(proc.pid)
                peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)

        watcher = threading.Thread(target=watch)
        if memory:
            watcher.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        if memory:
            watcher.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} exited {code}:\n{stderr.strip()[-2000:]}")
    # ru_maxrss: the largest single child, in case the tree peaked between two looks
    peak_mb = max(peak[0], usage.ru_maxrss * 1024 if not memory else 0) / 1e6
    return Run(wall, usage.ru_utime + usage.ru_stime, peak_mb, max(peak[1], usage.ru_maxrss * 1024) / 1e6, stdout)


def stop_time(out: Path) -> float:
    """Seconds from SIGINT (sent once the first PDF is reported) to the exit of the whole build."""
    import signal

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([str(a) for a in generate("--force", "--out", out)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    proc.stdout.readline()  # one product written, the others rendering or queued
    signalled = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    code = proc.wait()
    while _group_alive(proc.pid) and time.perf_counter() - signalled < 60:  # workers left behind count too
        time.sleep(0.01)
    seconds = time.perf_counter() - signalled
    proc.stdout.close()
    if code != 130:
        raise RuntimeError(f"a build stopped with SIGINT exited {code}, not 130")
    return seconds


def generate(*args) -> list:
    return [sys.executable, ROOT / "generate.py", *args]


LINE = re.compile(r"^(?P<path>\S+)\.pdf: (?P<pages>\d+) pages?.*\((?P<rest>.*)\)$")
VERBOSE = re.compile(r"(?P<passes>\d+) layout pass(es)?: (?P<laid>\d+) pages laid out in (?P<s>[\d.]+) s CPU")


def products_built(stdout: str) -> dict[str, dict]:
    """The CLI's `--verbose` report lines: product -> pages, layout passes, pages laid out, layout seconds."""
    found = {}
    for line in stdout.splitlines():
        m = LINE.match(line.strip())
        if m:
            v = VERBOSE.search(m["rest"])
            found[Path(m["path"]).name] = {
                "pages": int(m["pages"]),
                "passes": int(v["passes"]) if v else None,
                "laid_out": int(v["laid"]) if v else None,
                "layout_s": float(v["s"]) if v else None,
            }
    return found


def median(values) -> float:
    return statistics.median(values)


def make_deck_pack(folder: Path, cards: int) -> None:
    import yaml

    shutil.copytree(PACK, folder)
    categories = [c["id"] for c in yaml.safe_load((PACK / "categories.yaml").read_text(encoding="utf-8"))]
    statements = [
        {"id": f"s-{i:04d}", "category": categories[(i - 1) % len(categories)],
         "text": f"Korte stelling {i}: we leren samen met de externe partner", "source": "kit"}
        for i in range(1, cards + 1)
    ]
    (folder / "statements.yaml").write_text(yaml.safe_dump(statements, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ratio_row(what: str, value: float, target: str, met: bool, context: str) -> str:
    return f"| {what} | {value:.2f}x | {target} | {'met' if met else '**NO**'} | {context} |"


def kit_rows(ours1: list[Run], ours: list[Run], wp: list[Run], noop: list[Run], cores: int) -> list[str]:
    """The default kit against WeasyPrint alone: CPU with one job, wall time with the default jobs, no-op."""
    cpu1, cpu_wp = median([r.cpu for r in ours1]), median([r.cpu for r in wp])
    wall, wall_wp = median([r.wall for r in ours]), median([r.wall for r in wp])
    wall_noop = median([r.wall for r in noop])
    return [
        ratio_row("Overhead over WeasyPrint alone, CPU time (cold `--force --jobs 1` / same final HTML)",
                  cpu1 / cpu_wp, f"<= {OVERHEAD_MAX}x", cpu1 / cpu_wp <= OVERHEAD_MAX,
                  f"{cpu1:.1f} s / {cpu_wp:.1f} s CPU"),
        ratio_row(f"Cold build wall time, default jobs ({cores}) / WeasyPrint alone in one process",
                  wall / wall_wp, f"<= {COLD_WALL_MAX}x", wall / wall_wp <= COLD_WALL_MAX,
                  f"{wall:.1f} s / {wall_wp:.1f} s"),
        ratio_row("No-op rebuild / cold build, wall time", wall_noop / wall, f"<= {NOOP_MAX}x",
                  wall_noop / wall <= NOOP_MAX, f"{wall_noop:.2f} s"),
    ]


def stop_row(tmp: Path, reps: int) -> str:
    stops = []
    for i in range(reps):
        log(f"Ctrl-C during a cold build ({i + 1}/{reps})")
        stops.append(stop_time(tmp / "stopped"))
    stop = median(stops)
    return (f"| Ctrl-C during a cold build, signal to exit of every process | {stop:.2f} s | "
            f"<= {STOP_MAX_S:g} s | {'met' if stop <= STOP_MAX_S else '**NO**'} | slowest {max(stops):.2f} s |")


PARTS = ("kit", "stop", "web", "deck", "batch")  # kit: overhead, cold build, no-op, layout passes, PDF sizes


def _parts(parser, only: str | None) -> set[str]:
    if only is None:
        return set(PARTS)
    wanted = {part.strip() for part in only.split(",") if part.strip()}
    if not wanted or wanted - set(PARTS):
        parser.error(f"--only takes some of {', '.join(PARTS)}")
    return wanted


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reps", type=int, default=3, metavar="N", help="runs of each measurement (default 3)")
    p.add_argument("--only", metavar="A,B", help=f"measure only these parts: {', '.join(PARTS)} (default: all)")
    args = p.parse_args(argv)
    reps = max(1, args.reps)
    parts = _parts(p, args.only)
    cores = os.cpu_count() or 1
    started = time.perf_counter()
    rows: list[str] = []
    notes: list[str] = []  # printed below the table

    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp_name:
        tmp = Path(tmp_name)
        out, html, alone = tmp / "out", tmp / "html", tmp / "alone"
        alone.mkdir()

        if "kit" in parts:
            log("warm-up build, dumping each product's final HTML")
            first = run(generate("--force", "--jobs", 1, "--out", out), env={"KIT_DUMP_HTML": html})
            built = products_built(first.stdout)
            if len(list(html.glob("*.html"))) != len(built):
                raise RuntimeError(f"the kit dumped {len(list(html.glob('*.html')))} HTML files for "
                                   f"{len(built)} products")
            run([sys.executable, "-c", WEASYPRINT_ALONE, html, alone])  # warm-up of that side

        ours1, ours, wp, noop, passes = [], [], [], [], {}
        for i in range(reps if "kit" in parts else 0):
            log(f"default kit: --jobs 1, WeasyPrint alone, default jobs, no-op ({i + 1}/{reps})")
            r = run(generate("--force", "--jobs", 1, "--verbose", "--out", out))
            ours1.append(r)
            for product, figures in products_built(r.stdout).items():
                passes.setdefault(product, []).append(figures)
            wp.append(run([sys.executable, "-c", WEASYPRINT_ALONE, html, alone]))
            ours.append(run(generate("--force", "--out", out)))
            n = run(generate("--out", out))
            rebuilt = [line for line in n.stdout.splitlines() if ".pdf:" in line and "(unchanged)" not in line]
            if rebuilt:
                raise RuntimeError(f"no-op rebuild rendered again: {rebuilt[0]}")
            noop.append(n)

        if "kit" in parts:
            rows += kit_rows(ours1, ours, wp, noop, cores)
            log("one cold build, default jobs, its timeline")
            notes += timeline(sys.modules[__name__], out, tmp)  # benchmarks/timeline.py
        if "stop" in parts:
            rows.append(stop_row(tmp, reps))
        if "web" in parts:
            log(f"web page: rebuild after a new school name ({reps} runs)")
            rows.append(web.row(reps))
        if "deck" in parts:
            rows += deck_rows(sys.modules[__name__], tmp, reps)  # benchmarks/deck.py
            log(f"{DECK_CARDS}-card deck, default jobs, its timeline")
            notes += ["", *timeline(sys.modules[__name__], tmp / "deck-timeline", tmp, "--content", tmp / "deck-pack",
                                    "--only", "sort-cards")]
        if "batch" in parts:
            from batch import batch_rows  # a batch of personalised kits against one (benchmarks/batch.py)

            rows += batch_rows(tmp, reps)
        if "kit" in parts:
            for product, runs in passes.items():
                f = runs[0]
                rows.append(f"| Layout passes: {product} | {f['passes']} | | | {f['laid_out']} pages laid out for "
                            f"{f['pages']}, {median([r['layout_s'] for r in runs]):.2f} s |")
            for pdf in sorted((out / PACK.name).glob("*.pdf")):
                rows.append(f"| PDF size: {pdf.stem} | {pdf.stat().st_size / 1024:.1f} KiB | | | |")

    total = time.perf_counter() - started
    print(f"findings-kit benchmark, {time.strftime('%Y-%m-%d')}, {cores} cores, median of {reps} runs, "
          f"load average {os.getloadavg()[0]:.1f}, whole run {total:.0f} s\n")
    print_table(rows)
    if notes:
        print("\n" + "\n".join(notes))
    return 0


def print_table(rows: list[str]) -> None:
    print("| Measure | Value | Target | Met | Context |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))


def standalone(description: str, rows_of, argv=None) -> int:
    """The `main` of a benchmark module run alone (`python benchmarks/deck.py`):
    its rows, measured in a temporary folder, as one table."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--reps", type=int, default=3, metavar="N", help="runs of each measurement (default 3)")
    reps = max(1, p.parse_args(argv).reps)
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        rows = rows_of(Path(tmp), reps)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
