"""Which worker rendered which product when, in one cold build with the
default jobs (`timeline`, called by `benchmarks/run.py`): the critical path
of the build, from the kit's KIT_TIMELINE lines (kit/build/worker.py)."""

from __future__ import annotations

import time
from pathlib import Path


def timeline(bench, out: Path, tmp: Path, *args) -> list[str]:
    """One cold build (`--force`, with `args`), as lines: per worker, each task's
    start and end in seconds from the command's start, and its CPU time."""
    record = tmp / "timeline.txt"
    record.unlink(missing_ok=True)
    began = time.time()
    run = bench.run(bench.generate("--force", "--out", out, *args), env={"KIT_TIMELINE": record})
    tasks: dict[str, list[tuple]] = {}
    for line in record.read_text(encoding="utf-8").splitlines():
        pid, product, part, start, end, cpu = line.split()
        name = f"{product} part {part}" if part != "0" else product
        tasks.setdefault(pid, []).append((float(start) - began, float(end) - began, float(cpu), name))
    lines = [f"Timeline of one cold build{' ' + ' '.join(map(str, args)) if args else ''}, default jobs: "
             f"{run.wall:.2f} s, times in seconds from the command's start:", ""]
    for n, (_, done) in enumerate(sorted(tasks.items(), key=lambda item: min(item[1])), 1):
        done.sort()
        busy = sum(cpu for _, _, cpu, _ in done)
        lines.append(f"- process {n}: " + ", ".join(f"{name} {start:.2f}-{end:.2f} ({cpu:.2f} CPU)"
                                                     for start, end, cpu, name in done)
                     + f"; {busy:.2f} s CPU in tasks, idle after {done[-1][1]:.2f}")
    return lines
