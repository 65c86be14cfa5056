"""A build leaves nothing in the temporary folder: WeasyPrint copies the fonts a
document names into a folder of its own there, and a worker process that ends
without collecting it (a forked worker ends with os._exit) must remove it."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import GENERATE, ROOT


def test_a_build_with_two_workers_leaves_no_temporary_fonts(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    done = subprocess.run([sys.executable, str(GENERATE), "--force", "--jobs", "2", "--only", "poster,sort-mat",
                           "--out", str(tmp_path / "out")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "collectief-leren" / "poster.pdf").is_file()
    # (Jinja's cache of compiled templates is kept there on purpose, for the next build)
    assert [p.name for p in temporary.iterdir() if p.name.startswith("weasyprint")] == []
