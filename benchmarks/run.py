#!/usr/bin/env python3
"""Performance benchmark of the kit: `python benchmarks/run.py [--quick] [--markdown]`.

Measures, each figure the median of several runs (3 by default, 1 with --quick):

1. cold build of the default kit: the full CLI as a subprocess, `--force`, all cores;
2. our overhead over WeasyPrint alone: the final HTML of every product, rendered
   and written by WeasyPrint in one process, against our own build of the same
   products in one process (`build_kit(..., jobs=1, force=True)`); each side is
   warmed up once first and uses one FontConfiguration, as the kit does;
3. no-op rebuild (the same command without --force) as a fraction of the cold build;
4. a batch of 20 personalised kits with --jobs 1 against --jobs <all cores>;
5. a 1,000-card sort deck: time per card and peak memory of that process;
6. the PDF size of each product of the default kit.

Prints a table with each figure's target and whether it is met, then the same
table as Markdown for the README (only the Markdown with --markdown; progress
goes to stderr).

The whole run keeps to a time budget (--budget, 280 s by default, so that it
ends within 5 minutes on a 2-core machine). Every section runs at least once;
a further run starts only if it still leaves time for two runs of each section
after it (estimated from how fast this machine has been so far); the table
says how many runs each median is of. Subprocesses are reaped with os.wait4,
so the peak memory and CPU time are those of the one process tree measured;
the CPU that other processes took meanwhile (from /proc/stat) is reported,
because a busy machine makes the parallel figures meaningless.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

STARTED = time.perf_counter()

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "content" / "collectief-leren"
GENERATE = ROOT / "generate.py"

# Targets
OVERHEAD_TARGET = 1.15  # ours / WeasyPrint alone, at most
NOOP_TARGET = 0.05  # no-op rebuild / cold build, at most
SPEEDUP_TARGET = 1.6  # batch --jobs 1 / --jobs <cores>, at least (on 2 cores)
MEMORY_TARGET_MB = 400  # 1,000-card deck peak, below (MB = 10^6 bytes)
RUNTIME_TARGET_S = 300  # the whole benchmark

BATCH_ROWS = 20
BATCH_PRODUCTS_DEFAULT = "sort-cards"
BIG_DECK_CARDS = 1000

# Seconds each section takes on a 2-core reference machine: (once, per run).
EXPECTED = {"cold": (1.0, 17.0), "inproc": (16.0, 15.0), "batch": (0.0, 37.0), "deck": (0.0, 24.0)}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values):
    return statistics.median(values) if values else None


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores, /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:9]]
    except OSError:
        return float("nan")
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- subprocesses


@dataclass
class Run:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    maxrss_kib: int  # peak resident set of the process and of the children it waited for
    cpu: float  # user + system seconds of the process and its children
    others: float  # cores other processes kept busy on average meanwhile

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run(args: list[str], cwd: Path = ROOT) -> Run:
    """Run a command: wall time, its own peak RSS and CPU time (wait4), others' CPU."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy = busy_seconds()
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        busy = busy_seconds() - busy
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        out.seek(0)
        err.seek(0)
        return Run(seconds, proc.returncode, out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                   usage.ru_maxrss, cpu, max(0.0, (busy - cpu) / seconds))


def generate(*args) -> list[str]:
    return [sys.executable, str(GENERATE), *map(str, args)]


def self_worker(*args) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", *map(str, args)]


def first_error(r: Run) -> str:
    lines = [line for line in r.stderr.splitlines() if "error" in line.lower()]
    if not lines:
        lines = r.stderr.strip().splitlines()[-1:] or [f"exit status {r.returncode}"]
    return lines[0][:160]


LINE = re.compile(r"^(?P<path>\S+\.pdf): (?P<pages>\d+) pages?.*\((?P<state>unchanged|[\d.]+ s)\)\s*$")


def parse_build(stdout: str) -> dict[str, dict]:
    """Product id -> {pages, cached} from the CLI's report lines."""
    found = {}
    for line in stdout.splitlines():
        m = LINE.match(line.strip())
        if m:
            found[Path(m["path"]).stem] = {"pages": int(m["pages"]), "cached": m["state"] == "unchanged"}
    return found


# --------------------------------------------------------------------------- time budget


