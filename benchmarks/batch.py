"""A batch of personalised kits against one kit: `python benchmarks/batch.py [--reps N]`,
or as part of `benchmarks/run.py` (`batch_rows`).

Both are cold builds (`--force`) of the default kit of the default pack with
the default jobs, whole processes, medians of N runs taken in turns: one kit
with `--set school/team/date`, and `--batch` of BATCH_ROWS rows, each with its
own school, team and date.
"""

from __future__ import annotations

import sys
from pathlib import Path

BATCH_ROWS = 20
BATCH_MAX = 3.0  # batch of BATCH_ROWS kits / one kit, wall time


def schools_csv(path: Path, rows: int = BATCH_ROWS) -> Path:
    lines = ["school,team,date"] + [
        f"Basisschool {name},Team {chr(ord('A') + i % 4)},2026-12-{1 + i % 28:02d}"
        for i, name in enumerate(f"De Linde {i + 1}" for i in range(rows))
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def batch_rows(tmp: Path, reps: int) -> list[str]:
    """Table rows: one cold kit, a batch of BATCH_ROWS, their ratio against BATCH_MAX."""
    from run import generate, log, median, ratio_row, run  # noqa: PLC0415 (run.py imports this module)

    csv = schools_csv(tmp / "schools.csv")
    one, many = [], []
    for i in range(reps):
        for what in ("one", "batch") if i % 2 == 0 else ("batch", "one"):
            log(f"{'one kit' if what == 'one' else f'batch of {BATCH_ROWS} kits'}, cold ({i + 1}/{reps})")
            if what == "one":
                one.append(run(generate("--force", "--out", tmp / "one", "--set", "school=Basisschool De Linde 1",
                                        "--set", "team=Team A", "--set", "date=2026-12-01")))
            else:
                many.append(run(generate("--force", "--out", tmp / "batch", "--batch", csv)))
    kit, batch = median([r.wall for r in one]), median([r.wall for r in many])
    return [
        f"| One personalised kit, cold, wall time | {kit:.1f} s | | | CPU {median([r.cpu for r in one]):.1f} s |",
        f"| Batch of {BATCH_ROWS} personalised kits, cold, wall time | {batch:.1f} s | | | "
        f"CPU {median([r.cpu for r in many]):.1f} s |",
        ratio_row(f"Batch of {BATCH_ROWS} kits / one kit, wall time", batch / kit, f"<= {BATCH_MAX:g}x",
                  batch / kit <= BATCH_MAX, f"{batch:.1f} s / {kit:.1f} s"),
    ]


def main(argv=None) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run  # noqa: PLC0415 (run.py imports this module)

    return run.standalone(__doc__.split("\n\n")[0], batch_rows, argv)


if __name__ == "__main__":
    sys.exit(main())