class Budget:
    """Decides whether a section may run once more without starving the sections after it."""

    def __init__(self, seconds: float, reps: int):
        self.deadline = STARTED + seconds
        self.reps = reps
        self.pending = list(EXPECTED)
        self.ratios: list[float] = []  # observed / expected run time: how fast this machine is

    def scale(self) -> float:
        return median(self.ratios) if self.ratios else 1.0

    def reserve(self, section: str) -> float:
        """Seconds kept for two runs (at most `reps`) of each section after `section`."""
        after = self.pending[self.pending.index(section) + 1:]
        runs = min(2, self.reps)
        return self.scale() * sum(EXPECTED[s][0] + EXPECTED[s][1] * runs for s in after)

    def limit(self, section: str) -> float:
        """Seconds from now that `section` may use."""
        return self.deadline - time.perf_counter() - self.reserve(section)

    def observed(self, section: str, seconds: float) -> None:
        self.ratios.append(seconds / EXPECTED[section][1])

    def done(self, section: str) -> None:
        self.pending.remove(section)


class Repeat:
    """`for i in Repeat(reps, may_run)`: one run at least, more while `may_run(longest)` says so."""

    def __init__(self, reps: int, may_run, on_run=None):
        self.reps, self.may_run, self.on_run = reps, may_run, on_run
        self.done = 0
        self.cut = False

    def __iter__(self):
        longest = 0.0
        while self.done < self.reps:
            if self.done and not self.may_run(longest):
                self.cut = True
                return
            started = time.perf_counter()
            yield self.done
            seconds = time.perf_counter() - started
            longest = max(longest, seconds)
            if self.on_run:
                self.on_run(seconds)
            self.done += 1

    def label(self) -> str:
        text = "1 run" if self.done == 1 else f"median of {self.done}"
        return text + (" (time budget)" if self.cut else "")


def section_loop(budget: Budget, section: str) -> Repeat:
    def may_run(longest: float) -> bool:
        return longest <= budget.limit(section)

    return Repeat(budget.reps, may_run, lambda seconds: budget.observed(section, seconds))


# --------------------------------------------------------------------------- workers (run in a subprocess)


def worker_probe(result_file: str) -> None:
    """Which default products import."""
    sys.path.insert(0, str(ROOT))
    from kit.products import DEFAULT_PRODUCTS, get

    status = {}
    for product_id in DEFAULT_PRODUCTS:
        try:
            get(product_id)
            status[product_id] = ""
        except Exception as exc:  # noqa: BLE001 - any failure to import means: skip it
            status[product_id] = f"{type(exc).__name__}: {exc}"
    Path(result_file).write_text(json.dumps({"default": list(DEFAULT_PRODUCTS), "status": status}))


def worker_inproc(result_file: str, products: str, reps: int, limit: float, tmp: str) -> None:
    """Our build vs WeasyPrint alone on the same final HTML, both in this one process."""
    sys.path.insert(0, str(ROOT))
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    import kit.build as kb
    import kit.render as kr  # sets FONTCONFIG_FILE before WeasyPrint is imported
    from kit.context import Options

    wanted = products.split(",")
    out_ours, out_wp = Path(tmp) / "ours", Path(tmp) / "weasyprint"

    # Capture the HTML (and stylesheets) of the document each product writes,
    # and its layout passes. This run is also the warm-up of our side.
    laid_out: dict[int, tuple] = {}
    passes: dict[str, list[float]] = {}
    final: dict[str, tuple[str, list[str]]] = {}
    current = [None]
    orig_layout, orig_write, orig_render_product = kr._layout, kr.write_pdf, kb.render_product

    def layout(html, stylesheets):
        t0 = time.perf_counter()
        document = orig_layout(html, stylesheets)
        passes.setdefault(current[0], []).append(time.perf_counter() - t0)
        laid_out[id(document)] = (document, html, [str(p) for p in stylesheets])
        return document

    def write_pdf(document, target, pdf_variant=None):
        # A deck whose fitting swapped a few re-laid-out sheets into its first
        # layout is not one _layout() result: compare with that first layout.
        _, html, sheets = laid_out.get(id(document)) or next(iter(laid_out.values()))
        final[Path(target).stem] = (html, sheets)
        laid_out.clear()
        return orig_write(document, target, pdf_variant)

    def render_product(pack_folder, out, product_id, options, key):
        current[0] = product_id
        return orig_render_product(pack_folder, out, product_id, options, key)

    kr._layout, kr.write_pdf, kb.render_product = layout, write_pdf, render_product
    try:
        warm = kb.build_kit(PACK, out_ours, wanted, Options(), force=True, jobs=1)
    finally:
        kr._layout, kr.write_pdf, kb.render_product = orig_layout, orig_write, orig_render_product
    failed = {r.product: r.message for r in warm if r.status != "built"}
    wanted = [p for p in wanted if p not in failed and p in final]

    def ours() -> float:
        t0 = time.perf_counter()
        results = kb.build_kit(PACK, out_ours, wanted, Options(), force=True, jobs=1)
        seconds = time.perf_counter() - t0
        bad = [r for r in results if r.status != "built"]
        if bad:
            raise RuntimeError(f"{bad[0].product}: {bad[0].message}")
        return seconds

    font_config = FontConfiguration()  # one for the process, as the kit keeps one

    def weasyprint_alone() -> float:
        t0 = time.perf_counter()
        out_wp.mkdir(parents=True, exist_ok=True)
        for product_id in wanted:
            html, sheets = final[product_id]
            css = [weasyprint.CSS(filename=s, url_fetcher=kr.FETCHER, font_config=font_config) for s in sheets]
            document = weasyprint.HTML(string=html, base_url=str(kr.LAYOUTS) + "/", url_fetcher=kr.FETCHER).render(
                stylesheets=css, font_config=font_config)
            document.write_pdf(out_wp / f"{product_id}.pdf")
        return time.perf_counter() - t0

    weasyprint_alone()  # warm-up of this side
    times_ours, times_wp = [], []
    loop = Repeat(reps, lambda longest: time.perf_counter() - STARTED + longest <= limit)
    for i in loop:
        # Alternate which side goes first, so that drift on a noisy machine hits both.
        if i % 2:
            times_wp.append(weasyprint_alone())
            times_ours.append(ours())
        else:
            times_ours.append(ours())
            times_wp.append(weasyprint_alone())
    Path(result_file).write_text(json.dumps({
        "products": wanted,
        "failed": failed,
        "ours": times_ours,
        "weasyprint": times_wp,
        "label": loop.label(),
        "passes": {p: [len(t), sum(t)] for p, t in passes.items() if p in wanted},
    }))


# --------------------------------------------------------------------------- the benchmark


@dataclass
class Row:
    what: str
    value: str
    target: str = ""
    met: bool | None = None  # None: no target
    runs: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    load: list[str] = field(default_factory=list)  # what else ran on the machine
    raw: list[str] = field(default_factory=list)  # every run, for the curious

    def add(self, *args, **kwargs):
        self.rows.append(Row(*args, **kwargs))

    def record(self, what: str, runs: list[Run]) -> None:
        self.raw.append(f"{what}: " + ", ".join(f"{r.seconds:.2f}" for r in runs))
        cores = median([r.cpu / r.seconds for r in runs])
        others = median([r.others for r in runs])
        self.load.append(f"{what}: used {cores:.2f} cores, other processes {others:.2f}")


def probe_products(tmp: Path, report: Report) -> list[str]:
    result = tmp / "probe.json"
    r = run(self_worker("probe", result))
    if not r.ok:
        raise SystemExit(f"cannot import the kit: {first_error(r)}")
    data = json.loads(result.read_text())
    products = [p for p in data["default"] if not data["status"][p]]
    for p in data["default"]:
        if data["status"][p]:
            report.notes.append(f"{p}: skipped, does not import ({data['status'][p][:120]})")
    if len(products) < len(data["default"]):
        report.notes.append("the plain `python generate.py` stops on a product that does not import, so the kit "
                            f"is built with --only {','.join(products)}")
    return products


def bench_cold_and_noop(tmp: Path, products: list[str], budget: Budget, report: Report) -> dict[str, int]:
    out = tmp / "cold"
    cold: list[Run] = []
    noop: list[Run] = []
    retried = 0
    loop = section_loop(budget, "cold")
    for i in loop:
        shutil.rmtree(out, ignore_errors=True)
        log(f"cold build {i + 1}/{budget.reps} ({len(products)} products)")
        r = run(generate("--force", "--out", out, "--only", ",".join(products)))
        built = parse_build(r.stdout)
        skipped = [p for p in products if re.search(rf"^{re.escape(p)}: skipped", r.stdout, re.M)]
        failed = [p for p in products if p not in built and p not in skipped]
        if failed or skipped:
            # The pack has nothing for a product, or it imports but does not build yet
            # (work in progress in the tree): leave it out and build again.
            for p in skipped:
                report.notes.append(f"{p}: skipped by the kit (the pack has nothing for it)")
            if failed:
                report.notes.append(f"{', '.join(failed)}: left out, the build failed: {first_error(r)}")
            products[:] = [p for p in products if p not in failed and p not in skipped]
            if not products:
                raise SystemExit("no product builds")
            shutil.rmtree(out, ignore_errors=True)
            r = run(generate("--force", "--out", out, "--only", ",".join(products)))
        if not r.ok:
            raise SystemExit(f"cold build failed: {first_error(r)}")
        cold.append(r)
        for _ in range(3):
            n = run(generate("--out", out, "--only", ",".join(products)))
            rebuilt = [p for p, s in parse_build(n.stdout).items() if not s["cached"]]
            if n.ok and not rebuilt:
                noop.append(n)
                break
            # Someone saved a file under kit/ or layouts/ meanwhile, so the cache is right
            # to miss; this run rebuilt it: time the next one.
            retried += 1
        else:
            report.notes.append("no-op rebuild: the cache kept missing (files in the tree keep changing)")
    budget.done("cold")
    cores = os.cpu_count()
    cold_s = median([r.seconds for r in cold])
    report.add(f"Cold build, CLI `--force` ({len(products)} products, --jobs {cores})", f"{cold_s:.2f} s",
               "", None, loop.label())
    report.record("cold build", cold)
    if noop:
        noop_s = median([r.seconds for r in noop])
        ratio = noop_s / cold_s
        report.add("No-op rebuild (same command, no --force)", f"{noop_s:.2f} s = {ratio:.3f}x cold",
                   f"<= {NOOP_TARGET}x", ratio <= NOOP_TARGET, loop.label())
        report.record("no-op rebuild", noop)
    if retried:
        report.notes.append(f"no-op rebuild: {retried} run(s) missed the cache because files in the tree changed "
                            "during the benchmark; they were run again and not counted")
    folder = out / PACK.name
    return {p: (folder / f"{p}.pdf").stat().st_size for p in products if (folder / f"{p}.pdf").is_file()}


def bench_inproc(tmp: Path, products: list[str], budget: Budget, report: Report) -> None:
    result = tmp / "inproc.json"
    log(f"our build vs WeasyPrint alone, in one process (warm-up, then up to {budget.reps} runs each)")
    limit = budget.limit("inproc")
    r = run(self_worker("inproc", result, ",".join(products), budget.reps, f"{limit:.1f}", tmp / "inproc"))
    budget.done("inproc")
    if not r.ok:
        report.add("Our overhead over WeasyPrint alone", "failed", f"<= {OVERHEAD_TARGET}x", False, first_error(r))
        return
    data = json.loads(result.read_text())
    for ours_s, wp_s in zip(data["ours"], data["weasyprint"]):
        budget.ratios.append((ours_s + wp_s) / EXPECTED["inproc"][1])
    for p, message in data["failed"].items():
        report.notes.append(f"in-process comparison: {p} left out, it failed: {message[:120]}")
    ours, alone = median(data["ours"]), median(data["weasyprint"])
    label = data["label"]
    report.add(f"Our build, in-process, jobs=1 ({len(data['products'])} products)", f"{ours:.2f} s", "", None, label)
    report.add("WeasyPrint alone, same final HTML, incl. write_pdf", f"{alone:.2f} s", "", None, label)
    ratio = ours / alone
    report.add("Our overhead (ours / WeasyPrint alone)", f"{ratio:.2f}x", f"<= {OVERHEAD_TARGET}x",
               ratio <= OVERHEAD_TARGET, label)
    detail = ", ".join(f"{p} {n} ({s:.1f} s)" for p, (n, s) in data["passes"].items())
    report.notes.append(f"layout passes per product in our build (time in WeasyPrint layout): {detail}")
    report.notes.append("overhead: both sides run in one process, each warmed up once, with one FontConfiguration "
                        "each, and write their PDFs to disk")
    report.raw.append("in-process ours: " + ", ".join(f"{s:.2f}" for s in data["ours"]))
    report.raw.append("in-process WeasyPrint alone: " + ", ".join(f"{s:.2f}" for s in data["weasyprint"]))


def bench_batch(tmp: Path, batch_products: str, budget: Budget, report: Report) -> None:
    cores = os.cpu_count() or 1
    rows = tmp / "batch.csv"
    with open(rows, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["school", "team", "date"])
        for i in range(1, BATCH_ROWS + 1):
            writer.writerow([f"School {i:02d}", f"Team {'ABCD'[i % 4]}", f"2026-12-{i:02d}"])
    runs: dict[int, list[Run]] = {1: [], cores: []}
    loop = section_loop(budget, "batch")
    for i in loop:
        for jobs in ([1, cores] if i % 2 == 0 else [cores, 1]):
            out = tmp / f"batch-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            log(f"batch of {BATCH_ROWS} x {batch_products}, --jobs {jobs} ({i + 1}/{budget.reps})")
            r = run(generate("--batch", rows, "--only", batch_products, "--jobs", jobs, "--force", "--out", out))
            if not r.ok:
                budget.done("batch")
                report.add(f"Batch of {BATCH_ROWS} kits", "failed", f">= {SPEEDUP_TARGET}x", False, first_error(r))
                return
            runs[jobs].append(r)
    budget.done("batch")
    what = f"Batch of {BATCH_ROWS} kits, --only {batch_products}"
    one = median([r.seconds for r in runs[1]])
    report.add(f"{what}, --jobs 1", f"{one:.2f} s", "", None, loop.label())
    report.record("batch --jobs 1", runs[1])
    if batch_products == BATCH_PRODUCTS_DEFAULT:
        report.notes.append(f"the batch is restricted to --only {batch_products} to keep the whole benchmark under "
                            "5 minutes (--batch-products changes it)")
    if cores == 1:
        report.notes.append("one core: no parallel batch to compare")
        return
    many = median([r.seconds for r in runs[cores]])
    report.add(f"{what}, --jobs {cores}", f"{many:.2f} s", "", None, loop.label())
    report.record(f"batch --jobs {cores}", runs[cores])
    speedup = one / many
    report.add(f"Batch speed-up, --jobs {cores} vs --jobs 1", f"{speedup:.2f}x", f">= {SPEEDUP_TARGET}x",
               speedup >= SPEEDUP_TARGET, loop.label())
    others = median([r.others for r in runs[cores]])
    if others > 0.3:
        report.notes.append(f"other processes kept {others:.1f} of {cores} cores busy during the parallel batch: "
                            "the speed-up is understated")


def make_big_pack(folder: Path, cards: int) -> None:
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


def bench_deck(tmp: Path, budget: Budget, report: Report) -> None:
    pack = tmp / "big-pack"
    make_big_pack(pack, BIG_DECK_CARDS)
    runs: list[Run] = []
    pages = 0
    loop = section_loop(budget, "deck")
    for i in loop:
        log(f"{BIG_DECK_CARDS}-card sort deck ({i + 1}/{budget.reps})")
        out = tmp / "big-out"
        shutil.rmtree(out, ignore_errors=True)
        r = run(generate("--content", pack, "--only", "sort-cards", "--force", "--out", out))
        if not r.ok:
            budget.done("deck")
            report.add(f"{BIG_DECK_CARDS}-card sort deck", "failed", f"< {MEMORY_TARGET_MB} MB", False, first_error(r))
            return
        runs.append(r)
        pages = parse_build(r.stdout).get("sort-cards", {}).get("pages", 0)
    budget.done("deck")
    seconds = median([r.seconds for r in runs])
    report.add(f"{BIG_DECK_CARDS}-card sort deck, CLI `--only sort-cards --force` ({pages} pages)",
               f"{seconds:.1f} s = {seconds / BIG_DECK_CARDS * 1000:.1f} ms/card", "", None, loop.label())
    peak = median([r.maxrss_kib * 1024 for r in runs])
    report.add(f"{BIG_DECK_CARDS}-card sort deck, peak memory (max RSS)", f"{peak / 2**20:.0f} MiB ({peak / 1e6:.0f} MB)",
               f"< {MEMORY_TARGET_MB} MB", peak < MEMORY_TARGET_MB * 1e6, loop.label())
    report.record(f"{BIG_DECK_CARDS}-card deck", runs)


# --------------------------------------------------------------------------- output


def print_rich(report: Report, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 150)
    table = Table(title=title)
    for column in ("Measurement", "Value", "Target", "Met", "Runs"):
        table.add_column(column, overflow="fold")
    for row in report.rows:
        met = {None: "", True: "[green]yes", False: "[bold red]NO"}[row.met]
        table.add_row(row.what, row.value, row.target, met, row.runs)
    console.print(table)
    for note in notes(report):
        console.print(f"- {note}", highlight=False, markup=False)


def notes(report: Report) -> list[str]:
    found = list(report.notes)
    if report.load:
        found.append("CPU (median per run): " + "; ".join(report.load))
    if report.raw:
        found.append("every run, in seconds: " + "; ".join(report.raw))
    return found


def markdown(report: Report, title: str) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    mark = {None: "", True: "yes", False: "**NO**"}
    lines = [f"**{title}**", "", "| Measurement | Value | Target | Met | Runs |", "|---|---|---|---|---|"]
    for row in report.rows:
        lines.append("| " + " | ".join((cell(row.what), cell(row.value), cell(row.target), mark[row.met],
                                        cell(row.runs))) + " |")
    found = notes(report)
    if found:
        lines.append("")
        lines += [f"- {note}" for note in found]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog="Targets: overhead <= 1.15x, no-op <= 0.05x of cold, batch speed-up >= 1.6x, "
                                "1,000-card deck < 400 MB, whole benchmark < 5 minutes.")
    p.add_argument("--quick", action="store_true", help="one run per figure instead of three")
    p.add_argument("--reps", type=int, default=None, metavar="N", help="runs per figure (default 3, 1 with --quick)")
    p.add_argument("--budget", type=float, default=280.0, metavar="S",
                   help="time budget in seconds: sections repeat less when it runs short (default 280)")
    p.add_argument("--batch-products", default=BATCH_PRODUCTS_DEFAULT, metavar="A,B",
                   help=f"products of the batch (default {BATCH_PRODUCTS_DEFAULT}; with dialogue-cards a run "
                   "takes minutes on 2 cores)")
    p.add_argument("--markdown", action="store_true", help="print only the Markdown table")
    p.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.worker:
        kind, *rest = args.worker
        if kind == "probe":
            worker_probe(*rest)
        elif kind == "inproc":
            result, products, reps, limit, tmp = rest
            worker_inproc(result, products, int(reps), float(limit), tmp)
        return 0

    budget = Budget(args.budget, max(1, args.reps or (1 if args.quick else 3)))
    report = Report()
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    report.add("CPU cores (os.cpu_count / usable by this process)", f"{cores} / {usable}")
    try:  # the kit and WeasyPrint themselves are imported only in the subprocesses
        from importlib.metadata import version as package_version

        weasyprint_version = package_version("weasyprint")
    except Exception:  # noqa: BLE001
        weasyprint_version = "?"
    title = (f"findings-kit benchmark ({time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, "
             f"WeasyPrint {weasyprint_version})")
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp_name:
        tmp = Path(tmp_name)
        products = probe_products(tmp, report)
        if not products:
            raise SystemExit("no product of DEFAULT_PRODUCTS imports")
        log(f"products: {', '.join(products)}")
        pdfs = bench_cold_and_noop(tmp, products, budget, report)
        bench_inproc(tmp, products, budget, report)
        bench_batch(tmp, args.batch_products, budget, report)
        bench_deck(tmp, budget, report)
        for product_id, size in pdfs.items():
            report.add(f"PDF size: {product_id}", f"{size / 1024:.1f} KiB")
        total = time.perf_counter() - STARTED
        report.add("Whole benchmark, wall time", f"{total:.0f} s", f"< {RUNTIME_TARGET_S} s", total < RUNTIME_TARGET_S)
    load_after = os.getloadavg()
    report.notes.append("load average before / after: " + " / ".join(
        ", ".join(f"{x:.2f}" for x in load) for load in (load_before, load_after)))

    if not args.markdown:
        print_rich(report, title)
        print()
    print(markdown(report, title))
    return 0


if __name__ == "__main__":
    sys.exit(main())
